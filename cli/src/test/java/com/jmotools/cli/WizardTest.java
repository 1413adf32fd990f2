package com.jmotools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jmotools.telemetry.catalog.Catalog;
import com.jmotools.telemetry.testing.RecordingCollector;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jmotools wizard} driven through a pseudo-terminal (prompts answered, the telemetry answer
 * written into jmo.yml keeping the rest of the file) and non-interactively (no prompt, nothing
 * written about telemetry).
 */
@Timeout(240)
class WizardTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ORIGINAL_CONFIG =
      "# Team settings: keep this comment\ndefault_profile: fast   # we like it "
          + "quick\nsuppressions:\n"
          + "  - rule: R9\n"
          + "    reason: known\n";

  @TempDir Path tmp;

  private RecordingCollector collector;
  private CliFixture f;

  @BeforeEach
  void setUp() {
    collector = RecordingCollector.start();
    f = new CliFixture(tmp).endpoint(collector.baseUrl());
    FakeTools.semgrepFinds(f, 2);
    f.repo("app", "main.py", "print(1)\n");
  }

  @AfterEach
  void tearDown() {
    collector.close();
  }

  private List<JsonNode> events(String name) {
    return collector.events().stream()
        .filter(e -> e.path("event").asText().equals(name))
        .collect(Collectors.toList());
  }

  @Test
  void withYesNothingIsAskedAndNothingAboutTelemetryIsWritten() throws Exception {
    CliFixture.write(f.work.resolve("jmo.yml"), ORIGINAL_CONFIG);
    assertThat(f.jmo("telemetry", "enable").code())
        .isZero(); // so this run records, without the question

    CliFixture.Run run =
        f.jmotools(
            "",
            true,
            "wizard",
            "--yes",
            "--repo",
            "app",
            "--profile",
            "fast",
            "--artifact",
            "makefile");

    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out())
        .doesNotContain("[y/N]")
        .doesNotContain("Profile [")
        .doesNotContain("Enable anonymous telemetry");
    assertThat(Files.readString(f.work.resolve("jmo.yml"))).isEqualTo(ORIGINAL_CONFIG);
    assertThat(Files.readString(f.work.resolve("Makefile.jmo")))
        .contains("security-scan:")
        .contains("jmotools fast --repo");
    f.awaitDelivered(() -> collector.count() == 4);
    assertThat(events("wizard.completed").get(0).path("metadata"))
        .isEqualTo(
            JSON.readTree(
                "{\"profile_selected\":\"fast\",\"execution_mode\""
                    + ":\"native\",\"artifact_generated\":\"makefile\","
                    + "\"duration_seconds\":0}"));
    assertThat(events("scan.started").get(0).path("metadata").path("mode").asText())
        .isEqualTo("wizard");
    assertThat(events("scan.completed").get(0).path("metadata").path("mode").asText())
        .isEqualTo("wizard");
    assertThat(events("report.generated")).hasSize(1);
  }

  @Test
  void dockerModeRunsTheImageWithTheTargetMountedAndWritesAWorkflow() throws Exception {
    assertThat(f.jmo("telemetry", "enable").code()).isZero();
    Path dockerArgs = tmp.resolve("docker-args");
    f.tool("docker", "for a in \"$@\"; do echo \"$a\"; done > " + dockerArgs);

    CliFixture.Run run =
        f.jmotools(
            "",
            false,
            "wizard",
            "--yes",
            "--docker",
            "--repo",
            "app",
            "--profile",
            "deep",
            "--artifact",
            "gha");

    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(Files.readAllLines(dockerArgs))
        .containsSubsequence(
            "run",
            "--rm",
            "-v",
            f.work.resolve("app") + ":/scan",
            "-v",
            f.work.resolve("results") + ":/results",
            "ghcr.io/jimmy058910/jmo-security:latest",
            "ci",
            "--repo",
            "/scan");
    assertThat(Files.readString(f.work.resolve(".github/workflows/jmo-security.yml")))
        .contains("run: |")
        .contains("docker run --rm -v");
    f.awaitDelivered(() -> collector.count() == 1);
    assertThat(events("wizard.completed").get(0).path("metadata"))
        .isEqualTo(
            JSON.readTree(
                "{\"profile_selected\":\"deep\",\"execution_mode\""
                    + ":\"docker\",\"artifact_generated\":\"gha\",\"duration_seconds\":0}"));
  }

  @Test
  void offATerminalNothingIsAskedEvenWithoutYes() throws Exception {
    CliFixture.Run run = f.jmotools("y\ny\ny\n", false, "wizard", "--repo", "app", "--no-run");

    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out())
        .doesNotContain("[y/N]")
        .doesNotContain("Enable anonymous telemetry")
        .contains("to scan later: jmotools balanced");
    assertThat(f.work.resolve("jmo.yml")).doesNotExist();
  }

  @Test
  void onATerminalTheQuestionIsAnsweredAndWrittenIntoJmoYmlKeepingTheRest() throws Exception {
    CliFixture.write(f.work.resolve("jmo.yml"), ORIGINAL_CONFIG);
    List<List<String>> answers =
        List.of(
            List.of("Profile [fast/balanced/deep]", "fast"),
            List.of("Scan a directory of repositories", "n"),
            List.of("Repository to scan", "app"),
            List.of("Run natively or in Docker", ""),
            List.of("Generate an artifact", "shell"),
            List.of("Enable anonymous telemetry? [y/N]", "y"),
            List.of("Run the scan now? [Y/n]", "y"));

    Result first = drive(answers);

    assertThat(first.code).as(first.output).isZero();
    assertThat(first.output)
        .contains("Help improve JMo Security")
        .contains(
            "Telemetry enabled for you: wrote enabled: true into "
                + f.home.resolve(".jmo-security/telemetry/settings.json"))
        .contains("telemetry.enabled: true into " + f.work.resolve("jmo.yml"));
    String config = Files.readString(f.work.resolve("jmo.yml"));
    assertThat(config).startsWith(ORIGINAL_CONFIG).contains("telemetry:\n  enabled: true");
    assertThat(Files.isExecutable(f.work.resolve("jmo-scan.sh"))).isTrue();
    f.awaitDelivered(() -> events("scan.completed").size() == 1);
    JsonNode wizard = events("wizard.completed").get(0).path("metadata");
    assertThat(wizard.path("profile_selected").asText()).isEqualTo("fast");
    assertThat(wizard.path("execution_mode").asText()).isEqualTo("native");
    assertThat(wizard.path("artifact_generated").asText()).isEqualTo("shell");
    assertThat(wizard.path("duration_seconds").asLong() % 10).isZero();
    // The wizard's scan is mode wizard, in a container too.
    assertThat(events("scan.started").get(0).path("metadata").path("mode").asText())
        .isEqualTo("wizard");

    // A choice is recorded now: the second run does not ask again.
    Files.delete(f.work.resolve("jmo-scan.sh"));
    Result second =
        drive(
            List.of(
                List.of("Profile [fast/balanced/deep]", "fast"),
                List.of("Scan a directory of repositories", "n"),
                List.of("Repository to scan", "app"),
                List.of("Run natively or in Docker", ""),
                List.of("Generate an artifact", ""),
                List.of("Run the scan now? [Y/n]", "n")));
    assertThat(second.code).as(second.output).isZero();
    assertThat(second.output).doesNotContain("Enable anonymous telemetry");
    assertThat(Files.readString(f.work.resolve("jmo.yml"))).isEqualTo(config);
  }

  @Test
  void theQuestionListsWhatIsSentInTheCatalogsWords() {
    // profile, finding ranges, target counts and the version are sent: the list must say so
    Catalog catalog = Catalog.standard();
    assertThat(catalog.fieldsNotInBrief()).isEmpty();
    String collected =
        WizardCommand.TELEMETRY_QUESTION.substring(
            WizardCommand.TELEMETRY_QUESTION.indexOf("What we collect"),
            WizardCommand.TELEMETRY_QUESTION.indexOf("What we DON'T collect"));
    catalog.inBrief().forEach(item -> assertThat(collected).contains("   - " + item.text() + "\n"));
    assertThat(collected)
        .contains("profile")
        .contains("finding counts, only as coarse ranges")
        .contains("targets of each kind")
        .contains("jmo's version");
  }

  @Test
  void theQuestionSaysWhereTheAnswerCanBeChanged() {
    // after a "no", enabled: true in jmo.yml stays off (the user's own off wins): only the command
    // changes the answer
    assertThat(WizardCommand.TELEMETRY_QUESTION)
        .doesNotContain("change this later in jmo.yml")
        .contains("jmo telemetry enable|disable (your own choice wins over jmo.yml)");
  }

  @Test
  void aNoInTheWizardIsTheUsersOffAndDropsWhatWasWaiting() throws Exception {
    // a cloned repository says on; this user saw the notice once, then a scan queued events offline
    CliFixture.write(f.work.resolve("jmo.yml"), "telemetry:\n  enabled: true\n");
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isZero();
    collector.mode(RecordingCollector.Mode.DOWN);
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isZero();
    assertThat(f.jmo("telemetry", "show").out()).contains("# waiting to be sent (2)");

    Result r =
        drive(
            List.of(
                List.of("Profile [fast/balanced/deep]", ""),
                List.of("Run natively or in Docker", ""),
                List.of("Generate an artifact", ""),
                List.of("Enable anonymous telemetry? [y/N]", "n")),
            "--repo",
            "app",
            "--no-run");

    assertThat(r.code).as(r.output).isZero();
    assertThat(r.output)
        .contains(
            "Telemetry disabled for you: wrote enabled: false into "
                + f.home.resolve(".jmo-security/telemetry/settings.json"))
        .contains("telemetry.enabled: false into " + f.work.resolve("jmo.yml"))
        .contains("removed the 2 event(s) that were waiting to be sent");
    assertThat(Files.readString(f.work.resolve("jmo.yml"))).contains("enabled: false");
    // the user's own off: a project file switched back on does not undo it
    CliFixture.write(f.work.resolve("jmo.yml"), "telemetry:\n  enabled: true\n");
    assertThat(f.jmo("telemetry", "status").out())
        .contains("off: telemetry.enabled is false in user settings");
    assertThat(f.jmo("telemetry", "show").out()).contains("# waiting to be sent (0)");
    collector.mode(RecordingCollector.Mode.NORMAL);
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isZero();
    assertThat(collector.requests()).isZero();
  }

  private record Result(int code, String output) {}

  /** Runs jmotools wizard in a fresh JVM inside a pseudo-terminal, answering the prompts. */
  private Result drive(List<List<String>> answers, String... args)
      throws IOException, InterruptedException, URISyntaxException {
    Path driver = Path.of(WizardTest.class.getResource("/pty_drive.py").toURI());
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "python3",
                driver.toString(),
                JSON.writeValueAsString(answers),
                java,
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classpath,
                JmoTools.class.getName(),
                "wizard"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).directory(f.work.toFile()).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(f.env);
    pb.environment().put("TERM", "dumb");
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(200, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).replace("\r\n", "\n"));
  }
}
