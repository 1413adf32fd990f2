package com.jmotools.telemetry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.jmotools.telemetry.catalog.Catalog;
import com.jmotools.telemetry.catalog.EventIds;
import com.jmotools.telemetry.client.internal.AnonymousIdStore;
import com.jmotools.telemetry.client.internal.DeletionRequests;
import com.jmotools.telemetry.client.internal.OutboxPipeline;
import com.jmotools.telemetry.client.internal.RetryAfterStore;
import com.jmotools.telemetry.client.internal.StateLock;
import com.jmotools.telemetry.client.internal.UserSettings;
import com.jmotools.telemetry.testing.ReadOnlyDirectory;
import com.jmotools.telemetry.testing.RecordingCollector;
import com.jmotools.telemetry.testing.TricklingServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TelemetryTest {

  @TempDir Path tmp;
  private Path state;
  private RecordingCollector collector;
  private final List<Telemetry> opened = new ArrayList<>();

  @BeforeEach
  void setUp() {
    state = tmp.resolve("home").resolve(".jmo-security");
    collector = RecordingCollector.start();
  }

  @AfterEach
  void tearDown() {
    opened.forEach(Telemetry::close);
    collector.close();
    // close() returns at its bound; a worker cut loose then may still be finishing: let it stop
    // before the temporary directory is deleted
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.isAlive() && t.getName().equals(OutboxPipeline.THREAD_NAME)));
  }

  private Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put(Telemetry.ENDPOINT_VARIABLE, collector.baseUrl());
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private TelemetryBuilder builder(Map<String, String> env) {
    return Telemetry.builder()
        .hostVersion("0.7.0")
        .environment(env)
        .stateDirectory(state)
        .dockerMarker(tmp.resolve("no-dockerenv"));
  }

  private Telemetry open(TelemetryBuilder b) {
    Telemetry t = b.build();
    opened.add(t);
    return t;
  }

  /** A client of a user who ran {@code jmo telemetry enable} (records at once, no notice). */
  private Telemetry on() {
    return open(userOn());
  }

  /** A builder for a user who ran {@code jmo telemetry enable}. */
  private TelemetryBuilder userOn() {
    return userOn(env());
  }

  private TelemetryBuilder userOn(Map<String, String> env) {
    try {
      new com.jmotools.telemetry.client.internal.UserSettings(state).writeChoice(true);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return builder(env);
  }

  static Map<String, Object> scanCompleted(int n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", "cli");
    m.put("profile", "balanced");
    m.put("duration_bucket", "5-15min");
    m.put("tools_succeeded", n);
    m.put("tools_failed", 0);
    m.put("total_findings_bucket", "10-100");
    return m;
  }

  private static List<Integer> numbers(List<JsonNode> events) {
    return events.stream()
        .map(e -> e.path("metadata").path("tools_succeeded").asInt())
        .collect(java.util.stream.Collectors.toList());
  }

  private static long filesUnder(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void aRecordedEventIsDeliveredByCloseInTheWireShape() {
    Telemetry t = on();
    Instant before = Instant.now();
    t.record("scan.completed", scanCompleted(8));
    t.close();

    assertThat(collector.count()).isEqualTo(1);
    JsonNode e = collector.events().get(0);
    assertThat(e.path("event").asText()).isEqualTo("scan.completed");
    assertThat(e.path("version").asText()).isEqualTo("0.7.0");
    assertThat(e.path("platform").asText()).isIn("Linux", "macOS", "Windows", "Other");
    assertThat(e.path("runtime").asText()).startsWith("java-");
    assertThat(e.path("anonymous_id").asText()).isEqualTo(t.anonymousId().orElseThrow().toString());
    UUID eventId = UUID.fromString(e.path("event_id").asText());
    assertThat(eventId.version()).isEqualTo(7);
    assertThat(EventIds.hourOf(eventId)).isEqualTo(before.truncatedTo(ChronoUnit.HOURS));
    assertThat(Instant.parse(e.path("timestamp").asText()))
        .isEqualTo(before.truncatedTo(ChronoUnit.HOURS));
    assertThat(e.path("metadata").path("tools_succeeded").asInt()).isEqualTo(8);
    assertThat(t.pending()).isEmpty();
    assertThat(t.sent()).hasSize(1);
    assertThat(t.sent().get(0)).isEqualTo(e);
    assertThat(t.stats().delivered()).isEqualTo(1);
  }

  /** A client that keeps runs shorter than {@code shortRun} off the network (jmo's policy). */
  private Telemetry deferring(Duration shortRun, MutableClock clock) {
    return open(
        userOn()
            .clock(clock)
            .flushTimeout(Duration.ofSeconds(5))
            .deferShortRuns(shortRun, Duration.ofHours(1)));
  }

  /** A run that records {@code scanCompleted(n)} and closes well within its short run of 30 s. */
  private Telemetry shortRunRecording(int n, MutableClock clock) {
    Telemetry t = deferring(Duration.ofSeconds(30), clock);
    t.record("scan.completed", scanCompleted(n));
    t.close();
    return t;
  }

  @Test
  void aShortRunStoresItsEventsButSendsNothingAndDoesNotWaitAtClose() {
    // a collector that never answers: had close() tried to deliver, it would take the flush timeout
    collector.mode(RecordingCollector.Mode.HANG);
    Telemetry t =
        deferring(Duration.ofSeconds(30), new MutableClock(Instant.parse("2026-11-27T10:15:00Z")));
    t.record(
        "scan.started",
        Map.of(
            "mode",
            "cli",
            "profile",
            "fast",
            "tools",
            List.of("semgrep"),
            "target_types",
            Map.of("repos", 1, "images", 0, "urls", 0, "iac", 0, "gitlab", 0, "k8s", 0)));
    t.record("scan.completed", scanCompleted(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> t.pending().size() == 2); // stored at once
    long start = System.nanoTime();
    t.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(collector.requests()).isZero();
    assertThat(t.pending()).hasSize(2);
    assertThat(t.stats().uploadAttempts()).isZero();
  }

  @Test
  void aRunThatLastsTheShortRunSendsWhatWaitsInTheBackgroundThenTheRestAtClose() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:15:00Z"));
    shortRunRecording(1, clock);
    assertThat(collector.requests()).isZero();

    Telemetry longRun = deferring(Duration.ofMillis(300), clock);
    longRun.record("scan.completed", scanCompleted(2));
    // nothing before the run has lasted 300 ms, then both runs' events, without close
    await().atMost(Duration.ofSeconds(10)).until(() -> collector.count() == 2);
    assertThat(numbers(collector.events())).containsExactly(1, 2);
    longRun.record("scan.completed", scanCompleted(3));
    longRun.close();
    assertThat(numbers(collector.events())).containsExactly(1, 2, 3);
    assertThat(longRun.pending()).isEmpty();
  }

  @Test
  void aShortRunSendsAtOnceWhenTheOldestWaitingEventIsAnHourOld() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:15:00Z"));
    shortRunRecording(1, clock);
    clock.advance(Duration.ofMinutes(59));
    Telemetry second = shortRunRecording(2, clock);
    assertThat(collector.requests()).as("the oldest waited 59 minutes").isZero();
    assertThat(second.pending()).hasSize(2);

    clock.advance(Duration.ofMinutes(1));
    Telemetry third = deferring(Duration.ofSeconds(30), clock);
    await().atMost(Duration.ofSeconds(10)).until(() -> collector.count() == 2); // before close
    third.record("scan.completed", scanCompleted(3));
    third.close();
    assertThat(numbers(collector.events())).containsExactly(1, 2, 3);
    assertThat(third.pending()).isEmpty();
  }

  @Test
  void aShortRunSendsAtOnceWhenTheOutboxIsAQuarterFull() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:15:00Z"));
    java.util.function.Supplier<Telemetry> run =
        () ->
            open(
                userOn()
                    .clock(clock)
                    .outboxLimits(8, 1 << 20, Duration.ofDays(30))
                    .deferShortRuns(Duration.ofSeconds(30), Duration.ofHours(1)));
    Telemetry first = run.get();
    first.record("scan.completed", scanCompleted(1));
    first.close();
    Telemetry second = run.get(); // 1 waiting: not due
    second.record("scan.completed", scanCompleted(2));
    second.close();
    assertThat(collector.requests()).isZero();

    Telemetry third = run.get(); // 2 waiting, a quarter of 8: due
    third.close();
    assertThat(numbers(collector.events())).containsExactly(1, 2);
  }

  @Test
  void uploadsInTheBackgroundWithoutWaitingForClose() {
    Telemetry t = on();
    t.record(
        "scan.started",
        Map.of(
            "mode",
            "cli",
            "profile",
            "fast",
            "tools",
            List.of("semgrep", "trivy"),
            "target_types",
            Map.of("repos", 1, "images", 0, "urls", 0, "iac", 0, "gitlab", 0, "k8s", 0)));
    await().atMost(Duration.ofSeconds(10)).until(() -> collector.count() == 1);
    // the collector counts the event before its answer reaches the client, which then removes it
    await().atMost(Duration.ofSeconds(10)).until(() -> t.pending().isEmpty());
    assertThat(t.sent()).hasSize(1);
  }

  @Test
  void recordReturnsWithoutWaitingOnTheNetwork() {
    collector.mode(RecordingCollector.Mode.HANG);
    Telemetry t = open(userOn().flushTimeout(Duration.ofMillis(200)));
    long start = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      t.record("scan.completed", scanCompleted(i));
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
  }

  @Test
  void anInvalidEventRecordedJustBeforeExitIsNeverSent() {
    Map<String, Object> withPath = new HashMap<>(scanCompleted(1));
    withPath.put("repo_path", "/home/alice/secret-project");
    for (int i = 0; i < 20; i++) {
      Telemetry t =
          on(); // closed at once: the catalog may not be loaded yet, then the entry is checked when
      // sent
      t.record("scan.completed", withPath);
      t.close();
    }
    on().close();
    assertThat(collector.count()).isZero();
    assertThat(collector.rejections()).isEmpty();
    assertThat(on().pending()).isEmpty();
  }

  @Test
  void theHostMayChangeItsMetadataMapAfterRecording() {
    Telemetry t = on();
    Map<String, Object> m = new HashMap<>(scanCompleted(1));
    t.record("scan.completed", m);
    m.put("tools_succeeded", 99);
    m.put("repo_path", "/home/alice");
    t.close();
    assertThat(numbers(collector.events())).containsExactly(1);
    assertThat(t.stats().droppedTotal()).isZero();
  }

  @Test
  void anInvalidEventIsDroppedAndCountedNeverSent() {
    Telemetry t = on();
    Map<String, Object> withPath = new HashMap<>(scanCompleted(1));
    withPath.put("repo_path", "/home/alice/secret-project");
    t.record("scan.completed", withPath);
    t.record("scan.exploded", scanCompleted(1));
    Map<String, Object> badProfile = new HashMap<>(scanCompleted(1));
    badProfile.put("profile", "paranoid");
    t.record("scan.completed", badProfile);
    t.record("scan.completed", null);
    t.flushNow(
        Duration.ofSeconds(5)); // waits for the catalog, so each is validated (and counted) now
    t.close();

    assertThat(collector.requests()).isZero();
    assertThat(t.pending()).isEmpty();
    assertThat(t.stats().recorded()).isZero();
    assertThat(t.stats().dropped())
        .containsEntry("invalid:unknown_field", 1L)
        .containsEntry("invalid:unknown_event", 1L)
        .containsEntry("invalid:invalid_value", 1L)
        .containsEntry("invalid:missing_field", 1L);
  }

  static Stream<Arguments> offClients() {
    return Stream.of(
        Arguments.of(
            "JMO_TELEMETRY_DISABLE=1",
            Map.of("JMO_TELEMETRY_DISABLE", "1"),
            null,
            DefaultPolicy.OPT_OUT,
            ConsentRule.DISABLE_VARIABLE),
        Arguments.of(
            "DO_NOT_TRACK=1",
            Map.of("DO_NOT_TRACK", "1"),
            true,
            DefaultPolicy.OPT_OUT,
            ConsentRule.DO_NOT_TRACK),
        Arguments.of(
            "GitHub Actions",
            Map.of("GITHUB_ACTIONS", "true"),
            true,
            DefaultPolicy.OPT_OUT,
            ConsentRule.CI),
        Arguments.of(
            "jmo.yml off", Map.of(), false, DefaultPolicy.OPT_OUT, ConsentRule.EXPLICIT_OFF),
        Arguments.of(
            "opt-in default", Map.of(), null, DefaultPolicy.OPT_IN, ConsentRule.DEFAULT_POLICY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("offClients")
  void aDisabledClientWritesNoFileAtAllAndSendsNothing(
      String name,
      Map<String, String> vars,
      Boolean project,
      DefaultPolicy policy,
      ConsentRule rule)
      throws Exception {
    Map<String, String> env = env();
    env.putAll(vars);
    Telemetry t = open(builder(env).projectSetting(project).defaultPolicy(policy));
    assertThat(t.status().enabled()).isFalse();
    assertThat(t.status().rule()).isEqualTo(rule);
    assertThat(t.noticeToShow()).isEmpty();
    t.noticeShown();
    t.record("scan.completed", scanCompleted(1));
    assertThat(t.flushNow(Duration.ofMillis(200)).error()).startsWith("telemetry is off");
    t.close();
    t.close();
    assertThat(state).doesNotExist();
    assertThat(filesUnder(tmp)).isZero();
    assertThat(collector.requests()).isZero();
  }

  @Test
  void optOutFirstRunRecordsNothingShowsTheNoticeOnThreeScansThenRecords() throws Exception {
    Telemetry first = open(builder(env()));
    assertThat(first.status().enabled()).isTrue();
    assertThat(first.status().recording()).isFalse();
    assertThat(first.noticeToShow()).contains(Telemetry.notice());
    first.record("scan.completed", scanCompleted(1));
    first.noticeShown();
    first.noticeShown(); // once per run
    assertThat(first.noticeToShow()).isEmpty();
    first.close();
    assertThat(collector.requests()).isZero();
    assertThat(state.resolve(UserSettings.FILE)).exists();
    assertThat(state.resolve(StateLock.FILE)).as("the lock that guards its update").isEmptyFile();
    assertThat(filesUnder(state)).as("only the notice counter and its lock").isEqualTo(2);

    Telemetry second = open(builder(env()));
    assertThat(second.status().recording()).isTrue();
    assertThat(second.status().noticeShownCount()).isEqualTo(1);
    assertThat(second.noticeToShow()).isPresent();
    second.noticeShown();
    second.record("scan.completed", scanCompleted(2));
    second.close();
    assertThat(numbers(collector.events())).containsExactly(2);

    Telemetry third = open(builder(env()));
    assertThat(third.noticeToShow()).isPresent();
    third.noticeShown();
    third.close();
    Telemetry fourth = open(builder(env()));
    assertThat(fourth.status().noticeShownCount()).isEqualTo(3);
    assertThat(fourth.noticeToShow()).as("shown on the first three scans only").isEmpty();
    assertThat(fourth.status().recording()).isTrue();
  }

  @Test
  void theNoticeSaysWhatIsSentInTheCatalogsWordsAndNeverDeniesIt() {
    String notice = open(builder(env())).noticeToShow().orElseThrow();
    Catalog catalog = Catalog.standard();
    assertThat(catalog.fieldsNotInBrief()).as("every field has words in the notice").isEmpty();
    catalog.inBrief().forEach(item -> assertThat(notice).contains("  - " + item.text() + "\n"));
    String never =
        notice.lines().filter(l -> l.trim().startsWith("Never:")).findFirst().orElseThrow();
    // finding counts (as ranges) and a failed tool's exit code are sent: "Never" may not deny them
    assertThat(never).contains("finding details").doesNotContain("findings,");
    assertThat(notice).contains("finding counts, only as coarse ranges").contains("exit code");
  }

  @Test
  void theUsersOwnOnNeedsNoNotice() {
    Telemetry t = on();
    assertThat(t.noticeToShow()).isEmpty();
    assertThat(t.status().rule()).isEqualTo(ConsentRule.EXPLICIT_ON);
    assertThat(t.status().recording()).isTrue();
  }

  @Test
  void aProjectsOnShowsTheNoticeAndRecordsNothingUntilItWasShown() throws Exception {
    Telemetry first = open(builder(env()).projectSetting(true));
    assertThat(first.status().recording()).isFalse();
    assertThat(first.noticeToShow()).isPresent();
    first.noticeShown();
    first.record("scan.completed", scanCompleted(1));
    first.close();
    assertThat(first.pending()).isEmpty();
    assertThat(Files.exists(state.resolve("telemetry-id"))).as("no id before the notice").isFalse();

    Telemetry second = open(builder(env()).projectSetting(true));
    assertThat(second.status().recording()).isTrue();
    assertThat(second.noticeToShow()).as("shown on the first three scans").isPresent();
    second.record("scan.completed", scanCompleted(2));
    second.flushNow(Duration.ofSeconds(10));
    assertThat(collector.count()).isEqualTo(1);
  }

  @Test
  void debugModePrintsEachEventToStderrAndSendsOrStoresNothing() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Telemetry t =
        open(
            userOn(env(Telemetry.DEBUG_VARIABLE, "1"))
                .stderr(new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertThat(t.debug()).isTrue();
    t.record("scan.completed", scanCompleted(5));
    t.close();
    String printed = err.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("\"event\":\"scan.completed\"").contains("\"tools_succeeded\":5");
    assertThat(collector.requests()).isZero();
    assertThat(state.resolve("telemetry/outbox")).doesNotExist();
    assertThat(t.flushNow(Duration.ofMillis(100)).error()).contains("debug");
  }

  @Test
  void debugModeOnAFreshInstallPrintsWhatWouldBeSentAndStoresNothingAtAll() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Telemetry t =
        open(
            builder(env(Telemetry.DEBUG_VARIABLE, "1"))
                .stderr(new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertThat(t.recording()).isTrue();
    assertThat(t.noticeToShow()).isPresent();
    t.noticeShown();
    t.record("scan.completed", scanCompleted(7));
    t.close();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("\"tools_succeeded\":7");
    assertThat(state).as("no id file, no notice counter, no outbox").doesNotExist();
    assertThat(collector.requests()).isZero();
    // and an existing id is shown as is, never replaced
    UUID id = on().anonymousId().orElseThrow();
    ByteArrayOutputStream err2 = new ByteArrayOutputStream();
    Telemetry again =
        open(
            builder(env(Telemetry.DEBUG_VARIABLE, "1"))
                .stderr(new PrintStream(err2, true, StandardCharsets.UTF_8)));
    again.record("scan.completed", scanCompleted(8));
    again.close();
    assertThat(err2.toString(StandardCharsets.UTF_8)).contains(id.toString());
  }

  @Test
  void whatAnEarlierRunLeftIsDeliveredFirstByTheNextRun() {
    collector.mode(RecordingCollector.Mode.DOWN);
    Telemetry first = on();
    for (int i = 1; i <= 3; i++) {
      first.record("scan.completed", scanCompleted(i));
    }
    first.close();
    assertThat(first.pending()).hasSize(3);

    collector.mode(RecordingCollector.Mode.NORMAL);
    Telemetry second = on();
    second.record("scan.completed", scanCompleted(4));
    second.close();
    assertThat(numbers(collector.events())).containsExactly(1, 2, 3, 4);
    assertThat(second.pending()).isEmpty();
  }

  @Test
  void retryAfterIsHonouredAndRememberedAcrossProcesses() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:15:00Z"));
    collector.retryAfter(Duration.ofSeconds(30));
    collector.mode(RecordingCollector.Mode.TOO_MANY_REQUESTS);
    Telemetry first = open(userOn().clock(clock));
    first.record("scan.completed", scanCompleted(1));
    first.close();
    assertThat(collector.requests()).isEqualTo(1);
    assertThat(state.resolve(RetryAfterStore.FILE)).exists();

    collector.mode(RecordingCollector.Mode.NORMAL);
    clock.advance(Duration.ofSeconds(10));
    Telemetry second = open(userOn().clock(clock));
    second.record("scan.completed", scanCompleted(2));
    FlushResult waiting = second.flushNow(Duration.ofSeconds(1));
    assertThat(waiting.retryAfter()).contains(Instant.parse("2026-11-27T10:15:30Z"));
    second.close();
    assertThat(collector.requests()).as("no request before Retry-After").isEqualTo(1);

    clock.advance(Duration.ofSeconds(21));
    Telemetry third = open(userOn().clock(clock));
    third.close();
    assertThat(numbers(collector.events())).containsExactly(1, 2);
  }

  @ParameterizedTest
  @EnumSource(
      value = RecordingCollector.Mode.class,
      names = {"TOO_MANY_REQUESTS", "UNAVAILABLE"})
  void aRetryAfterOfZeroNeitherHammersTheCollectorNorEscapesTheAttemptsLimit(
      RecordingCollector.Mode mode) {
    collector.retryAfter(Duration.ZERO); // "Retry-After: 0"
    collector.mode(mode);
    // a backoff far below the floor: the floor alone must keep the pace
    Telemetry t = open(userOn().backoff(Duration.ofMillis(5), Duration.ofMillis(10), 3));
    t.record("scan.completed", scanCompleted(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> collector.requests() >= 1);
    // at least a second between two calls, whatever Retry-After says
    await()
        .during(Duration.ofMillis(700))
        .atMost(Duration.ofSeconds(2))
        .until(() -> collector.requests() == 1);
    // each "later" is a failed attempt: the third ends this run's tries
    await().atMost(Duration.ofSeconds(10)).until(() -> collector.requests() == 3);
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> collector.requests() == 3);
    assertThat(t.pending()).as("kept for a later run").hasSize(1);
  }

  @Test
  void aServiceUnavailableAnswerIsAlsoARetryAfter() {
    collector.retryAfter(Duration.ofSeconds(5));
    collector.mode(RecordingCollector.Mode.UNAVAILABLE);
    Telemetry t = on();
    t.record("scan.completed", scanCompleted(1));
    FlushResult r = t.flushNow(Duration.ofSeconds(2));
    assertThat(r.retryAfter()).isPresent();
    assertThat(r.remaining()).isEqualTo(1);
  }

  private TelemetryBuilder fromEnvironment(Map<String, String> env, ByteArrayOutputStream err) {
    return Telemetry.builder()
        .hostVersion("0.7.0")
        .environment(env)
        .stderr(new PrintStream(err, true, StandardCharsets.UTF_8))
        .dockerMarker(tmp.resolve("no-dockerenv"));
  }

  @Test
  void aRelativeJmoHomeIsIgnoredWithOneWarningSoEveryDirectorySharesOneStateAndChoice()
      throws Exception {
    Path home = tmp.resolve("user");
    Path expected = home.resolve(".jmo-security");
    String relative = "jmo-state-" + UUID.randomUUID(); // would land in the working directory
    Map<String, String> env = env("JMO_HOME", relative, "HOME", home.toString());
    try {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Telemetry admin = open(fromEnvironment(env, err).administration());
      assertThat(admin.stateDirectory()).isEqualTo(expected).isAbsolute();
      assertThat(admin.userSettingsFile().startsWith(expected)).isTrue();
      String warning = err.toString(StandardCharsets.UTF_8);
      assertThat(warning.lines())
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains("JMO_HOME=" + relative)
          .contains("not an absolute path")
          .contains(expected.toString());

      admin.disableForUser(); // "jmo telemetry disable" in ~
      Telemetry scan = open(fromEnvironment(env, new ByteArrayOutputStream())); // a scan in proj/
      assertThat(scan.status().enabled()).isFalse();
      assertThat(Path.of(relative)).doesNotExist();
    } finally {
      if (Files.exists(Path.of(relative))) {
        try (Stream<Path> s = Files.walk(Path.of(relative))) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  @Test
  void aRelativeHomeIsIgnoredTooAndAnAbsoluteJmoHomeIsUsedWithoutAWord() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Telemetry t = open(fromEnvironment(env("HOME", "relative-home"), err).administration());
    assertThat(t.stateDirectory())
        .isAbsolute()
        .isEqualTo(
            Path.of(System.getProperty("user.home")).toAbsolutePath().resolve(".jmo-security"));
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("HOME=relative-home");

    ByteArrayOutputStream quiet = new ByteArrayOutputStream();
    Path absolute = tmp.resolve("absolute-state");
    Telemetry u =
        open(
            fromEnvironment(env("JMO_HOME", absolute.toString(), "HOME", "x"), quiet)
                .administration());
    assertThat(u.stateDirectory()).isEqualTo(absolute);
    assertThat(quiet.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  private Map<String, String> envWithoutEndpoint() {
    Map<String, String> env = env();
    env.remove(Telemetry.ENDPOINT_VARIABLE);
    return env;
  }

  private static PrintStream into(ByteArrayOutputStream out) {
    return new PrintStream(out, true, StandardCharsets.UTF_8);
  }

  @Test
  void aCollectorNamedOnlyByAProjectFileReceivesNothingUntilTheUserAcceptsIt() throws Exception {
    Map<String, String> env = envWithoutEndpoint();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Telemetry t =
        open(
            userOn(env)
                .projectEndpoint(collector.baseUrl())
                .projectFile("/src/cloned/jmo.yml")
                .stderr(into(err)));
    assertThat(t.status().recording()).as("the user's own on").isTrue();
    assertThat(t.recording()).as("but not for a collector they never accepted").isFalse();
    t.record("scan.completed", scanCompleted(1));
    t.close();
    assertThat(collector.requests()).isZero();
    assertThat(filesUnder(state.resolve("telemetry/outbox"))).as("nothing recorded").isZero();
    assertThat(t.endpoint()).isEqualTo(Telemetry.DEFAULT_ENDPOINT);
    assertThat(t.collectorSource()).isEqualTo(CollectorSource.DEFAULT);
    assertThat(t.unacceptedProjectCollector()).contains(collector.baseUrl());
    assertThat(err.toString(StandardCharsets.UTF_8).lines())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("/src/cloned/jmo.yml")
        .contains(collector.baseUrl())
        .contains("records nothing")
        .contains("jmo telemetry accept-collector");

    // the user's own act, kept in their settings (the project's file is not theirs)
    Telemetry admin = open(builder(env).projectEndpoint(collector.baseUrl()).administration());
    assertThat(admin.acceptProjectCollector()).isEqualTo(collector.baseUrl());
    assertThat(Files.readString(state.resolve(UserSettings.FILE))).contains(collector.baseUrl());

    ByteArrayOutputStream quiet = new ByteArrayOutputStream();
    Telemetry accepted =
        open(builder(env).projectEndpoint(collector.baseUrl() + "/").stderr(into(quiet)));
    assertThat(accepted.collectorSource()).isEqualTo(CollectorSource.PROJECT);
    assertThat(accepted.endpoint()).isEqualTo(collector.baseUrl() + "/");
    accepted.record("scan.completed", scanCompleted(2));
    accepted.close();
    assertThat(numbers(collector.events())).containsExactly(2);
    assertThat(quiet.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void acceptingOneProjectCollectorAcceptsNoOtherAndTheUsersVariableNeedsNoAccepting() {
    Map<String, String> env = envWithoutEndpoint();
    open(userOn(env).projectEndpoint("http://127.0.0.1:9/a").administration())
        .acceptProjectCollector();
    Telemetry other =
        open(
            builder(env)
                .projectEndpoint(collector.baseUrl())
                .stderr(into(new ByteArrayOutputStream())));
    assertThat(other.unacceptedProjectCollector()).contains(collector.baseUrl());
    assertThat(other.recording()).isFalse();

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Telemetry mine =
        open(builder(env()).projectEndpoint("http://127.0.0.1:9/elsewhere").stderr(into(err)));
    assertThat(mine.collectorSource()).isEqualTo(CollectorSource.VARIABLE);
    assertThat(mine.unacceptedProjectCollector()).isEmpty();
    mine.record("scan.completed", scanCompleted(1));
    mine.close();
    assertThat(collector.count()).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(
      value = {
        "NULL, names no collector",
        "https://Telemetry.jmotools.com:443/, needs no accepting",
        "ftp://127.0.0.1/x, is not an http(s) URL",
        "not a url, is not an http(s) URL"
      },
      nullValues = "NULL")
  void acceptingRefusesWhatIsNoOtherCollectorAndChangesNothing(String named, String why) {
    Telemetry admin = open(builder(envWithoutEndpoint()).projectEndpoint(named).administration());
    assertThatThrownBy(admin::acceptProjectCollector)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(why);
    assertThat(state.resolve(UserSettings.FILE)).doesNotExist();
    assertThat(admin.unacceptedProjectCollector().isPresent())
        .as("the default and nothing need no accepting; an unusable URL records nothing")
        .isEqualTo(named != null && !named.startsWith("https://Telemetry"));
  }

  @Test
  void closeIsBoundedWithACollectorThatNeverAnswersIdempotentAndKeepsTheEvent() {
    collector.mode(RecordingCollector.Mode.HANG);
    Telemetry t = open(userOn().flushTimeout(Duration.ofMillis(300)));
    t.record("scan.completed", scanCompleted(1));
    long start = System.nanoTime();
    t.close();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isLessThan(Duration.ofMillis(300 + 200));
    long again = System.nanoTime();
    t.close();
    assertThat(Duration.ofNanos(System.nanoTime() - again)).isLessThan(Duration.ofMillis(50));
    assertThat(t.pending()).hasSize(1);
    t.record("scan.completed", scanCompleted(2)); // after close: kept on disk for the next run
    assertThat(t.pending()).hasSize(2);
  }

  @Test
  void flushNowReportsWhatItDid() {
    collector.mode(RecordingCollector.Mode.DOWN);
    Telemetry t = open(userOn().backoff(Duration.ofMinutes(1), Duration.ofMinutes(2), 3));
    t.record("scan.completed", scanCompleted(1));
    t.record("scan.completed", scanCompleted(2));
    FlushResult down = t.flushNow(Duration.ofSeconds(2));
    assertThat(down.delivered()).isZero();
    assertThat(down.remaining()).isEqualTo(2);
    assertThat(down.error()).isEqualTo("network");
    assertThat(down.complete()).isFalse();

    collector.mode(RecordingCollector.Mode.NORMAL);
    FlushResult up = t.flushNow(Duration.ofSeconds(5));
    assertThat(up.remaining()).isZero();
    assertThat(up.complete()).isTrue();
    assertThat(collector.count()).isEqualTo(2);
  }

  @Test
  void networkErrorsAreRetriedInTheBackgroundWithBoundedBackoff() {
    collector.mode(RecordingCollector.Mode.DOWN);
    Telemetry t = open(userOn().backoff(Duration.ofMillis(20), Duration.ofMillis(40), 3));
    t.record("scan.completed", scanCompleted(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> t.stats().uploadFailures() == 3);
    // it gave up after three attempts: no fourth within several backoff periods
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> t.stats().uploadFailures() == 3);
    assertThat(t.pending()).hasSize(1);
  }

  @Test
  void theBackgroundWorkerDeliversOnceTheCollectorComesBack() {
    collector.mode(RecordingCollector.Mode.DOWN);
    Telemetry t = open(userOn().backoff(Duration.ofMillis(20), Duration.ofMillis(100), 100));
    t.record("scan.completed", scanCompleted(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> t.stats().uploadFailures() >= 1);
    collector.mode(RecordingCollector.Mode.NORMAL);
    await().atMost(Duration.ofSeconds(10)).until(() -> collector.count() == 1);
  }

  @Test
  void twoClientsSharingAStateDirectoryNeverSendAnEventTwice() throws Exception {
    Telemetry a = on();
    Telemetry b = on();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> jobs = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        Telemetry t = w % 2 == 0 ? a : b;
        int base = w * 25;
        jobs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 25; i++) {
                    t.record("scan.completed", scanCompleted(base + i));
                  }
                }));
      }
      for (Future<?> f : jobs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    a.close();
    b.close();
    on().close();
    assertThat(collector.count()).isEqualTo(100);
    assertThat(collector.duplicates()).isZero();
  }

  @Test
  void theOutboxIsBoundedAndDropsTheOldestFirstCountingWhy() {
    collector.mode(RecordingCollector.Mode.DOWN);
    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    Telemetry t =
        open(
            userOn()
                .clock(clock)
                .outboxLimits(5, 1024 * 1024, Duration.ofDays(30))
                .backoff(Duration.ofMinutes(1), Duration.ofMinutes(2), 2));
    for (int i = 0; i < 8; i++) {
      clock.advance(Duration.ofMillis(1));
      t.record("scan.completed", scanCompleted(i));
    }
    t.close();
    assertThat(numbers(t.pending())).containsExactly(3, 4, 5, 6, 7);
    assertThat(t.stats().dropped()).containsEntry("outbox_count", 3L);
  }

  @Test
  void eventsOlderThanTheAgeBoundAreDroppedUnsent() {
    collector.mode(RecordingCollector.Mode.DOWN);
    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    Telemetry old = open(userOn().clock(clock));
    old.record("scan.completed", scanCompleted(1));
    old.close();
    collector.mode(RecordingCollector.Mode.NORMAL);
    clock.advance(Duration.ofDays(Telemetry.DEFAULT_MAX_OUTBOX_AGE_DAYS).plusMinutes(1));
    Telemetry later = open(userOn().clock(clock));
    later.close();
    assertThat(collector.count()).isZero();
    assertThat(later.stats().dropped()).containsEntry("expired", 1L);
    assertThat(later.pending()).isEmpty();
  }

  @Test
  void expiredEventsAreListedApartAndTheFlushCountsThemAsDropped() {
    collector.mode(RecordingCollector.Mode.DOWN);
    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    Telemetry old = open(userOn().clock(clock));
    old.record("scan.completed", scanCompleted(1));
    old.record("scan.completed", scanCompleted(2));
    old.close();
    collector.mode(RecordingCollector.Mode.NORMAL);
    clock.advance(Duration.ofDays(Telemetry.DEFAULT_MAX_OUTBOX_AGE_DAYS).plusMinutes(1));
    Telemetry admin = open(userOn().clock(clock).administration()); // as jmo telemetry flush
    assertThat(admin.pending()).as("not waiting: they will never be sent").isEmpty();
    assertThat(admin.pendingEvents())
        .extracting(PendingEvent::state)
        .containsExactly(PendingEvent.State.EXPIRED, PendingEvent.State.EXPIRED);
    FlushResult r = admin.flushNow(Duration.ofSeconds(5));
    assertThat(r.dropped()).isEqualTo(2);
    assertThat(r.remaining()).isZero();
    assertThat(collector.count()).isZero();
  }

  @Test
  void aHugeOutboxEntryIsNeverReadAndIsDroppedAsTooLarge() throws Exception {
    Path outbox = state.resolve("telemetry/outbox");
    Files.createDirectories(outbox);
    // named as this client's entries are: tagged with the collector it was recorded for
    String tag =
        com.jmotools.telemetry.client.internal.EndpointKey.tag(
            com.jmotools.telemetry.client.internal.EndpointKey.of(collector.baseUrl()),
            com.jmotools.telemetry.client.internal.EndpointKey.of(Telemetry.DEFAULT_ENDPOINT));
    Path huge =
        outbox.resolve(
            String.format(
                "%013d-000000-%s.%s.json", System.currentTimeMillis(), UUID.randomUUID(), tag));
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(3L << 30); // sparse; Files.readAllBytes would throw OutOfMemoryError
    }
    Telemetry admin = open(userOn().administration());
    assertThat(admin.pendingCount()).isEqualTo(1);
    assertThat(admin.pending()).isEmpty();
    assertThat(admin.pendingEvents())
        .singleElement()
        .satisfies(e -> assertThat(e.state()).isEqualTo(PendingEvent.State.UNREADABLE))
        .satisfies(e -> assertThat(e.bytes()).isEqualTo(3L << 30));
    FlushResult r = admin.flushNow(Duration.ofSeconds(5));
    assertThat(r.dropped()).isEqualTo(1);
    assertThat(r.remaining()).isZero();
    assertThat(huge).doesNotExist();
    assertThat(collector.count()).isZero();
  }

  @Test
  void anUnwritableHomeNeverRecordsAndNeverCrashes() throws Exception {
    // the notice cannot be remembered there, so even a project's "on" never gets to record
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    Telemetry t =
        open(
            Telemetry.builder()
                .hostVersion("0.7.0")
                .environment(env())
                .projectSetting(true)
                .stateDirectory(file.resolve("state")));
    assertThat(t.status().recording()).isFalse();
    assertThat(t.noticeToShow()).isPresent();
    t.noticeShown();
    t.record("scan.completed", scanCompleted(1));
    t.close();
    Telemetry next =
        open(
            Telemetry.builder()
                .hostVersion("0.7.0")
                .environment(env())
                .projectSetting(true)
                .stateDirectory(file.resolve("state")));
    assertThat(next.status().recording()).isFalse();
    assertThat(next.pending()).isEmpty();
    assertThat(next.sent()).isEmpty();
    assertThat(collector.requests()).isZero();
  }

  @Test
  void stateDirectoryComesFromJmoHomeElseHome() {
    Telemetry byJmoHome =
        open(
            Telemetry.builder()
                .hostVersion("0.7.0")
                .environment(
                    Map.of(
                        "JMO_HOME",
                        tmp.resolve("jh").toString(),
                        "HOME",
                        "/nowhere",
                        "JMO_TELEMETRY_DISABLE",
                        "1")));
    assertThat(byJmoHome.stateDirectory()).isEqualTo(tmp.resolve("jh"));
    Telemetry byHome =
        open(
            Telemetry.builder()
                .hostVersion("0.7.0")
                .environment(Map.of("HOME", tmp.toString(), "JMO_TELEMETRY_DISABLE", "1")));
    assertThat(byHome.stateDirectory()).isEqualTo(tmp.resolve(".jmo-security"));
  }

  @Test
  void theEndpointComesFromTheVariableElseAnAcceptedJmoYmlElseTheDefault() {
    Map<String, String> none = Map.of("JMO_TELEMETRY_DISABLE", "1");
    assertThat(open(builder(none)).endpoint()).isEqualTo(Telemetry.DEFAULT_ENDPOINT);
    Telemetry unaccepted = open(builder(none).projectEndpoint("https://mine.example"));
    assertThat(unaccepted.endpoint()).isEqualTo(Telemetry.DEFAULT_ENDPOINT);
    assertThat(unaccepted.unacceptedProjectCollector()).contains("https://mine.example");
    open(builder(none).projectEndpoint("https://mine.example").administration())
        .acceptProjectCollector();
    assertThat(open(builder(none).projectEndpoint("https://mine.example")).endpoint())
        .isEqualTo("https://mine.example");
    Map<String, String> both =
        Map.of("JMO_TELEMETRY_DISABLE", "1", "JMO_TELEMETRY_ENDPOINT", "http://env.example:8080");
    assertThat(open(builder(both).projectEndpoint("https://mine.example")).endpoint())
        .isEqualTo("http://env.example:8080");
  }

  @Test
  void anUnusableEndpointKeepsEventsInTheOutbox() {
    Telemetry t = open(userOn(Map.of(Telemetry.ENDPOINT_VARIABLE, "ftp://nope")));
    assertThat(t.endpointValid()).isFalse();
    t.record("scan.completed", scanCompleted(1));
    t.close();
    assertThat(t.pending()).hasSize(1);
  }

  @Test
  void theJmoImageIsMarkedByItsVariableAndAnyContainerByTheMarkerFile() throws Exception {
    Map<String, String> off = Map.of("JMO_TELEMETRY_DISABLE", "1");
    assertThat(open(builder(off)).inDocker()).isFalse();
    assertThat(open(builder(off)).inContainer()).isFalse();
    Telemetry image = open(builder(Map.of("JMO_TELEMETRY_DISABLE", "1", "DOCKER_CONTAINER", "1")));
    assertThat(image.inDocker()).isTrue();
    assertThat(image.inContainer()).isTrue();
    Path marker = Files.createFile(tmp.resolve(".dockerenv"));
    Telemetry devContainer = open(builder(off).dockerMarker(marker));
    assertThat(devContainer.inDocker())
        .as("a dev container or CI sandbox is not the JMo image")
        .isFalse();
    assertThat(devContainer.inContainer()).isTrue();
  }

  @Test
  void anAdministrationClientNeverCreatesTheIdNorRecords() {
    Telemetry admin = open(userOn().administration());
    assertThat(admin.status().recording()).isTrue();
    admin.record("scan.completed", scanCompleted(1));
    admin.close();
    assertThat(admin.anonymousId()).isEmpty();
    assertThat(Files.exists(state.resolve("telemetry-id"))).isFalse();
    assertThat(admin.pending()).isEmpty();
  }

  @Test
  void userChoicesAreStoredAndOffDominates() {
    Telemetry t = open(builder(env()));
    ConsentStatus afterDisable = t.disableForUser();
    assertThat(afterDisable.rule()).isEqualTo(ConsentRule.EXPLICIT_OFF);
    assertThat(afterDisable.detail()).isEqualTo("user settings");
    Telemetry projectOn = open(builder(env()).projectSetting(true));
    assertThat(projectOn.status().enabled()).as("the user's off beats a project's on").isFalse();

    ConsentStatus afterEnable = projectOn.enableForUser();
    assertThat(afterEnable.rule()).isEqualTo(ConsentRule.EXPLICIT_ON);
    Telemetry projectOff = open(builder(env()).projectSetting(false));
    assertThat(projectOff.status().enabled()).as("a project's off beats the user's on").isFalse();
    assertThat(open(builder(env())).status().recording()).isTrue();
  }

  @Test
  void disablingRemovesWhatIsWaitingAndStopsRecording() {
    collector.mode(RecordingCollector.Mode.DOWN);
    Telemetry t = on();
    t.record("scan.completed", scanCompleted(1));
    t.flushNow(Duration.ofMillis(500));
    assertThat(t.pending()).hasSize(1);
    t.disableForUser();
    assertThat(t.pending()).isEmpty();
    t.record("scan.completed", scanCompleted(2));
    collector.mode(RecordingCollector.Mode.NORMAL);
    t.close();
    assertThat(collector.count()).isZero();
  }

  static Stream<String> brokenSettings() {
    return Stream.of(
        "{\"enabled\": false, \"notice_shown\": 3,}",
        "{\"enabled\": \"false\", \"notice_shown\": 3}",
        "{\"enabled\": false, \"notice_shown\": 3, \"pad\": \"" + "x".repeat(4100) + "\"}");
  }

  @ParameterizedTest
  @MethodSource("brokenSettings")
  void anUnreadableSettingsFileIsOffShowsNoNoticeAndIsNeverRewrittenButEnableRewritesIt(
      String content) throws Exception {
    Path file = state.resolve(UserSettings.FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    for (int run = 0; run < 2; run++) {
      Telemetry t = open(builder(env()));
      assertThat(t.status().enabled()).isFalse();
      assertThat(t.status().rule()).isEqualTo(ConsentRule.UNREADABLE_SETTINGS);
      assertThat(t.status().explanation()).contains(file.toString()).contains("rewrites it");
      assertThat(t.noticeToShow()).isEmpty();
      t.noticeShown();
      t.record("scan.completed", scanCompleted(run));
      t.close();
      assertThat(Files.readString(file)).as("left exactly as it was").isEqualTo(content);
    }
    assertThat(collector.requests()).isZero();
    assertThat(state.resolve("telemetry-id")).doesNotExist();

    Telemetry admin = open(builder(env()));
    assertThat(admin.disableForUser().rule()).isEqualTo(ConsentRule.EXPLICIT_OFF);
    assertThat(new UserSettings(state).read()).isEqualTo(new UserSettings.Values(false, 0));
    assertThat(admin.enableForUser().rule()).isEqualTo(ConsentRule.EXPLICIT_ON);
  }

  @Test
  void disablingFromAnotherProcessStopsARunningClientWritingAndSending() throws Exception {
    Telemetry t = on();
    t.record("scan.completed", scanCompleted(1));
    assertThat(t.flushNow(Duration.ofSeconds(10)).delivered()).isEqualTo(1);

    // another process: jmo telemetry disable (writes the settings, clears the outbox)
    open(builder(env())).disableForUser();
    t.record("scan.completed", scanCompleted(2));
    assertThat(t.flushNow(Duration.ofSeconds(2)).error()).startsWith("telemetry is off");
    t.close();
    assertThat(numbers(collector.events())).containsExactly(1);
    assertThat(t.pending()).as("not even written").isEmpty();
    assertThat(t.stats().dropped()).containsEntry("switched_off", 1L);
  }

  @Test
  void aSettingsFileBrokenWhileAClientRunsStopsItSendingWhatWaits() throws Exception {
    collector.mode(RecordingCollector.Mode.DOWN);
    Telemetry t = on();
    t.record("scan.completed", scanCompleted(1));
    t.flushNow(Duration.ofMillis(500));
    assertThat(t.pending()).hasSize(1);
    // an editor leaves the file half-written: it may hold an off, so nothing more leaves
    Files.writeString(state.resolve(UserSettings.FILE), "{\"enabled\": fal");
    collector.mode(RecordingCollector.Mode.NORMAL);
    t.close();
    assertThat(collector.count()).isZero();
  }

  @Test
  void anUnwritableSettingsFileIsReportedToTheAdminCommand() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    Telemetry t =
        open(
            Telemetry.builder()
                .hostVersion("0.7.0")
                .environment(env())
                .stateDirectory(file.resolve("s")));
    assertThatThrownBy(t::disableForUser)
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("cannot write");
  }

  @Test
  void resetIdRotatesTheAnonymousId() {
    Telemetry t = on();
    UUID before = t.anonymousId().orElseThrow();
    UUID after = t.resetId();
    assertThat(after).isNotEqualTo(before);
    assertThat(open(userOn()).anonymousId()).contains(after);
  }

  /** Every file under the state directory with its POSIX permissions, and every folder's. */
  private Map<String, String> permissions() throws Exception {
    Map<String, String> perms = new java.util.TreeMap<>();
    try (Stream<Path> s = Files.walk(state)) {
      for (Path p : s.toList()) {
        perms.put(
            (Files.isDirectory(p) ? "folder " : "file ") + state.relativize(p),
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(p)));
      }
    }
    return perms;
  }

  @Test
  void everyStateFileAndFolderTheClientCreatesIsThisUsersOnly() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        tmp.getFileSystem().supportedFileAttributeViews().contains("posix"));
    collector.mode(RecordingCollector.Mode.DOWN);
    Telemetry offline = on(); // settings.json, telemetry-id, an outbox entry, the upload lock
    offline.record("scan.completed", scanCompleted(1));
    offline.close();
    open(builder(env()).administration()).requestDeletion(); // deletion-requests.json, unused-id
    collector.mode(RecordingCollector.Mode.NORMAL);
    Telemetry online = on();
    online.record("scan.completed", scanCompleted(2));
    online.close(); // sent.jsonl
    Map<String, String> perms = permissions();
    assertThat(perms)
        .containsKeys(
            "file telemetry-id",
            "file " + UserSettings.FILE,
            "file telemetry/sent.jsonl",
            "file telemetry/deletion-requests.json",
            "folder telemetry/outbox");
    perms.forEach(
        (name, p) ->
            assertThat(p)
                .as(name)
                .isEqualTo(name.startsWith("folder") ? "rwx------" : "rw-------"));
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(state.getParent())))
        .as("a missing parent the client created")
        .isEqualTo("rwx------");
  }

  @Test
  void stateFilesAnEarlierVersionLeftReadableByOthersBecomeThisUsersOnlyWhenUsed()
      throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        tmp.getFileSystem().supportedFileAttributeViews().contains("posix"));
    Telemetry first = on();
    first.record("scan.completed", scanCompleted(1));
    first.close();
    java.util.Set<java.nio.file.attribute.PosixFilePermission> open =
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
    for (String f : List.of("telemetry-id", "telemetry/sent.jsonl", UserSettings.FILE)) {
      Files.setPosixFilePermissions(state.resolve(f), open);
    }
    Telemetry second = on(); // rewrites settings.json (enable), reads the id, appends sent.jsonl
    second.record("scan.completed", scanCompleted(2));
    second.close();
    assertThat(numbers(collector.events())).containsExactly(1, 2);
    for (String f : List.of("telemetry-id", "telemetry/sent.jsonl", UserSettings.FILE)) {
      assertThat(
              java.nio.file.attribute.PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(state.resolve(f))))
          .as(f)
          .isEqualTo("rw-------");
    }
  }

  @Test
  void eventsRecordedAfterAResetInAnotherProcessCarryTheNewId() {
    Telemetry scan = on(); // a running scan
    UUID old = scan.anonymousId().orElseThrow();
    scan.record("scan.completed", scanCompleted(1));
    // jmo telemetry reset-id, in another process, while the scan runs
    UUID next = open(builder(env()).administration()).resetId();
    scan.record("scan.completed", scanCompleted(2));
    scan.close();
    assertThat(collector.events())
        .extracting(
            e ->
                e.path("metadata").path("tools_succeeded").asInt()
                    + " "
                    + e.path("anonymous_id").asText())
        .containsExactlyInAnyOrder("1 " + old, "2 " + next);
    assertThat(scan.anonymousId()).contains(next);
  }

  @Test
  void aScanThatRecordsUnderTheIdADeletionMadeHasThatIdErasedByTheNextDeletion() {
    Telemetry scan = on();
    scan.record("scan.completed", scanCompleted(1));
    scan.flushNow(Duration.ofSeconds(10));
    // jmo telemetry delete in another process: erases the old id, rotates to one marked unused
    DeletionResult first = open(builder(env()).administration()).requestDeletion();
    assertThat(first.outcome()).isEqualTo(DeletionResult.Outcome.DELETED);
    UUID next = first.newId();
    scan.record("scan.completed", scanCompleted(2)); // the scan goes on, under the new id
    scan.close();
    assertThat(collector.events())
        .filteredOn(e -> e.path("metadata").path("tools_succeeded").asInt() == 2)
        .extracting(e -> e.path("anonymous_id").asText())
        .containsExactly(next.toString());
    // the new id recorded something: a deletion now must erase it, not call it unused
    DeletionResult second = open(builder(env()).administration()).requestDeletion();
    assertThat(second.erasedIds()).contains(next);
    assertThat(second.outcome()).isEqualTo(DeletionResult.Outcome.DELETED);
  }

  @Test
  void aResetIdThatCannotBeStoredFailsAndKeepsTheOldId() throws Exception {
    Telemetry t = on();
    UUID before = t.anonymousId().orElseThrow();
    ReadOnlyDirectory readOnly = ReadOnlyDirectory.of(state);
    try {
      Telemetry admin = open(builder(env()).administration());
      assertThatThrownBy(admin::resetId)
          .isInstanceOf(java.io.UncheckedIOException.class)
          .hasMessageContaining("cannot store a new id in " + state.resolve("telemetry-id"));
      assertThat(admin.anonymousId()).contains(before);
    } finally {
      readOnly.close();
    }
    assertThat(open(userOn()).anonymousId()).contains(before);
  }

  @Test
  void deletionAfterTheIdFileWasRemovedErasesTheIdsOfSentAndWaitingEvents() throws Exception {
    Telemetry first = on();
    first.record("scan.completed", scanCompleted(1));
    first.close();
    UUID old = first.anonymousId().orElseThrow();
    open(builder(env())).resetId();
    Telemetry second = on();
    UUID middle = second.anonymousId().orElseThrow();
    second.record("scan.completed", scanCompleted(2));
    second.close();
    collector.mode(RecordingCollector.Mode.DOWN);
    Telemetry third = on();
    third.record("scan.completed", scanCompleted(3)); // waits in the outbox, with middle's id
    third.close();
    assertThat(third.pending()).hasSize(1);
    Files.delete(state.resolve("telemetry-id")); // the guide's way of "forgetting"
    collector.mode(RecordingCollector.Mode.NORMAL);

    Telemetry admin = open(builder(env()).administration());
    assertThat(admin.knownAnonymousIds()).containsExactly(old, middle);
    DeletionResult r = admin.requestDeletion();
    assertThat(r.outcome()).isEqualTo(DeletionResult.Outcome.DELETED);
    assertThat(r.erasedIds()).containsExactly(old, middle);
    assertThat(r.newId()).isNull();
    assertThat(r.message())
        .contains(old.toString())
        .contains(middle.toString())
        .contains("removed the 1 event(s) waiting")
        .contains("no id file");
    assertThat(collector.deletedIds()).contains(old.toString(), middle.toString());
    assertThat(collector.count()).isZero();
    assertThat(admin.pending()).isEmpty();
    assertThat(state.resolve("telemetry-id")).as("no id is made by a deletion").doesNotExist();
  }

  @Test
  void aDeletionWhoseNewIdCannotBeStoredIsStillSentAndSaysTheOldIdStays() throws Exception {
    Telemetry t = on();
    t.record("scan.completed", scanCompleted(1));
    t.close();
    UUID id = t.anonymousId().orElseThrow();
    Files.createDirectories(state.resolve("telemetry"));
    DeletionResult r;
    ReadOnlyDirectory readOnly = ReadOnlyDirectory.of(state); // telemetry/ stays writable
    try {
      r = open(builder(env()).administration()).requestDeletion();
    } finally {
      readOnly.close();
    }
    assertThat(r.outcome()).isEqualTo(DeletionResult.Outcome.DELETED);
    assertThat(collector.deletedIds()).contains(id.toString());
    assertThat(r.newId()).isNull();
    assertThat(r.idNotReplaced()).isNotBlank();
    assertThat(r.message()).contains("could not be replaced").contains(id + " stays");
    assertThat(open(userOn()).anonymousId()).contains(id);
  }

  @Test
  void deletionErasesTheIdsRowsAtTheCollectorThenRotatesTheId() {
    Telemetry t = on();
    t.record("scan.completed", scanCompleted(1));
    t.record("scan.completed", scanCompleted(2));
    t.close();
    UUID id = t.anonymousId().orElseThrow();
    assertThat(collector.count()).isEqualTo(2);

    Telemetry admin = open(builder(env()).projectSetting(false)); // works whatever the consent
    DeletionResult r = admin.requestDeletion();
    assertThat(r.outcome()).isEqualTo(DeletionResult.Outcome.DELETED);
    assertThat(r.erasedIds()).containsExactly(id);
    assertThat(r.newId()).isNotEqualTo(id);
    assertThat(collector.count()).isZero();
    assertThat(collector.deletedIds()).contains(id.toString());
    assertThat(admin.anonymousId()).contains(r.newId());
  }

  @Test
  void deletionWithoutAnIdHasNothingToErase() {
    Telemetry admin = open(builder(env()));
    assertThat(admin.requestDeletion().outcome()).isEqualTo(DeletionResult.Outcome.NO_ID);
    assertThat(admin.pendingDeletions()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(
      value = RecordingCollector.Mode.class,
      names = {"DOWN", "PROXY_NOT_FOUND", "PROXY_AUTHENTICATION", "CAPTIVE_PORTAL"})
  void anUnconfirmedDeletionIsStoredAndRetriedByLaterRunsUntilTheCollectorConfirms(
      RecordingCollector.Mode mode) {
    Telemetry t = on();
    t.record("scan.completed", scanCompleted(1));
    t.close();
    UUID id = t.anonymousId().orElseThrow();
    assertThat(collector.count()).isEqualTo(1);

    collector.mode(mode);
    Telemetry admin = open(builder(env()).backoff(Duration.ofMillis(1), Duration.ofMillis(2), 3));
    DeletionResult r = admin.requestDeletion();
    assertThat(r.outcome()).isEqualTo(DeletionResult.Outcome.QUEUED);
    assertThat(r.message()).contains("sent again by later jmo runs");
    assertThat(r.newId()).isNotEqualTo(id);
    assertThat(admin.pendingDeletions())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.anonymousId()).isEqualTo(id);
              assertThat(p.attempts()).isEqualTo(1);
              assertThat(p.lastError()).isNotBlank();
            });
    admin.close(); // tries again, still no answer
    assertThat(collector.deletedIds()).doesNotContain(id.toString());

    collector.mode(RecordingCollector.Mode.NORMAL);
    await()
        .pollDelay(Duration.ofMillis(10))
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              // any later run, even one with telemetry off, sends the stored request
              open(builder(env("JMO_TELEMETRY_DISABLE", "1"))).close();
              return collector.deletedIds().contains(id.toString());
            });
    assertThat(collector.count()).isZero();
    assertThat(open(builder(env())).pendingDeletions()).isEmpty();
  }

  /**
   * A {@code jmo telemetry delete} in another process rotates the id and then marks the new one
   * unused (it has recorded nothing), both under the state lock. A scan that starts between the two
   * steps waits for the delete, then takes the new id and removes the mark. Were it to take the new
   * id before the mark is written, it would record under an id marked unused, and the next delete
   * would skip that id and leave its events at the collector.
   */
  @Test
  void aScanStartingWhileADeleteRotatesTheIdNeverRecordsUnderAnIdMarkedUnused() throws Exception {
    on().close(); // an id file, no mark
    DeletionRequests deletions = new DeletionRequests(state, Telemetry.DEFAULT_ENDPOINT);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    AtomicReference<Future<Telemetry>> starting = new AtomicReference<>();
    try {
      UUID next =
          new StateLock(state)
              .locked(
                  () -> {
                    UUID rotated = new AnonymousIdStore(state).rotate();
                    starting.set(pool.submit(() -> builder(env()).build()));
                    try {
                      starting.get().get(300, TimeUnit.MILLISECONDS);
                    } catch (TimeoutException waits) {
                      // the scan waits for the delete's lock
                    } catch (InterruptedException | ExecutionException e) {
                      throw new java.io.IOException(e);
                    }
                    deletions.markUnused(rotated);
                    return rotated;
                  });
      Telemetry scan = starting.get().get();
      try {
        assertThat(scan.recording()).isTrue();
        UUID used = scan.anonymousId().orElseThrow();
        assertThat(used).isEqualTo(next);
        assertThat(deletions.unused(used))
            .as("the id the scan records under is marked unused")
            .isFalse();
      } finally {
        scan.close();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void deletionsAndEventsGoOnlyToTheCollectorTheyWereMadeFor() {
    collector.mode(RecordingCollector.Mode.DOWN);
    Telemetry t = on();
    UUID id = t.anonymousId().orElseThrow();
    t.record("scan.completed", scanCompleted(1));
    t.close();
    assertThat(t.pending()).hasSize(1);
    Telemetry admin = open(builder(env()).backoff(Duration.ofMillis(1), Duration.ofMillis(2), 3));
    admin.requestDeletion();
    // events of the new id, recorded for this collector
    Telemetry recorder = open(userOn().backoff(Duration.ofMillis(1), Duration.ofMillis(2), 3));
    recorder.record("scan.completed", scanCompleted(2));
    recorder.close();

    try (RecordingCollector foreign = RecordingCollector.start()) {
      // a directory whose jmo.yml names another server, even one the user accepted
      TelemetryBuilder there =
          builder(new HashMap<>())
              .projectEndpoint(foreign.baseUrl() + "/")
              .backoff(Duration.ofMillis(1), Duration.ofMillis(2), 3);
      open(builder(new HashMap<>()).projectEndpoint(foreign.baseUrl()).administration())
          .acceptProjectCollector();
      Telemetry status = open(there);
      assertThat(status.pendingDeletions())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.anonymousId()).isEqualTo(id);
                assertThat(p.collector()).isEqualTo(collector.baseUrl());
                assertThat(p.forThisCollector()).isFalse();
              });
      assertThat(status.pendingForOtherCollectors()).isEqualTo(1);
      FlushResult flushed = status.flushNow(Duration.ofSeconds(2));
      assertThat(flushed.delivered()).isZero();
      assertThat(flushed.remaining()).isZero();
      status.close();
      assertThat(foreign.requests()).as("nothing was sent to the foreign server").isZero();
      assertThat(open(there).pendingDeletions()).hasSize(1);
    }

    collector.mode(RecordingCollector.Mode.NORMAL);
    Telemetry home = open(userOn());
    assertThat(home.pendingDeletions()).singleElement().matches(PendingDeletion::forThisCollector);
    assertThat(home.flushNow(Duration.ofSeconds(5)).delivered()).isEqualTo(1);
    home.close();
    assertThat(collector.deletedIds()).containsExactly(id.toString());
    assertThat(home.pendingDeletions()).isEmpty();
  }

  @Test
  void aRepeatedDeleteOfAnIdThatRecordedNothingStoresNoRequest() {
    collector.mode(RecordingCollector.Mode.DOWN);
    Telemetry t = on();
    t.close();
    Telemetry admin = open(builder(env()).administration()); // as jmo telemetry delete
    DeletionResult first = admin.requestDeletion();
    assertThat(first.outcome()).isEqualTo(DeletionResult.Outcome.QUEUED);
    for (int i = 0; i < 3; i++) {
      DeletionResult again = open(builder(env()).administration()).requestDeletion();
      assertThat(again.outcome()).isEqualTo(DeletionResult.Outcome.NO_ID);
      assertThat(again.message()).contains("has recorded nothing since");
    }
    assertThat(admin.pendingDeletions()).hasSize(1);
    assertThat(admin.anonymousId()).contains(first.newId());

    open(userOn()).close(); // a run that records with the new id
    assertThat(open(builder(env()).administration()).requestDeletion().erasedIds())
        .containsExactly(first.newId());
    assertThat(admin.pendingDeletions()).hasSize(2);
  }

  @Test
  void aDeletionWithAnInvalidCollectorUrlChangesNothing() {
    Telemetry t = on();
    UUID id = t.anonymousId().orElseThrow();
    t.close();
    Telemetry admin = open(builder(env(Telemetry.ENDPOINT_VARIABLE, "not a url")));
    DeletionResult r = admin.requestDeletion();
    assertThat(r.outcome()).isEqualTo(DeletionResult.Outcome.FAILED);
    assertThat(r.message()).contains("the collector URL is not valid: not a url");
    assertThat(admin.pendingDeletions()).isEmpty();
    assertThat(admin.anonymousId()).contains(id);
  }

  @Test
  void aCollectorThatTricklesItsAnswersHoldsNoRunLongerThanItsBounds() {
    Telemetry t = on();
    t.record("scan.completed", scanCompleted(1));
    t.close();
    try (TricklingServer slow = TricklingServer.start(Duration.ofMillis(100))) {
      Map<String, String> slowEnv = env(Telemetry.ENDPOINT_VARIABLE, slow.baseUrl());
      Telemetry admin =
          open(
              builder(slowEnv)
                  .networkTimeout(Duration.ofMillis(800))
                  .backoff(Duration.ofMillis(1), Duration.ofMillis(2), 3));
      long start = System.nanoTime();
      assertThat(admin.requestDeletion().outcome()).isEqualTo(DeletionResult.Outcome.QUEUED);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1800));

      // a later run with telemetry off retries the stored request at close, within the flush
      // timeout (1 s), however slowly the server answers
      Telemetry off =
          open(
              builder(
                  Map.of(
                      Telemetry.ENDPOINT_VARIABLE, slow.baseUrl(), "JMO_TELEMETRY_DISABLE", "1")));
      int before = slow.requests();
      start = System.nanoTime();
      off.close();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2000));
      assertThat(slow.requests()).as("the stored request was sent again").isEqualTo(before + 1);

      Telemetry sender = open(userOn(slowEnv));
      sender.record("scan.completed", scanCompleted(2));
      start = System.nanoTime();
      FlushResult flushed = sender.flushNow(Duration.ofMillis(1500));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
      assertThat(flushed.remaining()).isEqualTo(1);
      assertThat(slow.requests()).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void eventsTheCollectorRejectsAreDroppedAndCountedByField() {
    Telemetry t = on();
    UUID id = t.anonymousId().orElseThrow();
    // the collector refuses this id from now on (its deletion asked for elsewhere; the id file
    // keeps it: a deletion made here would rotate it, and the running client would follow)
    assertThat(
            new com.jmotools.telemetry.client.internal.HttpUploader(
                    com.jmotools.telemetry.client.internal.HttpUploader.parseBase(
                        collector.baseUrl()),
                    Duration.ofSeconds(5),
                    java.time.Clock.systemUTC())
                .requestDeletion(id, Duration.ofSeconds(5))
                .deleted())
        .isTrue();
    t.record("scan.completed", scanCompleted(1));
    t.close();
    assertThat(collector.rejections()).containsExactly(RecordingCollector.DELETED_REASON);
    assertThat(t.stats().dropped()).containsEntry("rejected:anonymous_id", 1L);
    assertThat(t.pending()).as("a rejected event is not retried").isEmpty();
  }

  @Test
  void aHostVersionThatCouldCarryTextIsRefusedBeforeAnythingIsRecorded() {
    for (String version :
        List.of(
            "0.7.0+198.51.100.77",
            "0.7.0-alice",
            "1.2.3-secret-repo",
            "0.7.0-acme.corp",
            "1.0.0+10.0.0.1")) {
      assertThatThrownBy(() -> Telemetry.builder().hostVersion(version))
          .as(version)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no build metadata");
    }
  }

  @Test
  void aPep440HostVersionIsSentInTheCatalogsNormalForm() {
    // the user's own "on": a project's jmo.yml alone records nothing before the notice was shown
    Telemetry t = open(userOn().hostVersion("1.0.0rc1"));
    t.record("scan.completed", scanCompleted(8));
    t.close();
    assertThat(collector.events())
        .singleElement()
        .satisfies(e -> assertThat(e.path("version").asText()).isEqualTo("1.0.0-rc"));
  }

  @Test
  void aHostVersionShapedLikeAnAddressIsSentWithThreeNumbersAtMost() {
    Telemetry t = open(userOn().hostVersion("192.168.100.post77"));
    t.record("scan.completed", scanCompleted(8));
    t.close();
    assertThat(collector.events())
        .singleElement()
        .satisfies(e -> assertThat(e.path("version").asText()).isEqualTo("192.168.100-post"));
    assertThatThrownBy(() -> Telemetry.builder().hostVersion("192.168.100.77"))
        .hasMessageContaining("release version");
  }

  @Test
  void theBuilderChecksItsInputs() {
    assertThatThrownBy(() -> Telemetry.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("hostVersion");
    assertThatThrownBy(() -> Telemetry.builder().hostVersion("")).hasMessageContaining("version");
    assertThatThrownBy(() -> Telemetry.builder().hostVersion("x".repeat(33)))
        .hasMessageContaining("release version");
    assertThatThrownBy(() -> Telemetry.builder().flushTimeout(Duration.ofMillis(-1)))
        .hasMessageContaining("flushTimeout is negative");
    assertThatThrownBy(() -> Telemetry.builder().outboxLimits(0, 1 << 20, Duration.ofDays(1)))
        .hasMessageContaining("maxEvents < 1: 0");
    assertThatThrownBy(() -> Telemetry.builder().queueCapacity(0))
        .hasMessageContaining("queueCapacity < 1: 0");
  }
}
