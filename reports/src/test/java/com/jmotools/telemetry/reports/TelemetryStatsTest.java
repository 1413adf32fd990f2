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
      return TelemetryStats.builder()
          .dataSource(db.dataSource())
          .dialect(db.dialect())
          .build()
          .compute(Fixtures.Q1);
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void countsEventsAndInstallsOfThePeriodOnly(Dialect dialect) {
    Stats s = seededQ1(dialect);
    assertThat(s.totalEvents()).isEqualTo(14);
    assertThat(s.uniqueInstalls()).isEqualTo(4);
    assertThat(s.scans()).isEqualTo(5);
    assertThat(s.eventsByType())
        .extracting(Cell::key, Cell::events, Cell::ids)
        .containsExactly(
            tuple("scan.started", 5L, 4L),
            tuple("tool.failed", 3L, 2L),
            tuple("report.generated", 2L, 2L),
            tuple("scan.completed", 2L, 2L),
            tuple("wizard.completed", 2L, 2L));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void profilesModesPlatformsAndVersions(Dialect dialect) {
    Stats s = seededQ1(dialect);
    assertThat(s.profiles())
        .extracting(Cell::key, Cell::events, Cell::ids)
        .containsExactly(tuple("balanced", 3L, 2L), tuple("deep", 1L, 1L), tuple("fast", 1L, 1L));
    assertThat(s.modes())
        .extracting(Cell::key, Cell::events, Cell::ids)
        .containsExactly(tuple("cli", 3L, 2L), tuple("docker", 1L, 1L), tuple("wizard", 1L, 1L));
    assertThat(s.platforms())
        .extracting(Cell::key, Cell::events, Cell::ids)
        .containsExactly(tuple("Linux", 7L, 2L), tuple("macOS", 5L, 1L), tuple("Windows", 2L, 1L));
    assertThat(s.versions())
        .extracting(Cell::key, Cell::events, Cell::ids)
        .containsExactly(tuple("0.7.1", 9L, 3L), tuple("0.7.0", 5L, 1L));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void uniqueInstallsPerIsoWeekAndPerMonth(Dialect dialect) {
    Stats s = seededQ1(dialect);
    // 2026-03-29 is a Sunday: it belongs to the week that starts on Monday 2026-03-23.
    assertThat(s.installsByWeek())
        .extracting(Cell::key, Cell::events, Cell::ids)
        .containsExactly(
            tuple("2026-01-05", 5L, 1L),
            tuple("2026-01-12", 5L, 1L),
            tuple("2026-02-02", 2L, 1L),
            tuple("2026-03-23", 1L, 1L),
            tuple("2026-03-30", 1L, 1L));
    assertThat(s.installsByMonth())
        .extracting(Cell::key, Cell::events, Cell::ids)
        .containsExactly(
            tuple("2026-01", 10L, 2L), tuple("2026-02", 2L, 1L), tuple("2026-03", 2L, 1L));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void toolFailuresPerScanThatRanTheTool(Dialect dialect) {
    Stats s = seededQ1(dialect);
    assertThat(s.toolFailures())
        .extracting(ToolFailures::tool, ToolFailures::scans, ToolFailures::failures)
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
    assertThat(s.wizard().artifacts())
        .extracting(Cell::key, Cell::events)
        .containsExactly(tuple("makefile", 1L), tuple("none", 1L));
    assertThat(s.wizard().executionModes())
        .extracting(Cell::key, Cell::events)
        .containsExactly(tuple("docker", 1L), tuple("native", 1L));
    assertThat(s.wizard().profiles())
        .extracting(Cell::key, Cell::events)
        .containsExactly(tuple("deep", 1L), tuple("fast", 1L));
    assertThat(s.outputFormats())
        .extracting(Cell::key, Cell::events, Cell::ids)
        .containsExactly(tuple("json", 2L, 2L), tuple("md", 1L, 1L), tuple("sarif", 1L, 1L));
    assertThat(s.scanFindings())
        .extracting(Cell::key, Cell::events)
        .containsExactly(tuple("0", 1L), tuple("10-100", 1L));
    assertThat(s.reportFindings())
        .extracting(Cell::key, Cell::events)
        .containsExactly(tuple("10-100", 1L), tuple(">1000", 1L));
    assertThat(s.durations())
        .extracting(Cell::key, Cell::events)
        .containsExactly(tuple("<5min", 1L), tuple("5-15min", 1L));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void anEmptyPeriodHasNoNumbers(Dialect dialect) {
    try (Database db = TestDatabases.open(dialect, dir)) {
      Fixtures.quarter().writeTo(db);
      Stats s =
          TelemetryStats.builder()
              .dataSource(db.dataSource())
              .dialect(db.dialect())
              .build()
              .compute(Period.quarter("2024Q2"));
      assertThat(s.totalEvents()).isZero();
      assertThat(s.eventsByType()).isEmpty();
      assertThat(s.toolFailures()).isEmpty();
      assertThat(s.installsByWeek()).isEmpty();
    }
  }

  /**
   * The events one {@code jmotools fast --repos-dir} over three repositories sends when trivy fails
   * on one of them (as {@code ScanEndToEndTest} in the cli module asserts): one scan.started, one
   * tool.failed, one scan.completed whose tool_runs says each tool ran three times.
   */
  static Seeder threeRepositoriesTrivyFailingOnOne(Seeder s, String id, String day) {
    return s.add(
            "scan.started",
            id,
            "Linux",
            "0.7.1",
            day + "T10:00:00Z",
            "{\"mode\":\"cli\",\"profile\":\"fast\",\"tools\""
                + ":[\"semgrep\",\"trivy\"],"
                + "\"target_types\":{\"repos\":3,\"images\":0,\"urls\":0,\"iac\":0,\"gitlab\":0,"
                + "\"k8s\":0}}")
        .add(
            "tool.failed",
            id,
            "Linux",
            "0.7.1",
            day + "T10:00:00Z",
            Fixtures.failed("trivy", "non_zero_exit", "3", "fast"))
        .add(
            "scan.completed",
            id,
            "Linux",
            "0.7.1",
            day + "T10:00:00Z",
            Fixtures.completedWithRuns(
                "cli", "fast", "<5min", 5, 1, "1-10", "semgrep", 3, "trivy", 3));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aFailureRateIsFailuresPerRunOfTheTool(Dialect dialect) {
    try (Database db = TestDatabases.open(dialect, dir)) {
      threeRepositoriesTrivyFailingOnOne(new Seeder(), Fixtures.A, "2026-01-05").writeTo(db);
      TelemetryStats stats =
          TelemetryStats.builder().dataSource(db.dataSource()).dialect(db.dialect()).build();
      for (java.util.List<ToolFailures> failures :
          java.util.List.of(
              stats.toolFailures(Fixtures.Q1), stats.toolFailuresWithSql(Fixtures.Q1))) {
        ToolFailures trivy =
            failures.stream().filter(t -> t.tool().equals("trivy")).findFirst().orElseThrow();
        assertThat(trivy.scans()).isEqualTo(1);
        assertThat(trivy.runs()).isEqualTo(3);
        assertThat(trivy.totalFailures()).isEqualTo(1);
        assertThat(trivy.totalRate()).isEqualTo(1 / 3.0);
        assertThat(trivy.estimated()).isFalse();
        assertThat(com.jmotools.telemetry.reports.StatsTable.pct(trivy.totalRate()))
            .isEqualTo("33.3%");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void oldEventsWithoutToolRunsCountOneRunPerScanNeverFewerThanTheFailuresAndAreMarked(
      Dialect dialect) {
    try (Database db = TestDatabases.open(dialect, dir)) {
      // A catalog-1 client over three repositories, trivy failing on all three: 1 scan, 3 failures,
      // no tool_runs.
      Seeder s =
          new Seeder()
              .add(
                  "scan.started",
                  Fixtures.B,
                  "Linux",
                  "0.7.0",
                  "2026-01-05T10:00:00Z",
                  Fixtures.started("cli", "fast", "trivy"));
      for (int i = 0; i < 3; i++) {
        s.add(
            "tool.failed",
            Fixtures.B,
            "Linux",
            "0.7.0",
            "2026-01-05T10:00:00Z",
            Fixtures.failed("trivy", "timeout", "null", "fast"));
      }
      s.add(
          "scan.completed",
          Fixtures.B,
          "Linux",
          "0.7.0",
          "2026-01-05T10:00:00Z",
          Fixtures.completed("cli", "fast", "<5min", 0, 3, "0"));
      // And a catalog-2 client's scan of three repositories, trivy failing on one.
      threeRepositoriesTrivyFailingOnOne(s, Fixtures.A, "2026-01-06").writeTo(db);
      TelemetryStats stats =
          TelemetryStats.builder().dataSource(db.dataSource()).dialect(db.dialect()).build();
      ToolFailures trivy =
          stats.toolFailures(Fixtures.Q1).stream()
              .filter(t -> t.tool().equals("trivy"))
              .findFirst()
              .orElseThrow();
      // 3 reported runs + 1 legacy scan = 4 runs for 4 failures: 100 %, not 200 % (4 failures per 2
      // scans).
      assertThat(trivy.reportedRuns()).isEqualTo(3);
      assertThat(trivy.legacyScans()).isEqualTo(1);
      assertThat(trivy.runs()).isEqualTo(4);
      assertThat(trivy.totalRate()).isEqualTo(1.0);
      assertThat(trivy.estimated()).isTrue();
      assertThat(stats.toolFailuresWithSql(Fixtures.Q1)).isEqualTo(stats.toolFailures(Fixtures.Q1));
    }
  }
}
