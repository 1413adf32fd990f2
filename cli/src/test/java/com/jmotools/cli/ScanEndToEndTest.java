package com.jmotools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jmotools.telemetry.testing.RecordingCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jmo scan} and {@code jmo ci} against fake tools that succeed, find things, exit non-zero,
 * hang past their timeout and crash, with telemetry going to a collector on loopback: the events
 * stored carry exactly the expected metadata, and nothing else.
 */
@Timeout(120)
class ScanEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> ENVELOPE =
      Set.of(
          "event",
          "version",
          "platform",
          "runtime",
          "anonymous_id",
          "event_id",
          "timestamp",
          "metadata");

  @TempDir Path tmp;

  private RecordingCollector collector;
  private CliFixture f;

  @BeforeEach
  void setUp() {
    collector = RecordingCollector.start();
    f = new CliFixture(tmp).endpoint(collector.baseUrl());
  }

  @AfterEach
  void tearDown() {
    collector.close();
  }

  private void userEnabled() {
    assertThat(f.jmo("telemetry", "enable").code()).isZero();
  }

  private List<JsonNode> events(String name) {
    return collector.events().stream()
        .filter(e -> e.path("event").asText().equals(name))
        .collect(Collectors.toList());
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void scanWithEveryKindOfToolOutcomeSendsExactlyTheCatalogMetadata() throws Exception {
    userEnabled();
    Path pidFile = tmp.resolve("grandchild.pid");
    FakeTools.semgrepFinds(f, 3);
    FakeTools.checkovClean(f);
    FakeTools.trivyFails(f);
    FakeTools.trufflehogHangs(f, pidFile);
    FakeTools.syftCrashes(f);
    FakeTools.customLinter(f, "my-linter", 2);
    CliFixture.write(
        f.work.resolve("jmo.yml"),
        "custom_tools:\n  my-linter:\n    command: [my-li" + "nter, \"{target}\"]\n");
    f.repo("app", "src/main.py", "print('hi')\n");

    long started = System.nanoTime();
    CliFixture.Run run =
        f.jmo(
            "scan",
            "--repo",
            "app",
            "--tools",
            "semgrep,checkov,trivy,trufflehog,syft,gitleaks,my-linter",
            "--timeout",
            "2",
            "--threads",
            "7",
            "--results-dir",
            "results");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(took)
        .as("the hung tool is killed at its timeout")
        .isLessThan(Duration.ofSeconds(30));
    assertThat(run.err()).contains("skipping gitleaks").contains("install:");
    long grandchild = Long.parseLong(Files.readString(pidFile).trim());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(grandchild).map(p -> !p.isAlive()).orElse(true));

    f.awaitDelivered(() -> collector.count() == 5);
    for (JsonNode e : collector.events()) {
      Set<String> names = new TreeSet<>();
      e.fieldNames().forEachRemaining(names::add);
      assertThat(names).isEqualTo(new TreeSet<>(ENVELOPE));
      assertThat(e.path("version").asText()).isEqualTo(Jmo.version());
    }
    assertThat(events("scan.started")).hasSize(1);
    assertThat(events("scan.started").get(0).path("metadata"))
        .isEqualTo(
            json(
                "{\"mode\":\"cli\",\"profile\":\"custom\",\"tools"
                    + "\":[\"semgrep\",\"checkov\",\"trivy\",\"trufflehog\",\"syft\",\"custom\"],"
                    + "\"target_types\":{\"repos\":1,\"images\":0,\"urls\":0,\"iac\":0,"
                    + "\"gitlab\":0,\"k8s\":0}}"));
    List<JsonNode> failed = new ArrayList<>();
    events("tool.failed").forEach(e -> failed.add(e.path("metadata")));
    assertThat(failed)
        .containsExactlyInAnyOrder(
            json(
                "{\"tool\":\"trivy\",\"failure_type\":\"non_zero_"
                    + "exit\",\"exit_code\":3,\"profile\":\"custom\"}"),
            json(
                "{\"tool\":\"trufflehog\",\"failure_type\":\"timeout\",\"exit_code\":null,"
                    + "\"profile\":\"custom\"}"),
            json(
                "{\"tool\":\"syft\",\"failure_type\":\"crash\",\""
                    + "exit_code\":null,\"profile\":\"custom\"}"));
    assertThat(events("scan.completed").get(0).path("metadata"))
        .isEqualTo(
            json(
                "{\"mode\":\"cli\",\"profile\":\"custom\",\"duration_bucket\":\"<5min\","
                    + "\"tools_succeeded\":3,\"tools_failed\":3,"
                    + "\"total_findings_bucket\":\"1-10\",\"tool_runs\""
                    + ":{\"semgrep\":1,\"checkov\":1,\"trivy\":1,\"trufflehog\":1,"
                    + "\"syft\":1,\"custom\":1}}"));

    // Results per target and tool, each with its status.
    assertThat(f.work.resolve("results/app/semgrep/semgrep.sarif")).exists();
    assertThat(Files.readString(f.work.resolve("results/app/trufflehog/status.json")))
        .contains("\"timeout\"");
    assertThat(f.work.resolve("results/app/gitleaks")).doesNotExist();
  }

  @Test
  void ciReportsAndFailsOnSeverityAndSendsReportGenerated() throws Exception {
    userEnabled();
    FakeTools.semgrepFinds(f, 12);
    f.repo("app", "a.py", "x = 1\n");
    CliFixture.write(
        f.work.resolve("jmo.yml"),
        "# my settings\nsuppressions:\n  - rule: R0\n    "
            + "reason: accepted risk\ncompliance: true\n");

    CliFixture.Run run =
        f.jmo(
            "ci",
            "--repo",
            "app",
            "--tools",
            "semgrep",
            "--fail-on",
            "HIGH",
            "--formats",
            "json,md,sarif");

    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.out()).contains("11 finding(s)").contains("1 suppressed");
    JsonNode report = JSON.readTree(f.work.resolve("results/summaries/findings.json").toFile());
    assertThat(report.path("findings")).hasSize(11);
    assertThat(report.path("suppressed").get(0).path("suppression_reason").asText())
        .isEqualTo("accepted risk");
    assertThat(report.path("findings").get(0).path("severity").asText()).isEqualTo("HIGH");
    assertThat(f.work.resolve("results/summaries/SUMMARY.md")).exists();
    assertThat(f.work.resolve("results/summaries/findings.sarif")).exists();
    assertThat(f.work.resolve("results/summaries/dashboard.html")).doesNotExist();

    f.awaitDelivered(() -> collector.count() == 3);
    assertThat(events("report.generated").get(0).path("metadata"))
        .isEqualTo(
            json(
                "{\"output_formats\":[\"json\",\"md\",\"sarif\"],"
                    + "\"findings_bucket\":\"10-100\",\"suppressions_used\":true,"
                    + "\"compliance_enabled\":true}"));
    assertThat(
            events("scan.completed").get(0).path("metadata").path("total_findings_bucket").asText())
        .isEqualTo("10-100");

    // The same results with a higher threshold pass.
    assertThat(f.jmo("report", "results", "--fail-on", "critical").code()).isZero();
  }

  @Test
  void aScanWhoseToolsAreAllMissingStillStartsAndCompletes() throws Exception {
    userEnabled();
    f.repo("app");

    CliFixture.Run run = f.jmo("scan", "--repo", "app", "--profile-name", "fast");

    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.err())
        .contains("skipping trufflehog")
        .contains("skipping semgrep")
        .contains("skipping trivy");
    f.awaitDelivered(() -> collector.count() == 2);
    assertThat(events("scan.started").get(0).path("metadata"))
        .isEqualTo(
            json(
                "{\"mode\":\"cli\",\"profile\":\"fast\",\"tools\":[],"
                    + "\"target_types\":{\"repos\":1,\"images\":0,\"urls\":0,\"iac\":0,"
                    + "\"gitlab\":0,\"k8s\":0}}"));
    assertThat(events("scan.completed").get(0).path("metadata"))
        .isEqualTo(
            json(
                "{\"mode\":\"cli\",\"profile\":\"fast\",\"duration_bucket\":\"<5min\","
                    + "\"tools_succeeded\":0,\"tools_failed\":0,"
                    + "\"total_findings_bucket\":\"0\",\"tool_runs\":{}}"));
  }

  @Test
  void aShortScanLeavesItsEventsWaitingAndTheNextLongerScanSendsThemWithItsOwn() throws Exception {
    userEnabled();
    FakeTools.semgrepFinds(f, 1);
    f.repo("app", "a.py", "x = 1\n");

    CliFixture.Run quick = f.jmo("scan", "--repo", "app", "--tools", "semgrep");
    assertThat(quick.code()).as(quick.toString()).isZero();
    assertThat(collector.requests()).as("a scan shorter than 1 s stays off the network").isZero();
    assertThat(f.jmo("telemetry", "status").out())
        .contains(
            "events waiting to be sent: 2 (they leave with the next jmo run that lasts 1 s or "
                + "more");

    FakeTools.semgrepFindsAfter(f, 1, "1.5");
    CliFixture.Run longer = f.jmo("scan", "--repo", "app", "--tools", "semgrep");
    assertThat(longer.code()).as(longer.toString()).isZero();
    // the longer scan sent them itself, once it had lasted 1 s (no jmo telemetry flush)
    await().atMost(Duration.ofSeconds(10)).until(() -> collector.count() >= 3);
    f.awaitDelivered(() -> collector.count() == 4);
    assertThat(events("scan.started")).hasSize(2);
    assertThat(events("scan.completed")).hasSize(2);
  }

  @Test
  void strictRefusesAMissingToolBeforeScanningAndSendsNothing() {
    userEnabled();
    f.repo("app");

    CliFixture.Run run = f.jmo("scan", "--repo", "app", "--tools", "gitleaks", "--strict");

    assertThat(run.code()).isEqualTo(4);
    assertThat(run.err())
        .startsWith("jmo: --strict: not installed: gitleaks")
        .doesNotContain("Exception");
    assertThat(collector.requests()).isZero();
  }

  @Test
  void theNoticeShowsOnTheFirstThreeScansAndTheFirstRecordsNothing() {
    FakeTools.semgrepFinds(f, 1);
    f.repo("app");
    List<Integer> countsAfter = new ArrayList<>();
    List<Boolean> banner = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      CliFixture.Run run = f.jmo("scan", "--repo", "app", "--tools", "semgrep");
      assertThat(run.code()).as(run.toString()).isZero();
      banner.add(run.err().contains("jmo telemetry disable"));
      int expected = 2 * i;
      f.awaitDelivered(() -> collector.count() == expected);
      countsAfter.add(collector.count());
    }
    assertThat(banner).containsExactly(true, true, true, false);
    assertThat(countsAfter).containsExactly(0, 2, 4, 6);
  }

  @Test
  void nothingLeavesTheMachineWhenDisabledByTheEnvironment() {
    userEnabled();
    FakeTools.semgrepFinds(f, 1);
    f.repo("app");
    f.env.put("JMO_TELEMETRY_DISABLE", "1");

    CliFixture.Run run = f.jmo("scan", "--repo", "app", "--tools", "semgrep");

    assertThat(run.code()).isZero();
    assertThat(run.err()).doesNotContain("jmo telemetry disable");
    assertThat(f.jmo("telemetry", "status").out())
        .contains("off: the environment variable JMO_TELEMETRY_DISA" + "BLE=1 is set");
    assertThat(collector.requests()).isZero();
  }

  /**
   * The guide's headline use: one {@code jmotools fast --repos-dir} over three repositories, trivy
   * failing on one. {@code tool.failed} is sent once per failing run and {@code scan.completed}
   * says how many runs there were, so a failure rate is 1 of 3, not 1 per scan.
   */
  @Test
  void fastOverThreeRepositoriesCountsEachToolRunOncePerRepository() throws Exception {
    userEnabled();
    FakeTools.semgrepFinds(f, 1);
    FakeTools.trivyFailsOn(f, "broken");
    f.repo("repos/alpha", "a.py", "x\n");
    f.repo("repos/broken", "b.py", "y\n");
    f.repo("repos/gamma", "c.py", "z\n");

    CliFixture.Run run = f.jmotools("", false, "fast", "--repos-dir", "repos");

    assertThat(run.code()).as(run.toString()).isZero();
    f.awaitDelivered(() -> !events("scan.completed").isEmpty());
    assertThat(events("scan.started")).as(collector.events().toString()).hasSize(1);
    assertThat(events("scan.started").get(0).path("metadata").path("tools"))
        .isEqualTo(json("[\"semgrep\",\"trivy\"]"));
    assertThat(events("tool.failed")).hasSize(1);
    assertThat(events("tool.failed").get(0).path("metadata").path("tool").asText())
        .isEqualTo("trivy");
    JsonNode completed = events("scan.completed").get(0).path("metadata");
    assertThat(completed.path("tool_runs")).isEqualTo(json("{\"semgrep\":3,\"trivy\":3}"));
    assertThat(completed.path("tools_failed").asInt()).isEqualTo(1);
    assertThat(completed.path("tools_succeeded").asInt()).isEqualTo(5);
  }

  /**
   * The auditors' case: {@code --image} with the fast profile. semgrep is listed in scan.started
   * but does not apply to an image: scan.completed reports it with 0 runs, so the analytics count
   * no run for it (an absent tool would be counted as one estimated run).
   */
  @Test
  void aListedToolThatDidNotApplyToTheTargetsIsReportedWithZeroRuns() throws Exception {
    userEnabled();
    FakeTools.semgrepFinds(f, 1);
    FakeTools.trivyFailsOn(f, "never-matches");

    CliFixture.Run run = f.jmo("scan", "--image", "alpine:3", "--tools", "semgrep,trivy");

    assertThat(run.code()).as(run.toString()).isZero();
    f.awaitDelivered(() -> !events("scan.completed").isEmpty());
    assertThat(events("scan.started").get(0).path("metadata").path("tools"))
        .isEqualTo(json("[\"semgrep\",\"trivy\"]"));
    assertThat(events("scan.completed").get(0).path("metadata").path("tool_runs"))
        .isEqualTo(json("{\"semgrep\":0,\"trivy\":1}"));
  }
}
