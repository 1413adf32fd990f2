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

  /** The statistics of {@code s} over {@code p}, in a database of their own. */
  private Stats compute(Seeder s, Period p) {
    Path own;
    try {
      own = java.nio.file.Files.createTempDirectory(dir, "db");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    try (Database db = TestDatabases.open(Dialect.SQLITE, own)) {
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
    // balanced 30 of 44 scans, fast 14: shares of the rounded counts, 30 and 10 of 40.
    assertThat(w.get("profiles").get("values").get(0).get("share").asDouble()).isEqualTo(0.75);
    assertThat(w.get("profiles").get("values").get(1).get("share").asDouble()).isEqualTo(0.25);
    assertThat(w.get("installs_by_month").get("2026-07").asLong()).isEqualTo(40);
    // The quarterly report publishes exact figures.
    JsonNode exact = PublicMetrics.window(stats, new MinimumCount(10), true);
    assertThat(exact.get("unique_installs").asLong()).isEqualTo(42);
    assertThat(exact.get("scans").asLong()).isEqualTo(44);
    assertThat(exact.get("profiles").get("values").get(0).get("share").asDouble())
        .isEqualTo(0.6818);
  }

  /**
   * The auditor's window: 26 scans of 26 installations, published as 20. Shares of the exact counts
   * (balanced .50, trivy .62) fit 26 scans only, and one more installation's scan of a new rare
   * profile moved them, the number of values in "other" from 2 to 3 and the hidden cells by one,
   * while the scans stayed 20. Now the whole window stays as it was.
   */
  @Test
  void aRollingWindowsSharesAndOtherRowsDoNotMoveWithOneInstallationWhileItsCountsStay() {
    Seeder s = new Seeder();
    scans(s, 1, 13, 1, "2026-07-10", Fixtures.started("cli", "balanced", "trivy", "semgrep"));
    scans(s, 2, 10, 1, "2026-07-10", Fixtures.started("cli", "fast", "semgrep"));
    scans(s, 3, 3, 1, "2026-07-10", Fixtures.started("cli", "deep", "trivy", "semgrep"));
    JsonNode before = PublicMetrics.toJson(compute(s, Q3), 10);
    scans(s, 4, 1, 1, "2026-07-11", Fixtures.started("cli", "custom", "semgrep"));
    JsonNode after = PublicMetrics.toJson(compute(s, Q3), 10);

    assertThat(after.get("scans").asLong()).isEqualTo(before.get("scans").asLong()).isEqualTo(20);
    for (String table : List.of("profiles", "modes", "tools", "platforms", "versions")) {
      assertThat(after.get(table)).as(table).isEqualTo(before.get(table));
    }
    assertThat(after).isEqualTo(before);
    assertThat(after.has("suppressed_cells")).isFalse();
    // Balanced: 13 scans, 10 rounded, of 20; trivy 16, 10 rounded, of 20.
    assertThat(after.get("profiles").get("values").get(0).get("share").asDouble()).isEqualTo(0.5);
    assertThat(after.get("profiles").get("other").has("values")).isFalse();
    assertThat(share(after.get("tools"), "trivy")).isEqualTo(0.5);
    // The quarterly report of a finished quarter keeps exact shares and says how many values
    // "other" sums.
    JsonNode exact = PublicMetrics.window(compute(s, Q3), new MinimumCount(10), true);
    assertThat(exact.get("profiles").get("other").get("values").asInt()).isEqualTo(3);
    assertThat(share(exact.get("tools"), "trivy")).isEqualTo(0.5926);
  }

  private static double share(JsonNode shares, String key) {
    for (JsonNode v : shares.get("values")) {
      if (v.get("key").asText().equals(key)) {
        return v.get("share").asDouble();
      }
    }
    throw new AssertionError(key + " not shown in " + shares);
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
