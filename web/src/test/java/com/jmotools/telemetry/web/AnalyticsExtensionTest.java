package com.jmotools.telemetry.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.collector.Dialect;
import com.jmotools.telemetry.reports.Fixtures;
import com.jmotools.telemetry.reports.MinimumCount;
import com.jmotools.telemetry.reports.PublicMetrics;
import com.jmotools.telemetry.reports.Seeder;
import com.jmotools.telemetry.reports.TestDatabases;
import com.jmotools.telemetry.reports.TransparencyReportTest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AnalyticsExtensionTest {

  static final String Q1 = "?from=2026-01-01&to=2026-04-01";
  static final Clock MARCH = Clock.fixed(Instant.parse("2026-03-01T12:34:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;
  private Database db;
  private TestServer server;

  private TestServer start(Seeder seed) {
    db = TestDatabases.open(Dialect.SQLITE, dir);
    seed.writeTo(db);
    server = new TestServer(db, MARCH);
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void statsNeedTheAdminTokenAndMatchTheStatsCommand() throws Exception {
    TestServer s = start(Fixtures.quarter());
    assertThat(s.get("/v1/stats" + Q1, null).statusCode()).isEqualTo(401);
    assertThat(s.get("/v1/stats" + Q1, "wrong-token-wrong-token").statusCode()).isEqualTo(401);
    HttpResponse<String> r = s.get("/v1/stats" + Q1, TestServer.TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonNode j = Seeder.JSON.readTree(r.body());
    assertThat(j.get("total_events").asLong()).isEqualTo(14);
    assertThat(j.get("unique_installs").asLong()).isEqualTo(4);
    assertThat(j.get("tool_failures").get(0).get("tool").asText()).isEqualTo("trivy");
    assertThat(j.get("tool_failures").get(0).get("by_type").get("timeout").get("rate").asDouble())
        .isEqualTo(0.3333);
    assertThat(j.get("wizard").get("share_of_scans").asDouble()).isEqualTo(0.2);
    assertThat(s.get("/v1/stats?from=yesterday", TestServer.TOKEN).statusCode()).isEqualTo(400);
  }

  @Test
  void dashboardAnswers401WithoutTheTokenAndServesChartJsFromTheJar() throws Exception {
    TestServer s = start(Fixtures.quarter());
    HttpResponse<String> page = s.get("/dashboard", null);
    assertThat(page.statusCode()).isEqualTo(401);
    assertThat(page.body())
        .contains("id=\"login-form\"", "/dashboard/chart.umd.min.js")
        .doesNotContain("http://", "https://");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(v -> assertThat(v).contains("script-src 'self'"));
    assertThat(s.get("/dashboard", TestServer.TOKEN).statusCode()).isEqualTo(200);
    HttpResponse<String> chart = s.get("/dashboard/chart.umd.min.js", null);
    assertThat(chart.statusCode()).isEqualTo(200);
    assertThat(chart.body()).contains("Chart.js v4");
    for (String api :
        new String[] {
          "/dashboard/api/version",
          "/dashboard/api/timeline",
          "/dashboard/api/breakdown/modes",
          "/dashboard/api/tool-failures"
        }) {
      assertThat(s.get(api, null).statusCode()).as(api).isEqualTo(401);
    }
  }

  @Test
  void aPeriodOfCenturiesIsAnsweredAndABoundOutOfRangeIs400() throws Exception {
    TestServer s = start(Fixtures.quarter());
    String centuries = "?from=2000-01-01&to=9999-12-31";
    HttpResponse<String> r = s.get("/v1/stats" + centuries, TestServer.TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Seeder.JSON.readTree(r.body()).get("total_events").asLong()).isEqualTo(16);
    JsonNode installs =
        Seeder.JSON.readTree(
            s.get("/dashboard/api/breakdown/installs" + centuries, TestServer.TOKEN).body());
    // From the first event's day (2025-12-31) to the last one's (2026-04-01).
    assertThat(installs).hasSize(92);
    HttpResponse<String> bad = s.get("/v1/stats?to=%2B12000-01-01T00:00:00Z", TestServer.TOKEN);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("out of range");
    assertThat(s.get("/readyz", null).statusCode()).isEqualTo(200);
  }

  @Test
  void dashboardApiAnswersEachChart() throws Exception {
    TestServer s = start(Fixtures.quarter());
    JsonNode modes =
        Seeder.JSON.readTree(s.get("/dashboard/api/breakdown/modes" + Q1, TestServer.TOKEN).body());
    assertThat(modes.get(0).get("key").asText()).isEqualTo("cli");
    assertThat(modes.get(0).get("events").asLong()).isEqualTo(3);
    JsonNode installs =
        Seeder.JSON.readTree(
            s.get("/dashboard/api/breakdown/installs" + Q1, TestServer.TOKEN).body());
    // Every day of the quarter, days without events as zero.
    assertThat(installs).hasSize(90);
    assertThat(installs.get(0).get("key").asText()).isEqualTo("2026-01-01");
    assertThat(installs.get(0).get("ids").asLong()).isZero();
    java.util.List<String> active = new java.util.ArrayList<>();
    installs.forEach(
        n -> {
          if (n.get("ids").asLong() > 0) {
            active.add(n.get("key").asText());
          }
        });
    assertThat(active)
        .containsExactly("2026-01-05", "2026-01-12", "2026-02-02", "2026-03-29", "2026-03-30");
    JsonNode tools =
        Seeder.JSON.readTree(s.get("/dashboard/api/breakdown/tools" + Q1, TestServer.TOKEN).body());
    assertThat(tools.get(0).get("key").asText()).isEqualTo("trivy");
    assertThat(tools.get(0).get("events").asLong()).isEqualTo(3);
    for (String b :
        new String[] {
          "durations",
          "scan-findings",
          "report-findings",
          "output-formats",
          "report-suppressions",
          "report-compliance",
          "wizard-artifacts",
          "wizard-modes",
          "wizard-profiles",
          "wizard-durations"
        }) {
      assertThat(
              Seeder.JSON.readTree(
                  s.get("/dashboard/api/breakdown/" + b + Q1, TestServer.TOKEN).body()))
          .as(b)
          .isNotEmpty();
    }
    JsonNode day =
        Seeder.JSON.readTree(
            s.get("/dashboard/api/timeline?from=2026-01-05&to=2026-01-06", TestServer.TOKEN)
                .body());
    assertThat(day.get("hourly").asBoolean()).isTrue();
    assertThat(day.get("labels")).hasSize(24);
    assertThat(day.get("series").get("scan.started").get(10).asLong()).isEqualTo(1);
    assertThat(day.get("series").get("scan.started").get(11).asLong()).isEqualTo(1);
    assertThat(day.get("series").get("report.generated").get(12).asLong()).isEqualTo(1);
    JsonNode quarter =
        Seeder.JSON.readTree(s.get("/dashboard/api/timeline" + Q1, TestServer.TOKEN).body());
    assertThat(quarter.get("hourly").asBoolean()).isFalse();
    assertThat(quarter.get("labels")).hasSize(90);
    JsonNode failures =
        Seeder.JSON.readTree(s.get("/dashboard/api/tool-failures" + Q1, TestServer.TOKEN).body());
    assertThat(failures.get(0).get("rate").asDouble()).isEqualTo(0.6667);
    assertThat(s.get("/dashboard/api/breakdown/secrets" + Q1, TestServer.TOKEN).statusCode())
        .isEqualTo(404);
    String before =
        Seeder.JSON
            .readTree(s.get("/dashboard/api/version", TestServer.TOKEN).body())
            .get("token")
            .asText();
    new Seeder()
        .add(
            "scan.started",
            Fixtures.A,
            "Linux",
            "0.7.1",
            "2026-03-01T12:00:00Z",
            Fixtures.started("cli", "fast", "trivy"))
        .writeTo(db);
    assertThat(
            Seeder.JSON
                .readTree(s.get("/dashboard/api/version", TestServer.TOKEN).body())
                .get("token")
                .asText())
        .isNotEqualTo(before);
  }

  @Test
  void publicMetricsAreVersionedLicensedCacheableAndReadableFromOtherOrigins() throws Exception {
    TestServer s = start(TransparencyReportTest.twoQuarters());
    HttpResponse<String> r = s.get("/public/metrics.json", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("public, max-age=600");
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    String etag = r.headers().firstValue("ETag").orElseThrow();
    assertThat(
            s.send(
                    java.net.http.HttpRequest.newBuilder(s.uri("/public/metrics.json"))
                        .header("If-None-Match", etag)
                        .GET())
                .statusCode())
        .isEqualTo(304);
    HttpResponse<String> preflight =
        s.send(
            java.net.http.HttpRequest.newBuilder(s.uri("/public/metrics.json"))
                .header("Origin", "https://example.org")
                .header("Access-Control-Request-Method", "GET")
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()));
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods"))
        .hasValueSatisfying(v -> assertThat(v).contains("GET"));
    JsonNode doc = Seeder.JSON.readTree(r.body());
    assertThat(doc.get("schema_version").asInt()).isEqualTo(PublicMetrics.SCHEMA_VERSION);
    assertThat(doc.get("license").asText()).isEqualTo("CC-BY-4.0");
    assertThat(doc.get("windows").fieldNames()).toIterable().containsExactly("30d", "90d", "365d");
    // The 90 whole days before 2026-03-01: the Q1 installations only.
    JsonNode j = doc.get("windows").get("90d");
    assertThat(j.get("period").get("first_day").asText()).isEqualTo("2025-12-01");
    assertThat(j.get("period").get("last_day").asText()).isEqualTo("2026-02-28");
    assertThat(j.get("unique_installs").asLong()).isEqualTo(30);
    assertThat(j.get("modes").get("values")).hasSize(1);
    assertThat(j.get("modes").get("other").has("values"))
        .as("how many values 'other' sums moves with one installation")
        .isFalse();
    assertThat(j.get("tool_failures")).hasSize(1);
    assertThat(doc.get("windows").get("30d").get("unique_installs").asLong())
        .as("no event in February: zero reveals no one")
        .isZero();
    assertThat(doc.get("windows").get("365d").get("unique_installs").asLong()).isEqualTo(50);
    assertThat(r.body()).doesNotContainPattern("[0-9a-f]{8}-[0-9a-f]{4}-").doesNotContain("T10:00");
    HttpResponse<String> page = s.get("/public", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("public, max-age=600");
    assertThat(page.body())
        .contains(
            "What JMo Security learns",
            "CLI",
            // 12 cli scans of 30, as published: 10 (rounded) of 30.
            "33%",
            "Other (values not shown individually)",
            "figures were hidden",
            "CC-BY-4.0")
        .doesNotContain("macOS")
        .doesNotContain("Opt-In");
  }

  @Test
  void closingTheServerStopsTheRollupRefresher() throws Exception {
    try (Database db = TestDatabases.open(Dialect.SQLITE, dir)) {
      Fixtures.quarter().writeTo(db);
      com.jmotools.telemetry.collector.CollectorServer server =
          com.jmotools.telemetry.collector.CollectorServer.builder(db)
              .host("127.0.0.1")
              .port(0)
              .purgeInterval(java.time.Duration.ZERO)
              .extension(
                  new AnalyticsExtension(
                      MinimumCount.DEFAULT_K,
                      java.time.Duration.ofMinutes(10),
                      java.time.Duration.ofMillis(20)))
              .build()
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (rollupThreads() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(rollupThreads()).isEqualTo(1);
      server.close();
      // Stopped before the caller closes the database: no refresh runs on a closed pool.
      assertThat(rollupThreads()).isZero();
    }
  }

  private static long rollupThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals("jmo-telemetry-rollup"))
        .count();
  }
}
