package com.jmotools.telemetry.reports;

import static com.jmotools.telemetry.reports.Fixtures.id;
import static com.jmotools.telemetry.reports.Fixtures.scans;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.collector.Dialect;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublicMetricsTest {

  @TempDir Path dir;

  private static final Period Q3 = Period.quarter("2026Q3");

  private Stats compute(Seeder s, Period p) {
    try (Database db = TestDatabases.open(Dialect.SQLITE, dir)) {
      s.writeTo(db);
      return TelemetryStats.builder()
          .dataSource(db.dataSource())
          .dialect(db.dialect())
          .build()
          .compute(p);
    }
  }

  @Test
  void aTableWhoseValuesAllHaveFewerThanKInstallationsPublishesNothingNotEvenOther() {
    Seeder s = Fixtures.rareWizardAndReports();
    Stats stats = compute(s, Q3);
    for (JsonNode w :
        List.of(
            PublicMetrics.window(stats, new MinimumCount(10), true),
            PublicMetrics.toJson(stats, 10))) {
      assertThat(w.get("wizard").get("completed").isNull()).isTrue();
      assertThat(w.get("reports").get("generated").isNull()).isTrue();
      for (String table : List.of("artifacts", "execution_modes", "profiles", "durations")) {
        assertThat(w.get("wizard").get(table).get("values")).as(table).isEmpty();
        assertThat(w.get("wizard").get(table).get("other").isNull()).as(table).isTrue();
      }
      for (String table :
          List.of("output_formats", "findings", "suppressions_used", "compliance_enabled")) {
        assertThat(w.get("reports").get(table).get("values")).as(table).isEmpty();
        assertThat(w.get("reports").get(table).get("other").isNull()).as(table).isTrue();
      }
      assertThat(w.toString()).doesNotContain("\"events\":6").doesNotContain("\"events\":4");
    }
  }

  @Test
  void aToolHiddenInTheToolsTableHasNoFailureRowThatWouldGiveItsScans() {
    Seeder s = new Seeder();
    // trivy: 30 scans; zap: 12 scans of 12 installations, 10 of which crash; nuclei: 3 scans of 2.
    scans(s, 1, 18, 1, "2026-07-10", Fixtures.started("cli", "balanced", "trivy"));
    scans(s, 2, 12, 1, "2026-07-10", Fixtures.started("cli", "balanced", "trivy", "zap"));
    for (int i = 0; i < 10; i++) {
      s.add(
          "tool.failed",
          id(2, i),
          "Linux",
          "0.8.0",
          "2026-07-10T10:00:00Z",
          Fixtures.failed("zap", "crash", "null", "balanced"));
      s.add(
          "tool.failed",
          id(2, i),
          "Linux",
          "0.8.0",
          "2026-07-10T10:00:00Z",
          Fixtures.failed("trivy", "timeout", "null", "balanced"));
    }
    scans(s, 3, 1, 2, "2026-07-10", Fixtures.started("cli", "balanced", "nuclei"));
    scans(s, 4, 1, 1, "2026-07-10", Fixtures.started("cli", "balanced", "nuclei"));
    JsonNode w = PublicMetrics.window(compute(s, Q3), new MinimumCount(10), true);
    assertThat(keys(w.get("tools"))).containsExactly("trivy");
    assertThat(w.get("tools").get("other").get("events").asLong()).isEqualTo(15);
    List<String> rows = new ArrayList<>();
    w.get("tool_failures").forEach(r -> rows.add(r.get("tool").asText()));
    assertThat(rows).containsExactly("trivy");
    assertThat(w.get("tool_failures").get(0).get("runs").asLong()).isEqualTo(30);
  }

  @Test
  void noMonthIsPublishedWhenTheWindowsTotalWouldLeaveAHiddenMonthByItself() {
    Seeder s = new Seeder();
    scans(s, 1, 10, 1, "2026-11-20", Fixtures.started("cli", "balanced", "trivy"));
    scans(s, 2, 3, 1, "2026-09-10", Fixtures.started("cli", "balanced", "trivy"));
    Clock december = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
    Stats stats = compute(s, PublicMetrics.period(december));
    JsonNode exact = PublicMetrics.window(stats, new MinimumCount(10), false);
    assertThat(exact.get("unique_installs").asLong()).isEqualTo(13);
    assertThat(exact.get("installs_by_month").isEmpty()).isTrue();
    assertThat(PublicMetrics.toJson(stats, 10).get("installs_by_month").isEmpty()).isTrue();
  }

  @Test
  void theRollingWindowsRoundCountsDownToAMultipleOfKAndRatiosToWholePercents() {
    // 42 installations and 44 scans: were they exact, a day later than 40 installations and
    // 40 scans, the difference would be that one installation's activity.
    Seeder s = new Seeder();
    scans(s, 1, 30, 1, "2026-07-10", Fixtures.started("cli", "balanced", "trivy"));
    scans(s, 2, 11, 1, "2026-07-10", Fixtures.started("docker", "fast", "trivy"));
    scans(s, 3, 1, 3, "2026-07-11", Fixtures.started("docker", "fast", "trivy"));
    Stats stats = compute(s, Q3);
    JsonNode w = PublicMetrics.document(Map.of(90, stats), 10).get("windows").get("90d");
    assertThat(w.get("unique_installs").asLong()).isEqualTo(40);
    assertThat(w.get("scans").asLong()).isEqualTo(40);
    // balanced 30 of 44 scans: 0.6818 exactly; fast 14 of 44.
    assertThat(w.get("profiles").get("values").get(0).get("share").asDouble()).isEqualTo(0.68);
    assertThat(w.get("profiles").get("values").get(1).get("share").asDouble()).isEqualTo(0.32);
    assertThat(w.get("installs_by_month").get("2026-07").asLong()).isEqualTo(40);
    // The quarterly report publishes exact figures.
    JsonNode exact = PublicMetrics.window(stats, new MinimumCount(10), true);
    assertThat(exact.get("unique_installs").asLong()).isEqualTo(42);
    assertThat(exact.get("scans").asLong()).isEqualTo(44);
    assertThat(exact.get("profiles").get("values").get(0).get("share").asDouble())
        .isEqualTo(0.6818);
  }

  @Test
  void aRatioBelowOnePercentKeepsATenthOfAPercent() {
    assertThat(PublicMetrics.publicRatio(0.3333)).isEqualTo(0.33);
    assertThat(PublicMetrics.publicRatio(0.0042)).isEqualTo(0.004);
    assertThat(PublicMetrics.publicRatio(0)).isZero();
  }

  @Test
  void tablesOfSharesOfAllEventsCarryNoCountsSinceTheirTotalIsNotPublished() {
    Seeder s = new Seeder();
    scans(s, 1, 30, 1, "2026-07-10", Fixtures.started("cli", "balanced", "trivy"));
    JsonNode w = PublicMetrics.window(compute(s, Q3), new MinimumCount(10), true);
    assertThat(w.get("platforms").get("values").get(0).has("events")).isFalse();
    assertThat(w.get("versions").get("values").get(0).has("events")).isFalse();
    assertThat(w.get("profiles").get("values").get(0).get("events").asLong()).isEqualTo(30);
  }

  private static List<String> keys(JsonNode shares) {
    List<String> k = new ArrayList<>();
    shares.get("values").forEach(v -> k.add(v.get("key").asText()));
    return k;
  }
}
