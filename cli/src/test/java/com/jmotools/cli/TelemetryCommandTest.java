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
  void aClonedProjectsCollectorGetsNothingUntilTheUserAcceptsItAndStatusSaysWhy() {
    f.env.remove("JMO_TELEMETRY_ENDPOINT"); // the auditor's case: the user named no collector
    CliFixture.write(
        f.work.resolve("jmo.yml"), "telemetry: {endpoint: " + collector.baseUrl() + "}\n");
    assertThat(f.jmo("telemetry", "enable").code()).isZero();

    CliFixture.Run scan = f.jmo("scan", "--repo", "app", "--tools", "semgrep");
    assertThat(scan.code()).isZero();
    assertThat(scan.err().lines().filter(l -> l.contains(collector.baseUrl())))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains(f.work.resolve("jmo.yml").toString())
        .contains("jmo telemetry accept-collector");
    assertThat(f.jmo("telemetry", "show").out()).contains("# waiting to be sent (0)");
    assertThat(f.jmo("telemetry", "status").out())
        .contains("recording on this run: no (this project's collector is not accepted")
        .contains("collector: https://telemetry.jmotools.com (the default")
        .contains("not accepted: " + f.work.resolve("jmo.yml") + " names the collector");
    assertThat(collector.requests()).isZero();

    CliFixture.Run accept = f.jmo("telemetry", "accept-collector");
    assertThat(accept.code()).isZero();
    assertThat(accept.out()).contains("accepted the collector " + collector.baseUrl());
    assertThat(f.jmo("telemetry", "status").out())
        .contains("recording on this run: yes")
        .contains(
            "collector: "
                + collector.baseUrl()
                + " (from "
                + f.work.resolve("jmo.yml")
                + ", a collector you accepted)")
        .doesNotContain("not accepted:");
    CliFixture.Run sending = f.jmo("scan", "--repo", "app", "--tools", "semgrep");
    assertThat(sending.err()).doesNotContain("accept-collector");
    f.awaitDelivered(() -> collector.count() == 2);
  }

  @Test
  void acceptCollectorRefusesWhenTheProjectNamesNoneAndChangesNothing() {
    f.env.remove("JMO_TELEMETRY_ENDPOINT");
    CliFixture.Run none = f.jmo("telemetry", "accept-collector");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("names no collector");
    assertThat(f.home.resolve(".jmo-security/telemetry/settings.json")).doesNotExist();
  }

  @Test
  void statusNamesTheUsersOwnVariableAsTheCollectorsSource() {
    assertThat(f.jmo("telemetry", "status").out())
        .contains("collector: " + collector.baseUrl() + " (from JMO_TELEMETRY_ENDPOINT)");
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
    // the events delivered above carry the id before the reset: they are erased too
    assertThat(collector.deletedIds()).hasSize(2).contains(newId);
    assertThat(collector.count()).isZero();
  }

  private Path stateDir() {
    return f.home.resolve(".jmo-security");
  }

  @Test
  void aBrokenSettingsFileIsOffNamedByStatusAndNeverRewrittenByScans() throws Exception {
    Path settings = stateDir().resolve("telemetry/settings.json");
    String broken = "{\"enabled\": false, \"notice_shown\": 3,}";
    Files.createDirectories(settings.getParent());
    CliFixture.write(settings, broken);
    for (int i = 0; i < 2; i++) {
      CliFixture.Run scan = f.jmo("scan", "--repo", "app", "--tools", "semgrep");
      assertThat(scan.code()).as(scan.toString()).isZero();
      assertThat(scan.err()).doesNotContain("collects anonymous usage statistics");
    }
    assertThat(Files.readString(settings)).isEqualTo(broken);
    assertThat(f.jmo("telemetry", "show").out()).contains("# waiting to be sent (0)");
    assertThat(collector.requests()).isZero();
    assertThat(f.jmo("telemetry", "status").out())
        .contains("telemetry: off: your settings file cannot be read")
        .contains("rule: unreadable_settings (" + settings + ": it is not valid JSON")
        .contains("jmo telemetry disable or jmo telemetry enable rewrites it");
    assertThat(f.jmo("telemetry", "disable").code()).isZero();
    assertThat(f.jmo("telemetry", "status").out())
        .contains("off: telemetry.enabled is false in user settings");
  }

  @Test
  void resetIdThatCannotBeStoredExits5AndAnnouncesNoId() throws Exception {
    f.jmo("telemetry", "enable");
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isZero();
    String id = Files.readString(stateDir().resolve("telemetry-id")).trim();
    CliFixture.Run reset;
    com.jmotools.telemetry.testing.ReadOnlyDirectory readOnly =
        com.jmotools.telemetry.testing.ReadOnlyDirectory.of(stateDir());
    try {
      reset = f.jmo("telemetry", "reset-id");
    } finally {
      readOnly.close();
    }
    assertThat(reset.code()).as(reset.toString()).isEqualTo(5);
    assertThat(reset.out()).doesNotContain("new anonymous id");
    assertThat(reset.err().trim())
        .startsWith("jmo: cannot store a new id in " + stateDir().resolve("telemetry-id") + ": ")
        .contains("not writable")
        .contains("the anonymous id stays " + id)
        .endsWith("make " + stateDir() + " writable to replace it")
        .doesNotContain(".tmp-")
        .doesNotContain("\n");
    assertThat(f.jmo("telemetry", "status").out()).contains("anonymous id: " + id);
  }

  @Test
  void aStateFolderThisUserCannotWriteIsNamedWithTheWayOut() throws Exception {
    // as after sudo jmo scan: the folder that holds settings.json is not this user's to write
    Path telemetry = Files.createDirectories(stateDir().resolve("telemetry"));
    CliFixture.Run disable;
    CliFixture.Run status;
    CliFixture.Run scan;
    com.jmotools.telemetry.testing.ReadOnlyDirectory readOnly =
        com.jmotools.telemetry.testing.ReadOnlyDirectory.of(telemetry);
    try {
      disable = f.jmo("telemetry", "disable");
      status = f.jmo("telemetry", "status");
      scan = f.jmo("scan", "--repo", "app", "--tools", "semgrep");
    } finally {
      readOnly.close();
    }
    assertThat(disable.code()).as(disable.toString()).isEqualTo(5);
    assertThat(disable.err().trim())
        .startsWith("jmo: cannot write " + telemetry.resolve("settings.json") + ": ")
        .contains("(" + telemetry + " is not writable by this user)")
        .contains("sudo chown -R \"$USER\" " + stateDir())
        .endsWith("or set JMO_TELEMETRY_DISABLE=1")
        .doesNotContain(".tmp-")
        .doesNotContain("\n");
    assertThat(status.out())
        .contains(
            "recording on this run: no: "
                + telemetry
                + " is not writable by this user, so nothing is recorded")
        .contains("state directory: " + stateDir() + " (not writable: ")
        .doesNotContain("recording on this run: yes");
    // the notice could never be counted, and "jmo telemetry disable" fails: the scan says why
    assertThat(scan.code()).isZero();
    assertThat(scan.err())
        .contains("record nothing here: " + telemetry + " is not writable by this user")
        .contains("JMO_TELEMETRY_DISABLE=1")
        .doesNotContain("Turn it off:  jmo telemetry disable");
    assertThat(collector.requests()).isZero();
    // the way out that needs no writable folder
    f.env.put("JMO_TELEMETRY_DISABLE", "1");
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").err())
        .doesNotContain("record nothing here");
  }

  @Test
  void deleteWhoseNewIdCannotBeStoredStillErasesAndExits5() throws Exception {
    f.jmo("telemetry", "enable");
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isZero();
    f.awaitDelivered(() -> collector.count() == 2);
    String id = Files.readString(stateDir().resolve("telemetry-id")).trim();
    CliFixture.Run delete;
    com.jmotools.telemetry.testing.ReadOnlyDirectory readOnly =
        com.jmotools.telemetry.testing.ReadOnlyDirectory.of(stateDir()); // telemetry/ is writable
    try {
      delete = f.jmo("telemetry", "delete");
    } finally {
      readOnly.close();
    }
    assertThat(delete.code()).as(delete.toString()).isEqualTo(5);
    assertThat(collector.deletedIds()).containsExactly(id);
    assertThat(collector.count()).isZero();
    assertThat(delete.out())
        .contains("the collector erased every stored event of " + id)
        .contains(id + " stays on this machine")
        .doesNotContain("the new id is");
    assertThat(delete.err().trim())
        .startsWith("jmo: the anonymous id could not be replaced")
        .contains("jmo telemetry reset-id")
        .doesNotContain("\n");
    assertThat(f.jmo("telemetry", "status").out()).contains("anonymous id: " + id);
  }

  @Test
  void deleteAfterTheIdFileWasRemovedErasesWhatSentJsonlAndTheOutboxShow() throws Exception {
    f.jmo("telemetry", "enable");
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isZero();
    f.awaitDelivered(() -> collector.count() == 2);
    collector.mode(RecordingCollector.Mode.DOWN);
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isZero();
    assertThat(f.jmo("telemetry", "show").out()).contains("# waiting to be sent (2)");
    String id = Files.readString(stateDir().resolve("telemetry-id")).trim();
    Files.delete(stateDir().resolve("telemetry-id")); // the guide's way of "forgetting"
    collector.mode(RecordingCollector.Mode.NORMAL);

    CliFixture.Run delete = f.jmo("telemetry", "delete");
    assertThat(delete.code()).as(delete.toString()).isZero();
    assertThat(delete.out())
        .contains("the collector erased every stored event of " + id)
        .contains("removed the 2 event(s) waiting to be sent")
        .doesNotContain("no anonymous id");
    assertThat(collector.deletedIds()).containsExactly(id);
    assertThat(collector.count()).isZero();
    assertThat(f.jmo("telemetry", "show").out()).contains("# waiting to be sent (0)");
  }

  @Test
  void disableAsksToEraseWhenOnlySentJsonlKnowsTheId() throws Exception {
    f.jmo("telemetry", "enable");
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isZero();
    f.awaitDelivered(() -> collector.count() == 2);
    Files.delete(stateDir().resolve("telemetry-id"));
    CliFixture.Run yes = f.run(true, "y\n", true, "telemetry", "disable");
    assertThat(yes.code()).as(yes.toString()).isZero();
    assertThat(yes.out())
        .contains("Also ask the collector to erase")
        .contains("the collector erased every stored event of ");
    assertThat(collector.count()).isZero();
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

  private Path outbox() {
    return f.home.resolve(".jmo-security/telemetry/outbox");
  }

  private static long count(String text, String part) {
    return (text.length() - text.replace(part, "").length()) / part.length();
  }

  @Test
  void aHugeOutboxEntryNeverCrashesStatusShowOrDisable() throws Exception {
    Files.createDirectories(outbox());
    Path huge =
        outbox()
            .resolve(
                String.format(
                    "%013d-000000-%s.json",
                    System.currentTimeMillis(), java.util.UUID.randomUUID()));
    try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
      file.setLength(3L << 30); // sparse; reading it whole is an OutOfMemoryError
    }
    for (String sub : new String[] {"status", "show", "disable"}) {
      CliFixture.Run run = f.jmo("telemetry", sub);
      assertThat(run.code()).as(sub + ": " + run).isZero();
      assertThat(run.err()).as(sub).doesNotContain("Error").doesNotContain("\tat ");
    }
    assertThat(f.home.resolve(".jmo-security/telemetry/settings.json")).content().contains("false");
    assertThat(f.jmo("telemetry", "status").out())
        .contains("off: telemetry.enabled is false in user settings");
    assertThat(huge).doesNotExist();
  }

  @Test
  void showListsAnUnreadableEntryApart() throws Exception {
    Files.createDirectories(outbox());
    Files.writeString(
        outbox()
            .resolve(
                String.format(
                    "%013d-000000-%s.json",
                    System.currentTimeMillis(), java.util.UUID.randomUUID())),
        "{not json");
    assertThat(f.jmo("telemetry", "show").out())
        .contains("# waiting to be sent (0)")
        .contains("# unreadable (1, corrupt or larger than an event can be")
        .contains(", 9 bytes");
  }

  @Test
  void disableProjectStopsThisProjectsRunsAndKeepsWhatWaitsSayingSo() throws Exception {
    f.jmo("telemetry", "enable");
    collector.mode(RecordingCollector.Mode.DOWN);
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isZero();
    collector.mode(RecordingCollector.Mode.NORMAL);

    CliFixture.Run off = f.jmo("telemetry", "disable", "--project");
    assertThat(off.code()).as(off.toString()).isZero();
    assertThat(off.out())
        .contains("note: the 2 event(s) recorded earlier still wait")
        .contains("to remove them: jmo telemetry disable");
    assertThat(f.jmo("telemetry", "disable", "--help").out())
        .contains("events already waiting")
        .contains("are kept")
        .doesNotContain("pending events are removed");
    assertThat(f.jmo("telemetry", "show").out()).contains("# waiting to be sent (2)");
    assertThat(f.jmo("telemetry", "status").out())
        .contains("off: telemetry.enabled is false in jmo.yml")
        .contains("events waiting to be sent: 2 (" + TelemetryCommand.WHILE_OFF_WAITING_ARE_KEPT);
    // this project's runs send nothing, not even what waits
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isZero();
    assertThat(f.jmo("telemetry", "flush").out()).contains("telemetry is off");
    assertThat(collector.requests()).isZero();
  }

  @Test
  void disableProjectIsNotStoppedByAnotherBrokenKeyOfJmoYml() throws Exception {
    CliFixture.write(f.work.resolve("jmo.yml"), "default_profile: nosuch\n");
    CliFixture.Run off = f.jmo("telemetry", "disable", "--project");
    assertThat(off.code()).as(off.toString()).isZero();
    assertThat(Files.readString(f.work.resolve("jmo.yml")))
        .startsWith("default_profile: nosuch\ntelemetry:\n  enabled: false");
  }

  @Test
  void flushCountsTheExpiredEventsItDroppedAndShowMarksThem() throws Exception {
    f.jmo("telemetry", "enable");
    collector.mode(RecordingCollector.Mode.DOWN);
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isZero();
    collector.mode(RecordingCollector.Mode.NORMAL);
    try (java.util.stream.Stream<Path> files = Files.list(outbox())) {
      for (Path p : files.toList()) {
        // recorded in 2020: long past the 30 days an event may wait
        Files.move(p, p.resolveSibling("1580000000000" + p.getFileName().toString().substring(13)));
      }
    }
    assertThat(f.jmo("telemetry", "show").out())
        .contains("# waiting to be sent (0)")
        .contains("# expired (2, recorded more than 30 days ago; the next delivery drops them");
    CliFixture.Run flush = f.jmo("telemetry", "flush");
    assertThat(flush.code()).as(flush.toString()).isZero();
    assertThat(flush.out()).contains("delivered 0, rejected 0, dropped 2, still waiting 0");
    assertThat(collector.requests()).isZero();
  }

  @Test
  void aRetryAfterIsSaidOnce() {
    f.jmo("telemetry", "enable");
    collector.mode(RecordingCollector.Mode.TOO_MANY_REQUESTS);
    assertThat(f.jmo("scan", "--repo", "app", "--tools", "semgrep").code()).isZero();
    CliFixture.Run flush = f.jmo("telemetry", "flush", "--wait", "5");
    assertThat(flush.out()).contains("the collector asked to wait until ");
    assertThat(count(flush.out(), "asked to wait")).as(flush.out()).isEqualTo(1);
  }

  @Test
  void eachCommandSummaryInTheHelpIsAWholeSentence() {
    String help = f.jmo("telemetry", "--help").out();
    String commands = help.substring(help.indexOf("Commands:"), help.indexOf("Exit codes:"));
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "\\n  ([a-z-]+) +(.*?)(?=\\n  [a-z]|\\n\\n|$)", java.util.regex.Pattern.DOTALL)
            .matcher(commands);
    int n = 0;
    while (m.find()) {
      n++;
      assertThat(m.group(2).replaceAll("\\s+", " ").trim()).as(m.group(1)).endsWith(".");
    }
    assertThat(n).isEqualTo(8);
  }
}
