package com.jmotools.telemetry.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.jmotools.telemetry.testing.RecordingCollector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three process tests: 30 separate short-lived JVMs, each recording one event and
 * exiting at once, against a real HTTP server on loopback.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiProcessTest {

  private static final int PROCESSES = 30;
  private static final int AT_ONCE = 3;
  private static final long FLUSH_BOUND_MILLIS = Telemetry.DEFAULT_FLUSH_TIMEOUT_MILLIS;
  private static final long NEXT_RUN_WORK_MILLIS = 3000;

  private static ExecutorService pool;

  @TempDir Path state;

  @BeforeAll
  static void startPool() {
    pool = Executors.newFixedThreadPool(AT_ONCE);
  }

  @AfterAll
  static void stopPool() {
    pool.shutdownNow();
  }

  /** The result of one child process. */
  record Run(
      int exitCode,
      long closingAtMillis,
      long closedAtMillis,
      long exitedAtMillis,
      long uploadFailures,
      String output) {
    long closeToExitMillis() {
      return exitedAtMillis - closingAtMillis;
    }

    long closeMillis() {
      return closedAtMillis - closingAtMillis;
    }
  }

  private static long value(String text, String prefix) {
    return text.lines()
        .filter(l -> l.startsWith(prefix))
        .mapToLong(l -> Long.parseLong(l.substring(prefix.length()).trim()))
        .findFirst()
        .orElse(-1);
  }

  private static Run runChild(Path state, String endpoint, String number)
      throws IOException, InterruptedException {
    return runChild(state, endpoint, number, "on");
  }

  /**
   * The "next run" after the 30: a host that works for {@value #NEXT_RUN_WORK_MILLIS} ms (as a scan
   * does) before it exits, which leaves its uploader time to load the catalog and deliver.
   */
  private static Run nextRun(Path state, String endpoint) throws IOException, InterruptedException {
    return runChild(state, endpoint, "-", "on", NEXT_RUN_WORK_MILLIS);
  }

  private static Run runChild(Path state, String endpoint, String number, String how)
      throws IOException, InterruptedException {
    return runChild(state, endpoint, number, how, 0);
  }

  private static Run runChild(
      Path state, String endpoint, String number, String how, long workMillis)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Xshare:auto",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xmx64m",
            "-XX:-UsePerfData",
            "-cp",
            System.getProperty("java.class.path"),
            RecordOneEventMain.class.getName(),
            state.toString(),
            endpoint,
            number,
            how,
            Long.toString(workMillis));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes(); // EOF when the process exits
    p.waitFor();
    long exited = System.currentTimeMillis();
    String text = new String(out, StandardCharsets.UTF_8);
    return new Run(
        p.exitValue(),
        value(text, "closing-at "),
        value(text, "closed-at "),
        exited,
        value(text, "upload-failures "),
        text);
  }

  /** Runs the 30 processes, {@value #AT_ONCE} at a time. */
  private List<Run> runThirty(String endpoint) throws Exception {
    List<Future<Run>> futures = new ArrayList<>();
    for (int i = 0; i < PROCESSES; i++) {
      String n = Integer.toString(i);
      futures.add(pool.submit(() -> runChild(state, endpoint, n)));
    }
    List<Run> runs = new ArrayList<>();
    for (Future<Run> f : futures) {
      runs.add(f.get());
    }
    for (Run r : runs) {
      assertThat(r.exitCode()).as(r.output()).isZero();
      assertThat(r.closingAtMillis()).as(r.output()).isPositive();
    }
    return runs;
  }

  private static List<Integer> numbersStored(RecordingCollector collector) {
    return collector.events().stream()
        .map(e -> e.path("metadata").path("tools_succeeded").asInt())
        .sorted()
        .collect(Collectors.toList());
  }

  private static List<Integer> zeroToTwentyNine() {
    return IntStream.range(0, PROCESSES).boxed().collect(Collectors.toList());
  }

  @Test
  void thirtyShortLivedProcessesAreAllStoredExactlyOnceAfterTheNextRun() throws Exception {
    try (RecordingCollector collector = RecordingCollector.start()) {
      List<Run> runs = runThirty(collector.baseUrl());
      Run next = nextRun(state, collector.baseUrl());
      assertThat(next.exitCode()).as(next.output()).isZero();

      assertThat(numbersStored(collector)).containsExactlyElementsOf(zeroToTwentyNine());
      // An event reaches the collector twice only when its sender never saw the answer (the
      // request was cut at the flush bound); never because two processes sent it at once.
      long unanswered = runs.stream().mapToLong(Run::uploadFailures).sum();
      assertThat((long) collector.duplicates()).isLessThanOrEqualTo(unanswered);
      System.out.println(
          "30 processes: duplicates "
              + collector.duplicates()
              + ", unanswered requests "
              + unanswered);
      assertThat(collector.events())
          .extracting(e -> e.path("event_id").asText())
          .doesNotHaveDuplicates();
      assertThat(
              Telemetry.builder()
                  .hostVersion("0.7.0")
                  .environment(java.util.Map.of())
                  .stateDirectory(state)
                  .build()
                  .pending())
          .isEmpty();
    }
  }

  @Test
  void eventsRecordedWhileTheServerIsDownAreDeliveredOnceItIsUp() throws Exception {
    try (RecordingCollector collector = RecordingCollector.start()) {
      collector.mode(RecordingCollector.Mode.DOWN);
      runThirty(collector.baseUrl());
      assertThat(collector.count()).isZero();

      collector.mode(RecordingCollector.Mode.NORMAL);
      Run next = nextRun(state, collector.baseUrl());
      assertThat(next.exitCode()).as(next.output()).isZero();

      assertThat(numbersStored(collector)).containsExactlyElementsOf(zeroToTwentyNine());
      assertThat(collector.duplicates()).isZero();
    }
  }

  @Test
  void aHostThatCallsSystemExitWithoutClosingLosesNoEvent() throws Exception {
    try (RecordingCollector collector = RecordingCollector.start()) {
      collector.mode(RecordingCollector.Mode.DOWN);
      for (int i = 0; i < 3; i++) {
        Run r = runChild(state, collector.baseUrl(), Integer.toString(i), "exit");
        assertThat(r.exitCode()).as(r.output()).isZero();
      }
      collector.mode(RecordingCollector.Mode.NORMAL);
      nextRun(state, collector.baseUrl());
      assertThat(numbersStored(collector)).containsExactly(0, 1, 2);
    }
  }

  /**
   * With a collector that accepts connections and never answers, each process exits within the
   * flush bound plus 100 ms. Two measurements per process: the time its close() took (taken inside
   * the process), and the wall time from the start of close() to the exit as this test sees it,
   * less what exiting costs the same program with telemetry off on this machine at this moment (the
   * median of baseline processes run in between; on a loaded machine that alone is tens of ms).
   */
  @Test
  void withAServerThatNeverAnswersEachProcessExitsWithinTheFlushBoundPlus100ms() throws Exception {
    try (RecordingCollector collector = RecordingCollector.start()) {
      collector.mode(RecordingCollector.Mode.HANG);
      // one at a time, so that the measurement is of the client, not of our own load
      List<Run> runs = new ArrayList<>();
      List<Long> baseline = new ArrayList<>();
      for (int i = 0; i < PROCESSES; i++) {
        Run r = runChild(state, collector.baseUrl(), Integer.toString(i));
        assertThat(r.exitCode()).as(r.output()).isZero();
        runs.add(r);
        if (i % 3 == 0) {
          Run off = runChild(state, collector.baseUrl(), "-", "off");
          assertThat(off.exitCode()).as(off.output()).isZero();
          baseline.add(off.closeToExitMillis());
        }
      }
      long exitCost =
          baseline.stream().sorted().skip(baseline.size() / 2).findFirst().orElseThrow();
      System.out.println(
          "hanging collector: close() ms "
              + runs.stream().map(r -> r.closeMillis() + "").collect(Collectors.joining(" "))
              + " | close-to-exit ms "
              + runs.stream().map(r -> r.closeToExitMillis() + "").collect(Collectors.joining(" "))
              + " | telemetry-off close-to-exit ms "
              + baseline
              + ", median "
              + exitCost);
      for (Run r : runs) {
        assertThat(r.closeMillis())
            .as("time in close(), ms")
            .isLessThanOrEqualTo(FLUSH_BOUND_MILLIS + 100);
        assertThat(r.closeToExitMillis() - exitCost)
            .as("close() to exit beyond the telemetry-off exit cost, ms")
            .isLessThanOrEqualTo(FLUSH_BOUND_MILLIS + 100);
      }

      // nothing was lost: once the collector answers, the next run delivers all 30, each once
      collector.mode(RecordingCollector.Mode.NORMAL);
      Run next = nextRun(state, collector.baseUrl());
      assertThat(next.exitCode()).as(next.output()).isZero();
      assertThat(numbersStored(collector)).containsExactlyElementsOf(zeroToTwentyNine());
      List<JsonNode> stored = collector.events();
      assertThat(stored).hasSize(PROCESSES);
    }
  }
}
