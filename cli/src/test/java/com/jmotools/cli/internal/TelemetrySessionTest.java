package com.jmotools.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.jmotools.telemetry.client.Telemetry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class TelemetrySessionTest {

  @TempDir Path tmp;

  /** A client in debug mode of a user who ran jmo telemetry enable. */
  private Telemetry debugClient(ByteArrayOutputStream err) {
    Map<String, String> env = Map.of("JMO_HOME", tmp.toString(), "JMO_TELEMETRY_DEBUG", "1");
    try (Telemetry admin =
        Telemetry.builder().hostVersion("0.7.0").environment(env).administration().build()) {
      admin.enableForUser();
    }
    return Telemetry.builder()
        .hostVersion("0.7.0")
        .environment(env)
        .dockerMarker(tmp.resolve("absent"))
        .stderr(new PrintStream(err, true, StandardCharsets.UTF_8))
        .build();
  }

  @Test
  void theScanDoesNotWaitForTheClientAndEventsArriveInOrder() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CountDownLatch startUp = new CountDownLatch(1);
    TelemetrySession session =
        TelemetrySession.of(
            () -> {
              startUp.await(10, TimeUnit.SECONDS); // a slow client start-up
              return debugClient(err);
            },
            false);
    ToolDefinition semgrep = ToolRegistry.builtIn().find("semgrep").orElseThrow();

    long start = System.nanoTime();
    session.scanStarted(
        session.mode(false), "fast", List.of(semgrep), TargetCollector.counts(List.of()));
    session.scanCompleted(session.mode(false), "fast", Duration.ofSeconds(1), 1, 0, 0, Map.of());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(err.size()).isZero();

    startUp.countDown();
    session.close();
    String out = err.toString(StandardCharsets.UTF_8);
    assertThat(out.indexOf("\"event\":\"scan.started\""))
        .isNotNegative()
        .isLessThan(out.indexOf("\"event\":\"scan.completed\""));
    assertThat(out).contains("\"mode\":\"cli\"").contains("\"tools\":[\"semgrep\"]");
  }

  @Test
  void closeIsBoundedWhenTheClientNeverStarts() {
    CountDownLatch never = new CountDownLatch(1);
    TelemetrySession session =
        TelemetrySession.of(
            () -> {
              never.await();
              throw new IllegalStateException("unreachable");
            },
            true);
    session.scanCompleted(session.mode(true), "fast", Duration.ZERO, 0, 0, 0, Map.of());
    long start = System.nanoTime();
    session.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isLessThan(Duration.ofMillis(TelemetrySession.DEFAULT_HANDOVER_MILLIS + 2000));
    assertThat(session.mode(false))
        .as("run from the JMo image")
        .isEqualTo(TelemetrySession.Mode.DOCKER);
    assertThat(session.mode(true))
        .as("the wizard's runs stay wizard in a container")
        .isEqualTo(TelemetrySession.Mode.WIZARD);
    session.close(); // idempotent
    never.countDown();
  }
}
