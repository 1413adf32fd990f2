package com.jmotools.telemetry.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jmotools.telemetry.collector.AdminAuth;
import com.jmotools.telemetry.collector.CollectorExtension;
import com.jmotools.telemetry.reports.MinimumCount;
import com.jmotools.telemetry.reports.Period;
import com.jmotools.telemetry.reports.PublicMetrics;
import com.jmotools.telemetry.reports.PublicPage;
import com.jmotools.telemetry.reports.Stats;
import com.jmotools.telemetry.reports.StatsJson;
import com.jmotools.telemetry.reports.TelemetryStats;
import com.jmotools.telemetry.reports.ToolFailures;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The collector routes of the reports module.
 *
 * <ul>
 *   <li>{@code GET /v1/stats?from=&to=} — the statistics as JSON (admin token);
 *   <li>{@code GET /dashboard} — the maintainers' live dashboard; its data comes from {@code
 *       /dashboard/api/*} (admin token, sent by the page from {@code sessionStorage});
 *   <li>{@code GET /public} — aggregates of the last {@value PublicMetrics#DEFAULT_DAYS} whole
 *       days; {@code GET /public/metrics.json} — the same for 30, 90 and 365 days, versioned,
 *       CC-BY-4.0, readable from any origin (CORS); both k-safe and cacheable.
 * </ul>
 */
public final class AnalyticsExtension implements CollectorExtension {

  /** How long browsers and proxies may cache the public page: {@value} seconds. */
  public static final int DEFAULT_PUBLIC_MAX_AGE_SECONDS = 600;

  /** Periods up to this long are charted per hour, longer ones per day. */
  public static final Duration DEFAULT_HOURLY_UP_TO = Duration.ofDays(3);

  private static final String CHART_JS_POM =
      "/META-INF/maven/org.webjars.npm/chart.js/pom.properties";
  private static final String RESOURCES = "/com/jmotools/telemetry/web/";

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(AnalyticsExtension.class);

  /** How often the server brings the statistics rollup up to date: every minute. */
  public static final Duration DEFAULT_ROLLUP_REFRESH = Duration.ofMinutes(1);

  private final int k;
  private final Duration publicRefresh;
  private final Duration rollupRefresh;
  private volatile Cached publicCache;

  /**
   * The rollup's refresher, started by {@link #register} and stopped by {@link #stop}; null when
   * off.
   */
  private volatile java.util.concurrent.ScheduledExecutorService rollupRefresher;

  /** The refresher's thread, so that {@link #stop} returns only once it has ended. */
  private volatile Thread rollupThread;

  private record Cached(Instant computed, String day, ObjectNode json) {}

  /**
   * The routes with the default k ({@value MinimumCount#DEFAULT_K}) and a public refresh of 10
   * minutes.
   */
  public AnalyticsExtension() {
    this(MinimumCount.DEFAULT_K, Duration.ofMinutes(10), DEFAULT_ROLLUP_REFRESH);
  }

  /**
   * @param k the minimum distinct ids behind a public cell
   * @param publicRefresh how long the public numbers are reused before they are computed again
   * @param rollupRefresh how often the statistics rollup is brought up to date; zero: never
   * @throws IllegalArgumentException if {@code k < 1} or a duration is negative
   */
  public AnalyticsExtension(int k, Duration publicRefresh, Duration rollupRefresh) {
    if (k < 1) {
      throw new IllegalArgumentException("k < 1: " + k);
    }
    if (publicRefresh.isNegative()) {
      throw new IllegalArgumentException("public refresh < 0: " + publicRefresh);
    }
    if (rollupRefresh.isNegative()) {
      throw new IllegalArgumentException("rollup refresh < 0: " + rollupRefresh);
    }
    this.k = k;
    this.publicRefresh = publicRefresh;
    this.rollupRefresh = rollupRefresh;
  }

  @Override
  public void register(Javalin app, Services services) {
    // Requests never wait for the rollup: a background thread keeps it up to date.
    TelemetryStats stats =
        TelemetryStats.builder()
            .dataSource(services.database().dataSource())
            .dialect(services.database().dialect())
            .clock(services.clock())
            .refreshBeforeCompute(false)
            .reuseRolledPart(true)
            .build();
    startRollupRefresh(stats);
    Routes routes = new Routes(stats, services.admin(), services.clock());
    app.get("/v1/stats", routes::stats);
    app.get("/dashboard", routes::dashboardPage);
    app.get("/dashboard/dashboard.js", routes::dashboardScript);
    app.get("/dashboard/chart.umd.min.js", routes::chartJs);
    app.get("/dashboard/api/version", routes::changeToken);
    app.get("/dashboard/api/timeline", routes::timeline);
    app.get("/dashboard/api/breakdown/{name}", routes::breakdown);
    app.get("/dashboard/api/tool-failures", routes::toolFailures);
    app.get("/public/metrics.json", routes::publicMetricsJson);
    // Others' pages may chart the public aggregates: simple GETs from any origin, no credentials.
    app.options("/public/metrics.json", routes::publicMetricsPreflight);
    app.get("/public", routes::publicPage);
  }

  /** The handlers of one registration: the admin's routes check the token first. */
  private final class Routes {
    private final TelemetryStats stats;
    private final AdminAuth admin;
    private final Clock clock;
    private final String page = resource("dashboard.html");
    private final String script = resource("dashboard.js");
    private final String chartJs =
        resourceFrom(
            "/META-INF/resources/webjars/chart.js/" + chartJsVersion() + "/dist/chart.umd.min.js");

    Routes(TelemetryStats stats, AdminAuth admin, Clock clock) {
      this.stats = stats;
      this.admin = admin;
      this.clock = clock;
    }

    void stats(Context ctx) throws IOException {
      admin.require(ctx);
      json(ctx, StatsJson.toJson(stats.compute(period(ctx, clock))));
    }

    void dashboardPage(Context ctx) {
      if (!admin.isEnabled()) {
        admin.require(ctx); // 403: admin endpoints are disabled
      }
      // The page itself holds no data; without the token it answers 401 and shows the login form.
      ctx.status(admin.allows(ctx) ? 200 : 401);
      securityHeaders(ctx);
      ctx.header("Cache-Control", "no-store");
      ctx.contentType("text/html; charset=utf-8").result(page);
    }

    void dashboardScript(Context ctx) {
      securityHeaders(ctx);
      ctx.header("Cache-Control", "no-cache");
      ctx.contentType("text/javascript; charset=utf-8").result(script);
    }

    void chartJs(Context ctx) {
      ctx.header("Cache-Control", "public, max-age=86400");
      ctx.contentType("text/javascript; charset=utf-8").result(chartJs);
    }

    void changeToken(Context ctx) throws IOException {
      admin.require(ctx);
      ObjectNode o = StatsJson.MAPPER.createObjectNode();
      o.put("token", stats.changeToken());
      json(ctx, o);
    }

    void timeline(Context ctx) throws IOException {
      admin.require(ctx);
      json(ctx, AnalyticsExtension.timeline(stats, period(ctx, clock)));
    }

    void breakdown(Context ctx) throws IOException {
      admin.require(ctx);
      TelemetryStats.Breakdown b = AnalyticsExtension.breakdown(ctx.pathParam("name"));
      if (b == null) {
        error(ctx, 404, "no such breakdown: use one of " + String.join(", ", BREAKDOWNS));
        return;
      }
      Period p = period(ctx, clock);
      json(
          ctx,
          StatsJson.cells(
              b == TelemetryStats.Breakdown.INSTALLS_BY_DAY
                  ? stats.installsByEveryDay(p)
                  : stats.breakdown(b, p)));
    }

    void toolFailures(Context ctx) throws IOException {
      admin.require(ctx);
      ArrayNode a = StatsJson.MAPPER.createArrayNode();
      for (ToolFailures t : stats.toolFailures(period(ctx, clock))) {
        ObjectNode o = a.addObject();
        o.put("tool", t.tool());
        o.put("scans", t.scans());
        o.put("runs", t.runs());
        o.put("runs_estimated", t.estimated());
        o.put("failures", t.totalFailures());
        o.put("rate", StatsJson.round(t.totalRate()));
        ObjectNode types = o.putObject("by_type");
        new TreeMap<>(t.failures())
            .forEach((type, n) -> types.put(type, StatsJson.round(t.rate(type))));
      }
      json(ctx, a);
    }

    void publicMetricsJson(Context ctx) throws IOException {
      publicHeaders(ctx);
      String body = StatsJson.MAPPER.writeValueAsString(publicMetrics(stats, clock));
      String etag = "\"" + Integer.toHexString(body.hashCode()) + "\"";
      ctx.header("ETag", etag);
      if (etag.equals(ctx.header("If-None-Match"))) {
        ctx.status(304);
        return;
      }
      ctx.contentType("application/json").result(body);
    }

    void publicMetricsPreflight(Context ctx) {
      publicHeaders(ctx);
      ctx.header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
      ctx.header("Access-Control-Allow-Headers", "If-None-Match");
      ctx.header("Access-Control-Max-Age", "86400");
      ctx.status(204);
    }

    void publicPage(Context ctx) {
      ctx.header("Cache-Control", "public, max-age=" + DEFAULT_PUBLIC_MAX_AGE_SECONDS);
      securityHeaders(ctx);
      ctx.contentType("text/html; charset=utf-8")
          .result(PublicPage.html(publicMetrics(stats, clock)));
    }
  }

  private static void publicHeaders(Context ctx) {
    ctx.header("Cache-Control", "public, max-age=" + DEFAULT_PUBLIC_MAX_AGE_SECONDS);
    ctx.header("Access-Control-Allow-Origin", "*");
    ctx.header("Access-Control-Expose-Headers", "ETag, Cache-Control");
    ctx.header("Vary", "Origin");
  }

  private void startRollupRefresh(TelemetryStats stats) {
    if (rollupRefresh.isZero()) {
      return;
    }
    java.util.concurrent.ScheduledExecutorService ex =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "jmo-telemetry-rollup");
              t.setDaemon(true);
              rollupThread = t;
              return t;
            });
    rollupRefresher = ex;
    java.util.concurrent.ScheduledFuture<?> unused =
        ex.scheduleWithFixedDelay(
            () -> {
              try {
                int days = stats.refreshRollup();
                if (days > 0) {
                  LOG.info("statistics rollup: {} days rolled", days);
                }
              } catch (RuntimeException e) {
                LOG.warn(
                    "statistics rollup refresh failed; it runs again in {} s: {}",
                    rollupRefresh.toSeconds(),
                    e.getMessage());
              } catch (OutOfMemoryError e) {
                // A day of millions of distinct installations does not fit the heap: the refresh is
                // dropped
                // (its cells are garbage at once) and the schedule goes on, rather than ending
                // silently.
                LOG.warn(
                    "statistics rollup refresh ran out of heap; it runs again in {} s (give the"
                        + " collector more heap: JMO_TELEMETRY_JAVA_OPTS)",
                    rollupRefresh.toSeconds());
              }
            },
            0,
            rollupRefresh.toMillis(),
            java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /**
   * Stops the rollup's refresher; a refresh under way is given a few seconds to finish (each of its
   * writes is a transaction of its own, so one cut short leaves the rollup consistent).
   */
  @Override
  public void stop() {
    java.util.concurrent.ScheduledExecutorService ex = rollupRefresher;
    if (ex == null) {
      return;
    }
    ex.shutdownNow();
    try {
      if (!ex.awaitTermination(STOP_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "the statistics rollup refresh did not end within {} s of the stop",
            STOP_WAIT.toSeconds());
        return;
      }
      // The executor counts as terminated a moment before its thread has exited.
      Thread t = rollupThread;
      if (t != null) {
        t.join(STOP_WAIT.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How long {@link #stop} waits for a refresh under way. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private ObjectNode publicMetrics(TelemetryStats stats, Clock clock) {
    Instant now = clock.instant();
    Period period = PublicMetrics.period(clock);
    String day = period.to().toString();
    Cached c = publicCache;
    if (c == null
        || !c.day().equals(day)
        || Duration.between(c.computed(), now).compareTo(publicRefresh) >= 0) {
      synchronized (this) {
        c = publicCache;
        if (c == null
            || !c.day().equals(day)
            || Duration.between(c.computed(), now).compareTo(publicRefresh) >= 0) {
          Map<Integer, Stats> windows = new TreeMap<>();
          for (int days : PublicMetrics.WINDOWS) {
            windows.put(days, stats.compute(PublicMetrics.period(clock, days)));
          }
          c = new Cached(now, day, PublicMetrics.document(windows, k));
          publicCache = c;
        }
      }
    }
    return c.json();
  }

  private static ObjectNode timeline(TelemetryStats stats, Period p) {
    boolean hourly =
        java.time.Duration.between(p.from(), p.to()).compareTo(DEFAULT_HOURLY_UP_TO) <= 0;
    List<TelemetryStats.TimePoint> points = stats.timeline(p, hourly);
    Set<String> labels = new LinkedHashSet<>();
    // Every slot of the period is a label, so quiet hours or days show as zero, not as a gap.
    Instant t = hourly ? p.from() : p.from().truncatedTo(java.time.temporal.ChronoUnit.DAYS);
    while (t.isBefore(p.to())) {
      labels.add(hourly ? t.toString() : t.toString().substring(0, 10));
      t = t.plus(hourly ? Duration.ofHours(1) : Duration.ofDays(1));
    }
    List<String> labelList = List.copyOf(labels);
    Map<String, long[]> series = new TreeMap<>();
    for (TelemetryStats.TimePoint point : points) {
      int i = labelList.indexOf(point.time());
      if (i >= 0) {
        series.computeIfAbsent(point.eventType(), x -> new long[labelList.size()])[i] +=
            point.events();
      }
    }
    ObjectNode o = StatsJson.MAPPER.createObjectNode();
    o.put("hourly", hourly);
    ArrayNode l = o.putArray("labels");
    labelList.forEach(l::add);
    ObjectNode s = o.putObject("series");
    series.forEach(
        (type, counts) -> {
          ArrayNode a = s.putArray(type);
          for (long n : counts) {
            a.add(n);
          }
        });
    return o;
  }

  private static final List<String> BREAKDOWNS =
      List.of(
          "events",
          "profiles",
          "modes",
          "platforms",
          "versions",
          "installs",
          "tools",
          "durations",
          "scan-findings",
          "report-findings",
          "output-formats",
          "report-suppressions",
          "report-compliance",
          "wizard-artifacts",
          "wizard-modes",
          "wizard-profiles",
          "wizard-durations");

  private static TelemetryStats.Breakdown breakdown(String name) {
    Map<String, TelemetryStats.Breakdown> m = new LinkedHashMap<>();
    m.put("events", TelemetryStats.Breakdown.EVENTS_BY_TYPE);
    m.put("profiles", TelemetryStats.Breakdown.PROFILES);
    m.put("modes", TelemetryStats.Breakdown.MODES);
    m.put("platforms", TelemetryStats.Breakdown.PLATFORMS);
    m.put("versions", TelemetryStats.Breakdown.VERSIONS);
    m.put("installs", TelemetryStats.Breakdown.INSTALLS_BY_DAY);
    m.put("tools", TelemetryStats.Breakdown.TOOLS);
    m.put("durations", TelemetryStats.Breakdown.DURATIONS);
    m.put("scan-findings", TelemetryStats.Breakdown.SCAN_FINDINGS);
    m.put("report-findings", TelemetryStats.Breakdown.REPORT_FINDINGS);
    m.put("output-formats", TelemetryStats.Breakdown.OUTPUT_FORMATS);
    m.put("report-suppressions", TelemetryStats.Breakdown.REPORT_SUPPRESSIONS);
    m.put("report-compliance", TelemetryStats.Breakdown.REPORT_COMPLIANCE);
    m.put("wizard-artifacts", TelemetryStats.Breakdown.WIZARD_ARTIFACTS);
    m.put("wizard-modes", TelemetryStats.Breakdown.WIZARD_EXECUTION_MODES);
    m.put("wizard-profiles", TelemetryStats.Breakdown.WIZARD_PROFILES);
    m.put("wizard-durations", TelemetryStats.Breakdown.WIZARD_DURATIONS);
    return m.get(name.toLowerCase(Locale.ROOT));
  }

  /**
   * The period of {@code ?from=&to=} (dates or ISO-8601 times); the last 30 days by default.
   *
   * @throws io.javalin.http.BadRequestResponse if a bound is malformed or the period is empty
   */
  static Period period(Context ctx, Clock clock) {
    try {
      Period last = Period.lastDays(clock, Period.DEFAULT_DAYS);
      String to = ctx.queryParam("to");
      String from = ctx.queryParam("from");
      Instant end = to == null || to.isBlank() ? last.to() : Period.parseBound(to);
      Instant start =
          from == null || from.isBlank()
              ? end.minus(Duration.ofDays(Period.DEFAULT_DAYS))
              : Period.parseBound(from);
      return new Period(start, end);
    } catch (IllegalArgumentException e) {
      throw new io.javalin.http.BadRequestResponse(e.getMessage());
    }
  }

  private static void json(Context ctx, Object node) throws IOException {
    ctx.header(
        "Cache-Control",
        ctx.res().getHeader("Cache-Control") == null
            ? "no-store"
            : ctx.res().getHeader("Cache-Control"));
    ctx.contentType("application/json").result(StatsJson.MAPPER.writeValueAsString(node));
  }

  private static void error(Context ctx, int status, String message) throws IOException {
    ObjectNode o = StatsJson.MAPPER.createObjectNode();
    o.put("error", message);
    ctx.status(status);
    json(ctx, o);
  }

  private static void securityHeaders(Context ctx) {
    ctx.header(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'"
            + " data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action"
            + " 'self'");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Content-Type-Options", "nosniff");
  }

  /**
   * The version of the Chart.js WebJar on the classpath, so a version bump needs no code change.
   */
  private static String chartJsVersion() {
    java.util.Properties p = new java.util.Properties();
    try (InputStream in = AnalyticsExtension.class.getResourceAsStream(CHART_JS_POM)) {
      if (in == null) {
        throw new IllegalStateException(
            "the Chart.js WebJar is not on the classpath: " + CHART_JS_POM);
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + CHART_JS_POM, e);
    }
    return p.getProperty("version");
  }

  private static String resource(String name) {
    return resourceFrom(RESOURCES + name);
  }

  private static String resourceFrom(String path) {
    try (InputStream in = AnalyticsExtension.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("resource missing from the jar: " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }
}
