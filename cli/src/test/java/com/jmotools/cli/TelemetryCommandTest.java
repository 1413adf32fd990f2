package com.jmotools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.jmotools.telemetry.testing.RecordingCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code jmo telemetry status|enable|disable|show|reset-id|delete|flush}. */
@Timeout(120)
class TelemetryCommandTest {

  @TempDir Path tmp;

  private RecordingCollector collector;
  private CliFixture f;

  @BeforeEach
  void setUp() {
    collector = RecordingCollector.start();
    f = new CliFixture(tmp).endpoint(collector.baseUrl());
    FakeTools.semgrepFinds(f, 1);
    f.repo("app");
  }

  @AfterEach
  void tearDown() {
    collector.close();
  }

  @Test
  void statusSaysTheDecisionAndWhichRuleMadeIt() {
    assertThat(f.jmo("telemetry", "status").out())
        .contains(
            "telemetry: on: the default is opt-out; nothing is recorded until the notice has been"
                + " shown once")
        .contains("rule: default_policy")
        .contains("collector: " + collector.baseUrl());
    f.env.put("DO_NOT_TRACK", "1");
    assertThat(f.jmo("telemetry", "status").out())
        .contains("off: the environment variable DO_NOT_TRACK is set");
    f.env.remove("DO_NOT_TRACK");
    f.env.put("GITHUB_ACTIONS", "true");
    assertThat(f.jmo("telemetry", "status").out()).contains("off: running in CI");
  }

  @Test
  void disableIsOneStepAndWinsOverAProjectThatEnables() throws Exception {
    CliFixture.write(f.work.resolve("jmo.yml"), "telemetry:\n  enabled: true\n");
    assertThat(f.jmo("telemetry", "disable").code()).isZero();
    CliFixture.Run scan = f.jmo("scan", "--repo", "app", "--tools", "semgrep");
    assertThat(scan.code()).isZero();
    assertThat(f.jmo("telemetry", "status").out()).contains("off: telemetry.enabled is false");
    assertThat(f.jmo("telemetry", "show").out()).contains("# waiting to be sent (0)");
    assertThat(collector.requests()).isZero();
  }

  @Test
  void enableAndDisableWithProjectEditJmoYml() throws Exception {
    CliFixture.write(f.work.resolve("jmo.yml"), "# ours\ndefault_profile: fast\n");
    assertThat(f.jmo("telemetry", "disable", "--project").code()).isZero();
    assertThat(Files.readString(f.work.resolve("jmo.yml")))
        .startsWith("# ours\ndefault_profile: fast\ntelemetry:\n  enabled: false");
    assertThat(f.jmo("telemetry", "status").out())
        .contains("off: telemetry.enabled is false in jmo.yml");
    assertThat(f.jmo("telemetry", "enable", "--project").code()).isZero();
    assertThat(Files.readString(f.work.resolve("jmo.yml"))).contains("  enabled: true");
  }

  @Test
  void debugPrintsEventsAndSendsNothingAndShowListsWhatWasSent() {
    f.jmo("telemetry", "enable");
    f.env.put("JMO_TELEMETRY_DEBUG", "1");
    CliFixture.Run debug = f.jmo("scan", "--repo", "app", "--tools", "semgrep");
    assertThat(debug.err())
        .contains("\"event\":\"scan.started\"")
        .contains("\"event\":\"scan.completed\"")
        .contains("\"mode\":\"cli\"");
    f.env.put("DOCKER_CONTAINER", "1");
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").err())
        .contains("\"mode\":\"docker\"")
        .doesNotContain("\"mode\":\"cli\"");
    f.env.remove("DOCKER_CONTAINER");
    assertThat(collector.requests()).isZero();

    f.env.remove("JMO_TELEMETRY_DEBUG");
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isZero();
    f.awaitDelivered(() -> collector.count() == 2);
    String show = f.jmo("telemetry", "show").out();
    assertThat(show)
        .contains("# delivered (2")
        .contains("# rejected by the collector (0")
        .contains("\"event\":\"scan.completed\"");
  }

  @Test
  void resetIdRotatesAndFlushDeliversWhatWaits() {
    f.jmo("telemetry", "enable");
    collector.mode(RecordingCollector.Mode.DOWN);
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isZero();
    CliFixture.Run offline = f.jmo("telemetry", "flush", "--wait", "2");
    assertThat(offline.out())
        .contains("cannot reach the collector; the events stay queued")
        .doesNotContain("Exception");
    assertThat(f.jmo("telemetry", "show").out()).contains("# waiting to be sent (2)");
    String before = f.jmo("telemetry", "status").out();
    CliFixture.Run reset = f.jmo("telemetry", "reset-id");
    assertThat(reset.out()).startsWith("new anonymous id: ");
    String newId = reset.out().trim().substring("new anonymous id: ".length());
    assertThat(before).doesNotContain(newId);

    collector.mode(RecordingCollector.Mode.NORMAL);
    CliFixture.Run flush = f.jmo("telemetry", "flush");
    assertThat(flush.code()).as(flush.toString()).isZero();
    assertThat(collector.count()).isEqualTo(2);
    assertThat(f.jmo("telemetry", "show").out()).contains("# waiting to be sent (0)");

    CliFixture.Run delete = f.jmo("telemetry", "delete");
    assertThat(delete.code()).as(delete.toString()).isZero();
    assertThat(collector.deletedIds()).containsExactly(newId);
  }

  @Test
  void aBrokenJmoYmlNeverBlocksDisableStatusOrShowButScansStillRefuseIt() throws Exception {
    CliFixture.write(f.work.resolve("jmo.yml"), "telemetry: [\n");
    for (String sub : new String[] {"status", "show", "disable"}) {
      CliFixture.Run run = f.jmo("telemetry", sub);
      assertThat(run.code()).as(sub + ": " + run).isZero();
      assertThat(run.err())
          .as(sub)
          .startsWith("jmo: warning: " + f.work.resolve("jmo.yml") + ": not valid YAML")
          .contains("scans refuse the file");
    }
    assertThat(f.jmo("telemetry", "status").out())
        .contains("off: telemetry.enabled is false in user settings");
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isEqualTo(3);
  }

  @Test
  void statusNeverCreatesTheIdFile() {
    assertThat(f.jmo("telemetry", "enable").code()).isZero();
    for (int i = 0; i < 3; i++) {
      assertThat(f.jmo("telemetry", "status").out()).contains("anonymous id: none yet");
      assertThat(f.jmo("telemetry", "show").code()).isZero();
    }
    assertThat(f.home.resolve(".jmo-security/telemetry-id")).doesNotExist();
  }

  @Test
  void anyDisableValueButANoSwitchesOffAndStatusNamesIt() {
    f.jmo("telemetry", "enable");
    f.env.put("JMO_TELEMETRY_DISABLE", "please");
    assertThat(f.jmo("telemetry", "status").out())
        .contains("off: the environment variable JMO_TELEMETRY_DISABLE=please is set");
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isZero();
    f.env.put("JMO_TELEMETRY_DISABLE", "off");
    assertThat(f.jmo("telemetry", "status").out())
        .contains("on: telemetry.enabled is true in user settings");
    assertThat(f.jmo("telemetry", "show").out()).contains("# waiting to be sent (0)");
    assertThat(collector.requests()).isZero();
  }

  @Test
  void disableOnATerminalAsksWhetherToEraseWhatWasSent() {
    f.jmo("telemetry", "enable");
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isZero();
    f.awaitDelivered(() -> collector.count() == 2);

    CliFixture.Run no = f.run(true, "n\n", true, "telemetry", "disable");
    assertThat(no.code()).as(no.toString()).isZero();
    assertThat(no.out())
        .contains("Also ask the collector to erase")
        .contains("to erase it: jmo telemetry delete");
    assertThat(collector.count()).isEqualTo(2);

    f.jmo("telemetry", "enable");
    CliFixture.Run yes = f.run(true, "y\n", true, "telemetry", "disable");
    assertThat(yes.code()).as(yes.toString()).isZero();
    assertThat(yes.out())
        .contains("telemetry disabled for this user")
        .contains("the collector erased every stored event of ");
    assertThat(collector.count()).isZero();
  }

  @Test
  void disableEraseErasesWithoutAskingAndOffATerminalNothingIsAsked() {
    f.jmo("telemetry", "enable");
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isZero();
    f.awaitDelivered(() -> collector.count() == 2);
    CliFixture.Run plain = f.jmo("telemetry", "disable");
    assertThat(plain.out()).doesNotContain("Also ask").contains("jmo telemetry delete");
    CliFixture.Run erase = f.jmo("telemetry", "disable", "--erase");
    assertThat(erase.code()).as(erase.toString()).isZero();
    assertThat(collector.count()).isZero();
  }

  @Test
  void anUnconfirmedDeletionIsPendingInStatusAndTheNextRunSendsIt() {
    f.jmo("telemetry", "enable");
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isZero();
    f.awaitDelivered(() -> collector.count() == 2);
    collector.mode(RecordingCollector.Mode.PROXY_AUTHENTICATION);
    CliFixture.Run delete = f.jmo("telemetry", "delete");
    assertThat(delete.code()).as(delete.toString()).isZero();
    assertThat(delete.out())
        .contains("has not confirmed yet")
        .contains("sent again by later jmo runs")
        .contains("the server answered HTTP 407")
        .doesNotContain("Exception");
    assertThat(f.jmo("telemetry", "status").out()).contains("pending deletion: the events of ");
    assertThat(collector.count()).isEqualTo(2);

    collector.mode(RecordingCollector.Mode.NORMAL);
    // the retry is due after a backoff: a run with telemetry off still sends it once due
    f.env.put("JMO_TELEMETRY_DISABLE", "1");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .pollInterval(java.time.Duration.ofMillis(500))
        .until(
            () -> {
              f.jmo("scan", "--repo", "app", "--tools", "semgrep");
              return collector.count() == 0;
            });
    assertThat(f.jmo("telemetry", "status").out()).doesNotContain("pending deletion");
  }

  @Test
  void aDevContainerIsNotDockerModeAndStatusExplainsEphemeralState() throws Exception {
    f.jmo("telemetry", "enable");
    Files.createFile(tmp.resolve("no-dockerenv")); // the fixture's /.dockerenv: any container
    f.env.put("JMO_TELEMETRY_DEBUG", "1");
    CliFixture.Run scan = f.jmo("scan", "--repo", "app", "--tools", "semgrep");
    assertThat(scan.err()).contains("\"mode\":\"cli\"").doesNotContain("\"mode\":\"docker\"");
    String status = f.jmo("telemetry", "status").out();
    assertThat(status).contains("container: a container that is not the JMo image");
    // which ending depends on this machine's mounts (a tmpfs /tmp is a volume): StateVolumeTest
    // covers both
    if (!status.contains("on a mounted volume, so the id and the notice persist")) {
      assertThat(status)
          .contains("docker run --rm starts with fresh state every time")
          .contains("Mount a volume at " + f.home.resolve(".jmo-security"));
    }
    f.env.put("DOCKER_CONTAINER", "1");
    assertThat(f.jmo("telemetry", "status").out())
        .contains("container: the JMo image (DOCKER_CONTAINER is set");
  }
}
