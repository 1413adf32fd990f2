package com.jmotools.telemetry.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.collector.Dialect;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransparencyReportTest {

  @TempDir Path dir;

  static String id(int quarter, int i) {
    return String.format("%08d-1111-4111-8111-%012d", quarter, i);
  }

  /**
   * Q1 2026: 30 installations, one scan each (cli 12, wizard 10, docker 8; balanced 18, fast 9, deep 3;
   * Linux 20, macOS 7, Windows 3), all running trivy and zap; 12 report a trivy timeout, 4 a zap crash.
   * Q4 2025: 20 Linux installations, cli 12 and wizard 8, balanced.
   */
  static Seeder twoQuarters() {
    Seeder s = new Seeder();
    for (int i = 0; i < 30; i++) {
      String mode = i < 12 ? "cli" : i < 22 ? "wizard" : "docker";
      String profile = i % 10 < 6 ? "balanced" : i % 10 < 9 ? "fast" : "deep";
      String platform = i < 20 ? "Linux" : i < 27 ? "macOS" : "Windows";
      s.add("scan.started", id(1, i), platform, "0.7.1", "2026-01-10T10:00:00Z", Fixtures.started(mode, profile, "trivy", "zap"));
      if (i < 12) {
        s.add("tool.failed", id(1, i), platform, "0.7.1", "2026-01-10T10:00:00Z", Fixtures.failed("trivy", "timeout", "null", profile));
      }
      if (i < 4) {
        s.add("tool.failed", id(1, i), platform, "0.7.1", "2026-01-10T10:00:00Z", Fixtures.failed("zap", "crash", "null", profile));
      }
    }
    for (int i = 0; i < 20; i++) {
      s.add("scan.started", id(4, i), "Linux", "0.7.0", "2025-11-10T10:00:00Z",
          Fixtures.started(i < 12 ? "cli" : "wizard", "balanced", "semgrep"));
    }
    return s;
  }

  private TransparencyReport.Result write(Dialect dialect, Long totalInstalls, int k) {
    try (Database db = TestDatabases.open(dialect, dir)) {
      twoQuarters().writeTo(db);
      TransparencyReport.Builder b = TransparencyReport.builder().dataSource(db.dataSource()).dialect(db.dialect())
          .quarter(Period.quarter("2026Q1")).k(k);
      if (totalInstalls != null) {
        b.totalInstalls(totalInstalls);
      }
      return b.build().write(dir.resolve("out"));
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void summaryFollowsTheGuideAndHidesCellsOfFewerThanKInstalls(Dialect dialect) {
    TransparencyReport.Result r = write(dialect, 300L, 10);
    JsonNode j = r.report();
    assertThat(j.get("quarter").asText()).isEqualTo("Q1 2026");
    assertThat(j.get("period_text").asText()).isEqualTo("January 1 - March 31, 2026");
    assertThat(j.get("opt_in").get("rate").asDouble()).isEqualTo(0.1);
    assertThat(j.get("total_scans").asLong()).isEqualTo(30);
    assertThat(j.get("unique_users").asLong()).isEqualTo(30);
    assertThat(keys(j.get("platforms"))).containsExactly("Linux");
    assertThat(j.get("platforms").get(0).get("share").asDouble()).isEqualTo(0.7826); // 36 of 46 events
    assertThat(keys(j.get("profiles"))).containsExactly("balanced");
    assertThat(j.get("most_popular_profile").get("share").asDouble()).isEqualTo(0.6);
    assertThat(keys(j.get("modes"))).containsExactly("cli", "wizard");
    assertThat(j.get("tool_failures")).hasSize(1);
    assertThat(j.get("tool_failures").get(0).get("rate").asDouble()).isEqualTo(0.4);
    // macOS, Windows, fast, deep, docker and the zap crash each have fewer than 10 installations.
    assertThat(r.suppressed()).isEqualTo(6);
    assertThat(j.get("suppressed_cells").asInt()).isEqualTo(6);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void insightsComeFromTheDataWithTheChangeFromThePreviousQuarter(Dialect dialect) {
    JsonNode insights = write(dialect, null, 10).report().get("insights");
    assertThat(insights).hasSize(3);
    assertThat(insights.get(0).get("title").asText()).isEqualTo("Cli is the most used execution mode");
    assertThat(insights.get(0).get("text").asText()).isEqualTo("40% of scans use cli mode (down from 60% in Q4 2025)");
    assertThat(insights.get(1).get("title").asText()).isEqualTo("Trivy timeout issues");
    assertThat(insights.get(1).get("text").asText())
        .isEqualTo("40% of scans that ran trivy report a trivy timeout (no comparable figure for Q4 2025)");
    assertThat(insights.get(2).get("title").asText()).isEqualTo("Linux share shrinking");
    assertThat(insights.get(2).get("previous").asDouble()).isEqualTo(1.0);
  }

  @Test
  void writesMarkdownHtmlJsonChartsAndASampleWithoutIdsOrTimes() throws IOException {
    TransparencyReport.Result r = write(Dialect.SQLITE, null, 10);
    String md = Files.readString(r.markdown());
    assertThat(md).startsWith("# JMo Security Telemetry Transparency Report — Q1 2026")
        .contains("**Reporting Period:** January 1 - March 31, 2026")
        .contains("**Opt-In Rate:** unknown (total installs not given (--total-installs))")
        .contains("- **Total Scans:** 30")
        .contains("- **Unique Users:** 30 (anonymous IDs)")
        .contains("- **Platforms:** 78% Linux")
        .contains("- **Most Popular Profile:** Balanced (60%)")
        .contains("- **Execution Modes:** 40% CLI, 33% Wizard")
        .contains("## Top Insights", "## Privacy Compliance", "## Raw Data Sample")
        .contains("6 cells were suppressed");
    String html = Files.readString(r.html());
    assertThat(html).contains("<h2>Summary Statistics</h2>", "<img src=\"charts/platforms.png\"", "6 cells were suppressed");
    assertThat(r.charts()).isNotEmpty().allSatisfy(p -> {
      byte[] head = Arrays.copyOf(Files.readAllBytes(p), 8);
      assertThat(head).startsWith(0x89, 'P', 'N', 'G');
    });
    JsonNode sample = Seeder.JSON.readTree(r.sample().toFile());
    assertThat(sample).isNotEmpty();
    assertThat(sample).allSatisfy(e -> {
      assertThat(e.get("timestamp").asText()).isEqualTo("Q1 2026");
      assertThat(e.get("anonymous_id").asText()).startsWith("00000000-0000-4000-8000-");
      assertThat(e.has("event_id")).isFalse();
    });
    // No stored anonymous id appears in anything published.
    try (Stream<Path> files = Files.walk(dir.resolve("out"))) {
      files.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".png")).forEach(p -> {
        try {
          assertThat(Files.readString(p, StandardCharsets.UTF_8)).doesNotContain("-1111-4111-8111-");
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      });
    }
  }

  @Test
  void aHigherKHidesEverything() {
    TransparencyReport.Result r = write(Dialect.SQLITE, 300L, 1000);
    assertThat(r.report().get("unique_users").isNull()).isTrue();
    assertThat(r.report().get("opt_in").get("rate").isNull()).isTrue();
    assertThat(r.report().get("platforms")).isEmpty();
    assertThat(r.report().get("insights")).isEmpty();
    assertThat(r.suppressed()).isGreaterThan(6);
  }

  @Test
  void builderChecksItsInputs() {
    assertThatThrownBy(() -> TransparencyReport.builder().k(0)).hasMessageContaining("k < 1");
    assertThatThrownBy(() -> TransparencyReport.builder().totalInstalls(0)).hasMessageContaining("total installs");
    assertThatThrownBy(() -> TransparencyReport.builder().build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Period.quarter("2026Q5")).hasMessageContaining("not a quarter");
  }

  private static java.util.List<String> keys(JsonNode shares) {
    java.util.List<String> out = new java.util.ArrayList<>();
    shares.forEach(s -> out.add(s.get("key").asText()));
    return out;
  }
}
