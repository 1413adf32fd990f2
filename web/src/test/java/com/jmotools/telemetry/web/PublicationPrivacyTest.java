package com.jmotools.telemetry.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.collector.Dialect;
import com.jmotools.telemetry.reports.Cell;
import com.jmotools.telemetry.reports.Fixtures;
import com.jmotools.telemetry.reports.Period;
import com.jmotools.telemetry.reports.PublicMetrics;
import com.jmotools.telemetry.reports.Seeder;
import com.jmotools.telemetry.reports.Stats;
import com.jmotools.telemetry.reports.TelemetryStats;
import com.jmotools.telemetry.reports.TestDatabases;
import com.jmotools.telemetry.reports.TransparencyReport;
import com.jmotools.telemetry.reports.TransparencyReportTest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded population with one rare value per dimension (3 installations: fewer than k = 10): no
 * publication — {@code /public}, {@code /public/metrics.json}, the transparency report and its
 * sample events — shows the rare value, and no table lets its group's size be worked out by
 * subtracting the shown figures from a published total.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublicationPrivacyTest {

  @TempDir Path dir;

  /** The rare values, and how each is written where a reader would see it. */
  private static final List<String> RARE_TEXT =
      List.of(
          "macOS",
          "0.6.9",
          "zap",
          "Zap",
          ">30min",
          "&gt;30min",
          ">1000",
          "&gt;1000",
          "gha",
          "GitHub Actions",
          "yaml",
          "YAML",
          "3-10min",
          "docker",
          "Docker",
          "Deep");

  /**
   * 40 installations in January 2026, each one scan over three repositories with trivy failing on
   * one, one wizard run and one report. 25 are Linux/0.7.1/cli/balanced, 12
   * Windows/0.7.0/wizard/fast, and 3 are rare in every dimension: macOS, 0.6.9, docker, deep, zap,
   * >30min, >1000 findings, a GitHub Actions workflow, 5 minutes in the wizard, a YAML report.
   */
  static Seeder population() {
    Seeder s = new Seeder();
    for (int i = 0; i < 40; i++) {
      int g = i < 25 ? 0 : i < 37 ? 1 : 2;
      String id = Fixtures.id(7, i);
      String platform = new String[] {"Linux", "Windows", "macOS"}[g];
      String version = new String[] {"0.7.1", "0.7.0", "0.6.9"}[g];
      String mode = new String[] {"cli", "wizard", "docker"}[g];
      String profile = new String[] {"balanced", "fast", "deep"}[g];
      String day = "2026-01-" + (10 + g);
      // The rare group runs no semgrep: semgrep (37 scans) is then the tool of fewest scans, hidden
      // with zap, and trivy, whose failure rate the publications show, stays in the tools table.
      String[] tools = g == 2 ? new String[] {"trivy", "zap"} : new String[] {"semgrep", "trivy"};
      s.add(
          "scan.started",
          id,
          platform,
          version,
          day + "T10:00:00Z",
          Fixtures.started(mode, profile, tools));
      s.add(
          "tool.failed",
          id,
          platform,
          version,
          day + "T10:00:00Z",
          Fixtures.failed("trivy", "non_zero_exit", "3", profile));
      s.add(
          "scan.completed",
          id,
          platform,
          version,
          day + "T11:00:00Z",
          g == 2
              ? Fixtures.completedWithRuns(
                  mode, profile, ">30min", 8, 1, ">1000", "trivy", 3, "zap", 3)
              : Fixtures.completedWithRuns(
                  mode,
                  profile,
                  new String[] {"<5min", "5-15min"}[g],
                  5,
                  1,
                  new String[] {"0", "1-10"}[g],
                  "semgrep",
                  3,
                  "trivy",
                  3));
      s.add(
          "wizard.completed",
          id,
          platform,
          version,
          day + "T09:00:00Z",
          Fixtures.wizard(
              profile,
              "native",
              new String[] {"makefile", "shell", "gha"}[g],
              new int[] {60, 30, 300}[g]));
      s.add(
          "report.generated",
          id,
          platform,
          version,
          day + "T12:00:00Z",
          g == 0
              ? Fixtures.report("0", false, false, "json", "sarif")
              : Fixtures.report(
                  g == 1 ? "1-10" : ">1000", true, true, "json", g == 1 ? "html" : "yaml"));
    }
    return s;
  }

  @Test
  void neitherTheRareValuesNorTheirGroupsSizesArePublished() throws Exception {
    try (Database db = TestDatabases.open(Dialect.SQLITE, dir)) {
      population().writeTo(db);
      TelemetryStats stats =
          TelemetryStats.builder().dataSource(db.dataSource()).dialect(db.dialect()).build();
      Period window = PublicMetrics.period(AnalyticsExtensionTest.MARCH);
      Stats raw = stats.compute(window);

      try (TestServer server = new TestServer(db, AnalyticsExtensionTest.MARCH)) {
        HttpResponse<String> json = server.get("/public/metrics.json", null);
        HttpResponse<String> page = server.get("/public", null);
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(page.statusCode()).isEqualTo(200);
        for (String rare : RARE_TEXT) {
          assertThat(json.body())
              .as("metrics.json shows " + rare)
              .doesNotContain("\"" + rare + "\"");
          assertThat(page.body()).as("/public shows " + rare).doesNotContain(rare);
        }
        JsonNode w = Seeder.JSON.readTree(json.body()).get("windows").get("90d");
        assertNoRemainderBelowK(w, raw, 10, false);
        assertFailuresOnlyOfShownTools(w);
        // Failures per run: 40 failures in 120 runs of trivy, as a whole percent.
        assertThat(w.get("tool_failures").get(0).get("rate").asDouble()).isEqualTo(0.33);
        assertThat(page.body()).contains("33%");
      }

      TransparencyReport.Result r =
          TransparencyReport.builder()
              .dataSource(db.dataSource())
              .dialect(db.dialect())
              .quarter(Period.quarter("2026Q1"))
              .clock(TransparencyReportTest.AFTER)
              .build()
              .write(dir.resolve("out"));
      String md = Files.readString(r.markdown());
      String html = Files.readString(r.html());
      String sample = Files.readString(r.sample());
      for (String rare : RARE_TEXT) {
        assertThat(md).as("the report shows " + rare).doesNotContain(rare);
        assertThat(html).as("the HTML report shows " + rare).doesNotContain(rare);
        assertThat(sample).as("a sample event shows " + rare).doesNotContain("\"" + rare + "\"");
      }
      assertNoRemainderBelowK(
          r.report().get("figures"), stats.compute(Period.quarter("2026Q1")), 10, true);
      assertFailuresOnlyOfShownTools(r.report().get("figures"));
      // The common events are shared by 25 installations whole: the sample has them, and nothing
      // rare.
      JsonNode events = Seeder.JSON.readTree(sample);
      assertThat(events).hasSize(5);
      events.forEach(e -> assertThat(e.get("platform").asText()).isEqualTo("Linux"));
      assertThat(md).contains("| Trivy | non zero exit | 120 | 40 | 33% |");
    }
  }

  /** The failures table shows no tool the tools table hides: its runs would give its scans. */
  private static void assertFailuresOnlyOfShownTools(JsonNode w) {
    List<String> shown = new ArrayList<>();
    w.get("tools").get("values").forEach(v -> shown.add(v.get("key").asText()));
    assertThat(w.get("tool_failures")).isNotEmpty();
    w.get("tool_failures").forEach(f -> assertThat(shown).contains(f.get("tool").asText()));
  }

  /**
   * For every share table: the rare value is not shown, the hidden values are summed into "other",
   * and that sum includes a value of at least k installations, so subtracting the shown figures
   * from the total yields a group of at least k installations, never the rare group alone. Only
   * {@code exact} figures say how many values "other" sums: in the rolling windows that number
   * would move with one installation's new rare value.
   */
  private static void assertNoRemainderBelowK(JsonNode w, Stats raw, int k, boolean exact) {
    Map<String, Function<Stats, List<Cell>>> tables = new java.util.LinkedHashMap<>();
    tables.put("platforms", Stats::platforms);
    tables.put("versions", Stats::versions);
    tables.put("profiles", Stats::profiles);
    tables.put("modes", Stats::modes);
    tables.put("tools", Stats::tools);
    tables.put("scan_durations", Stats::durations);
    tables.put("scan_findings", Stats::scanFindings);
    tables.put("wizard/artifacts", s -> s.wizard().artifacts());
    tables.put("wizard/durations", s -> s.wizard().durations());
    tables.put("reports/output_formats", Stats::outputFormats);
    tables.put("reports/findings", Stats::reportFindings);
    tables.forEach(
        (path, cells) -> {
          JsonNode table = w;
          for (String p : path.split("/")) {
            table = table.get(p);
          }
          List<String> shown = new ArrayList<>();
          table.get("values").forEach(v -> shown.add(v.get("key").asText()));
          List<Cell> hidden =
              cells.apply(raw).stream().filter(c -> !shown.contains(c.key())).toList();
          assertThat(hidden).as(path + ": the rare value is hidden").anyMatch(c -> c.ids() < k);
          assertThat(table.get("other").isNull())
              .as(path + ": hidden values are summed as other")
              .isFalse();
          assertThat(hidden).as(path).hasSizeGreaterThanOrEqualTo(2);
          if (exact) {
            assertThat(table.get("other").get("values").asInt()).as(path).isEqualTo(hidden.size());
          } else {
            assertThat(table.get("other").has("values")).as(path).isFalse();
          }
          assertThat(hidden)
              .as(path + ": what subtraction yields includes a value of at least k installations")
              .anyMatch(c -> c.ids() >= k);
        });
  }
}
