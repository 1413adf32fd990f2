package com.jmotools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What jmo scan leaves for jmo report, and what jmo.yml's run defaults change. */
@Timeout(120)
class ResultsDirectoryTest {

  @TempDir Path tmp;

  private CliFixture f;

  @BeforeEach
  void setUp() {
    f = new CliFixture(tmp);
    f.env.put("JMO_TELEMETRY_DISABLE", "1");
    f.repo("app", "a.py", "x\n");
  }

  @Test
  void aScanThatRunsNoToolStillLeavesAResultsDirectoryThatReportReads() {
    CliFixture.Run scan =
        f.jmo("scan", "--repo", "app", "--profile-name", "fast", "--results-dir", "out");
    assertThat(scan.code()).as(scan.toString()).isZero();
    assertThat(f.work.resolve("out")).isDirectory();

    CliFixture.Run report = f.jmo("report", "out");
    assertThat(report.code()).as(report.toString()).isZero();
    assertThat(report.out()).contains("0 finding(s)");
    // a directory no scan wrote is still refused
    assertThat(f.jmo("report", "app").code()).isEqualTo(3);
  }

  @Test
  void aCorruptStatusFileIsNamedAsCorrupt() throws Exception {
    FakeTools.semgrepFinds(f, 2);
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep", "--results-dir", "out").code())
        .isZero();
    Path status;
    try (Stream<Path> files = Files.walk(f.work.resolve("out"))) {
      status =
          files
              .filter(p -> p.getFileName().toString().equals("status.json"))
              .findFirst()
              .orElseThrow();
    }
    Files.writeString(status, "{\"tool\": \"semgrep\", \"status\": ");

    CliFixture.Run report = f.jmo("report", "out");
    assertThat(report.code()).as(report.toString()).isEqualTo(3);
    assertThat(report.err())
        .contains(status.toString())
        .contains("corrupt")
        .doesNotContain("Unexpected end-of-input")
        .doesNotContain("Exception");
  }

  @Test
  void jmoYmlRunDefaultsApplyAndTheCommandLineWins() throws Exception {
    FakeTools.semgrepFinds(f, 2);
    CliFixture.write(
        f.work.resolve("jmo.yml"), "outputs: [json, md]\nfail_on: low\nthreads: 2\ntimeout: 60\n");
    CliFixture.Run ci = f.jmo("ci", "--repo", "app", "--tools", "semgrep", "--results-dir", "out");
    assertThat(ci.code()).as("fail_on: low and semgrep finds 2 warnings: " + ci).isEqualTo(1);
    assertThat(f.work.resolve("out/summaries/findings.json")).exists();
    assertThat(f.work.resolve("out/summaries/SUMMARY.md")).exists();
    assertThat(f.work.resolve("out/summaries/dashboard.html")).doesNotExist();

    CliFixture.Run report = f.jmo("report", "out", "--formats", "html", "--fail-on", "critical");
    assertThat(report.code()).as(report.toString()).isZero();
    assertThat(f.work.resolve("out/summaries/dashboard.html")).exists();
  }

  @Test
  void everyTopLevelValueIsCheckedAndTheErrorNamesTheKey() {
    String[][] cases = {
      {"threads: \"lots\"\n", "threads"},
      {"timeout: abc\n", "timeout"},
      {"fail_on: urgent\n", "fail_on"},
      {"outputs: [pdf]\n", "outputs"},
      {"threads: 0\n", "threads"},
      {"timeout: 1.5\n", "timeout"}
    };
    for (String[] c : cases) {
      CliFixture.write(f.work.resolve("jmo.yml"), c[0]);
      CliFixture.Run run = f.jmo("scan", "--repo", "app", "--tools", "semgrep");
      assertThat(run.code()).as(c[0]).isEqualTo(3);
      assertThat(run.err())
          .as(c[0])
          .startsWith("jmo: " + f.work.resolve("jmo.yml") + ": " + c[1] + " ");
      assertThat(run.err().lines().count()).isEqualTo(1);
    }
  }
}
