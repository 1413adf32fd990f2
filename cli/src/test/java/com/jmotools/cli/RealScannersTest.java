package com.jmotools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real shellcheck and bandit (Debian packages; CI installs them) on the fixture repository:
 * their findings reach every report format, normalised.
 */
@Timeout(180)
class RealScannersTest {

  @TempDir Path tmp;

  @Test
  void shellcheckAndBanditFindingsReachTheReports() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/shellcheck")),
        "shellcheck is not installed (apt install shellcheck)");
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/bandit")),
        "bandit is not installed (apt install python3-bandit)");
    Path fixture =
        Path.of(System.getProperty("jmo.repo.root", ".."))
            .resolve("cli/src/test/fixtures/vulnerable-repo");
    if (!Files.isDirectory(fixture)) {
      fixture = Path.of("src/test/fixtures/vulnerable-repo");
    }
    CliFixture f = new CliFixture(tmp);
    f.env.put("JMO_TELEMETRY_DISABLE", "1");

    CliFixture.Run run =
        f.jmo(
            "ci",
            "--repo",
            fixture.toAbsolutePath().toString(),
            "--tools",
            "shellcheck,bandit",
            "--results-dir",
            "results",
            "--fail-on",
            "HIGH");

    assertThat(run.code()).as(run.toString()).isEqualTo(1); // bandit finds shell=True (HIGH)
    JsonNode report =
        new ObjectMapper().readTree(f.work.resolve("results/summaries/findings.json").toFile());
    Set<String> found = new HashSet<>();
    report
        .path("findings")
        .forEach(
            x ->
                found.add(
                    x.path("tool").asText()
                        + " "
                        + x.path("rule").asText()
                        + " "
                        + x.path("path").asText()));
    assertThat(found)
        .contains(
            "shellcheck SC2086 scripts/deploy.sh",
            "shellcheck SC2115 scripts/deploy.sh",
            "bandit B602 app/server.py",
            "bandit B301 app/server.py",
            "bandit B307 app/server.py");
    for (JsonNode x : report.path("findings")) {
      assertThat(x.path("line").asInt()).isPositive();
      assertThat(x.path("severity").asText()).isIn("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO");
    }
    String md = Files.readString(f.work.resolve("results/summaries/SUMMARY.md"));
    assertThat(md).contains("SC2115").contains("B602").contains("scripts/deploy.sh:4");
    assertThat(Files.readString(f.work.resolve("results/summaries/findings.sarif")))
        .contains("\"ruleId\" : \"B602\"");
    assertThat(Files.readString(f.work.resolve("results/summaries/dashboard.html")))
        .contains("SC2086");
    assertThat(Files.readString(f.work.resolve("results/summaries/findings.yaml")))
        .contains("rule: B307");
  }
}
