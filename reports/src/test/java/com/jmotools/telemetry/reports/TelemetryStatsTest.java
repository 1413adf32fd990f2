package com.jmotools.telemetry.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.collector.Dialect;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TelemetryStatsTest {

  @TempDir Path dir;

  private Stats seededQ1(Dialect dialect) {
    try (Database db = TestDatabases.open(dialect, dir)) {
      Fixtures.quarter().writeTo(db);
      return TelemetryStats.builder().dataSource(db.dataSource()).dialect(db.dialect()).build().compute(Fixtures.Q1);
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void countsEventsAndInstallsOfThePeriodOnly(Dialect dialect) {
    Stats s = seededQ1(dialect);
    assertThat(s.totalEvents()).isEqualTo(14);
    assertThat(s.uniqueInstalls()).isEqualTo(4);
    assertThat(s.scans()).isEqualTo(5);
    assertThat(s.eventsByType()).extracting(Cell::key, Cell::events, Cell::ids).containsExactly(
        tuple("scan.started", 5L, 4L), tuple("tool.failed", 3L, 2L), tuple("report.generated", 2L, 2L),
        tuple("scan.completed", 2L, 2L), tuple("wizard.completed", 2L, 2L));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void profilesModesPlatformsAndVersions(Dialect dialect) {
    Stats s = seededQ1(dialect);
    assertThat(s.profiles()).extracting(Cell::key, Cell::events, Cell::ids)
        .containsExactly(tuple("balanced", 3L, 2L), tuple("deep", 1L, 1L), tuple("fast", 1L, 1L));
    assertThat(s.modes()).extracting(Cell::key, Cell::events, Cell::ids)
        .containsExactly(tuple("cli", 3L, 2L), tuple("docker", 1L, 1L), tuple("wizard", 1L, 1L));
    assertThat(s.platforms()).extracting(Cell::key, Cell::events, Cell::ids)
        .containsExactly(tuple("Linux", 7L, 2L), tuple("macOS", 5L, 1L), tuple("Windows", 2L, 1L));
    assertThat(s.versions()).extracting(Cell::key, Cell::events, Cell::ids)
        .containsExactly(tuple("0.7.1", 9L, 3L), tuple("0.7.0", 5L, 1L));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void uniqueInstallsPerIsoWeekAndPerMonth(Dialect dialect) {
    Stats s = seededQ1(dialect);
    // 2026-03-29 is a Sunday: it belongs to the week that starts on Monday 2026-03-23.
    assertThat(s.installsByWeek()).extracting(Cell::key, Cell::events, Cell::ids).containsExactly(
        tuple("2026-01-05", 5L, 1L), tuple("2026-01-12", 5L, 1L), tuple("2026-02-02", 2L, 1L),
        tuple("2026-03-23", 1L, 1L), tuple("2026-03-30", 1L, 1L));
    assertThat(s.installsByMonth()).extracting(Cell::key, Cell::events, Cell::ids).containsExactly(
        tuple("2026-01", 10L, 2L), tuple("2026-02", 2L, 1L), tuple("2026-03", 2L, 1L));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void toolFailuresPerScanThatRanTheTool(Dialect dialect) {
    Stats s = seededQ1(dialect);
    assertThat(s.toolFailures()).extracting(ToolFailures::tool, ToolFailures::scans, ToolFailures::failures)
        .containsExactly(
            tuple("trivy", 3L, Map.of("timeout", 1L, "crash", 1L)),
            tuple("zap", 2L, Map.of("non_zero_exit", 1L)),
            tuple("semgrep", 2L, Map.of()));
    ToolFailures trivy = s.toolFailures().get(0);
    assertThat(trivy.rate("timeout")).isEqualTo(1 / 3.0);
    assertThat(trivy.totalRate()).isEqualTo(2 / 3.0);
    assertThat(trivy.scanIds()).isEqualTo(2);
    assertThat(trivy.failureIds()).containsEntry("crash", 1L);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void wizardFormatsFindingsAndDurations(Dialect dialect) {
    Stats s = seededQ1(dialect);
    assertThat(s.wizard().completed()).isEqualTo(2);
    assertThat(s.wizard().ids()).isEqualTo(2);
    assertThat(s.wizard().artifacts()).extracting(Cell::key, Cell::events).containsExactly(tuple("makefile", 1L), tuple("none", 1L));
    assertThat(s.wizard().executionModes()).extracting(Cell::key, Cell::events).containsExactly(tuple("docker", 1L), tuple("native", 1L));
    assertThat(s.wizard().profiles()).extracting(Cell::key, Cell::events).containsExactly(tuple("deep", 1L), tuple("fast", 1L));
    assertThat(s.outputFormats()).extracting(Cell::key, Cell::events, Cell::ids)
        .containsExactly(tuple("json", 2L, 2L), tuple("md", 1L, 1L), tuple("sarif", 1L, 1L));
    assertThat(s.scanFindings()).extracting(Cell::key, Cell::events).containsExactly(tuple("0", 1L), tuple("10-100", 1L));
    assertThat(s.reportFindings()).extracting(Cell::key, Cell::events).containsExactly(tuple("10-100", 1L), tuple(">1000", 1L));
    assertThat(s.durations()).extracting(Cell::key, Cell::events).containsExactly(tuple("<5min", 1L), tuple("5-15min", 1L));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void anEmptyPeriodHasNoNumbers(Dialect dialect) {
    try (Database db = TestDatabases.open(dialect, dir)) {
      Fixtures.quarter().writeTo(db);
      Stats s = TelemetryStats.builder().dataSource(db.dataSource()).dialect(db.dialect()).build()
          .compute(Period.quarter("2024Q2"));
      assertThat(s.totalEvents()).isZero();
      assertThat(s.eventsByType()).isEmpty();
      assertThat(s.toolFailures()).isEmpty();
      assertThat(s.installsByWeek()).isEmpty();
    }
  }
}
