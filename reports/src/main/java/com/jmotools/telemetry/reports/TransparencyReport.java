package com.jmotools.telemetry.reports;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jmotools.telemetry.collector.DatabaseException;
import com.jmotools.telemetry.collector.Dialect;
import com.jmotools.telemetry.reports.internal.Charts;
import com.jmotools.telemetry.reports.internal.ReportText;
import com.jmotools.telemetry.reports.internal.Sql;
import com.jmotools.telemetry.reports.internal.StatsJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * The quarterly public transparency report, after the guide's example: period, opt-in rate, total
 * scans, unique users, platforms, most popular profile, execution modes, top insights with the
 * change from the previous quarter, the privacy compliance section and a sample of events whose ids
 * and times are replaced. Written as Markdown, HTML and JSON with PNG charts.
 *
 * <p>Every published number is a cell backed by at least {@code k} distinct installations
 * (default {@value MinimumCount#DEFAULT_K}); the others are left out and counted, and the report
 * says how many were.
 */
public final class TransparencyReport {

  /** The smallest change of a share (as a ratio) reported as an insight: one percentage point. */
  public static final double MIN_CHANGE = 0.01;

  /** Sample events per event type: {@value}. */
  public static final int DEFAULT_SAMPLE_PER_TYPE = 1;

  private final DataSource dataSource;
  private final Sql sql;
  private final TelemetryStats stats;
  private final Period quarter;
  private final OptionalLong totalInstalls;
  private final int k;

  private TransparencyReport(Builder b) {
    this.dataSource = b.dataSource;
    this.sql = new Sql(b.dialect);
    this.stats = TelemetryStats.builder().dataSource(b.dataSource).dialect(b.dialect).build();
    this.quarter = b.quarter;
    this.totalInstalls = b.totalInstalls;
    this.k = b.k;
  }

  /** A builder: data source, dialect and quarter are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The files written and the numbers behind them.
   *
   * @param markdown the Markdown report
   * @param html the HTML report
   * @param json the JSON report
   * @param sample the sample events (JSON)
   * @param charts the PNG charts
   * @param suppressed how many cells were hidden by the minimum-count rule
   * @param report the JSON report's content
   */
  public record Result(Path markdown, Path html, Path json, Path sample, List<Path> charts, int suppressed, ObjectNode report) {}

  /**
   * Computes the report and writes it into {@code dir} (created if needed) as
   * {@code transparency-<quarter>.md|.html|.json}, {@code sample-events-<quarter>.json} and
   * {@code charts/*.png}.
   *
   * @throws DatabaseException if the database cannot be read
   * @throws UncheckedIOException if a file cannot be written
   */
  public Result write(Path dir) {
    Stats now = stats.compute(quarter);
    Stats before = stats.compute(quarter.previous());
    MinimumCount rule = new MinimumCount(k);
    ObjectNode report = build(now, before, rule);
    ArrayNode sample = sample(now, new MinimumCount(k));
    String name = quarterId(quarter);
    try {
      Files.createDirectories(dir.resolve("charts"));
      List<Path> charts = charts(report, dir.resolve("charts"));
      Path md = dir.resolve("transparency-" + name + ".md");
      Path html = dir.resolve("transparency-" + name + ".html");
      Path json = dir.resolve("transparency-" + name + ".json");
      Path sampleFile = dir.resolve("sample-events-" + name + ".json");
      report.put("sample_events_file", sampleFile.getFileName().toString());
      Files.writeString(json, StatsJson.MAPPER.writeValueAsString(report) + "\n", StandardCharsets.UTF_8);
      Files.writeString(sampleFile, StatsJson.MAPPER.writeValueAsString(sample) + "\n", StandardCharsets.UTF_8);
      Files.writeString(md, ReportText.markdown(report, sample), StandardCharsets.UTF_8);
      Files.writeString(html, ReportText.html(report, sample), StandardCharsets.UTF_8);
      return new Result(md, html, json, sampleFile, charts, report.get("suppressed_cells").asInt(), report);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report into " + dir, e);
    }
  }

  /** {@code 2026q1} for Q1 2026; the period's dates for other periods. */
  static String quarterId(Period p) {
    return p.isQuarter() ? p.label().replaceAll("Q(\\d) (\\d{4})", "$2q$1")
        : p.from().toString().substring(0, 10) + "_" + p.to().toString().substring(0, 10);
  }

  private ObjectNode build(Stats now, Stats before, MinimumCount rule) {
    ObjectNode r = StatsJson.MAPPER.createObjectNode();
    r.put("title", "JMo Security Telemetry Transparency Report — " + quarter.label());
    r.put("quarter", quarter.label());
    r.put("previous_quarter", quarter.previous().label());
    r.set("period", StatsJson.period(quarter));
    r.put("period_text", ReportText.periodText(quarter));
    r.put("k", k);

    boolean usersShown = rule.allows(now.uniqueInstalls());
    if (usersShown) {
      r.put("unique_users", now.uniqueInstalls());
    } else {
      r.putNull("unique_users");
    }
    ObjectNode optIn = r.putObject("opt_in");
    if (totalInstalls.isPresent() && usersShown) {
      optIn.put("total_installs", totalInstalls.getAsLong());
      optIn.put("users", now.uniqueInstalls());
      optIn.put("rate", StatsJson.round(Math.min(1.0, now.uniqueInstalls() / (double) totalInstalls.getAsLong())));
    } else {
      optIn.putNull("rate");
      optIn.put("reason", totalInstalls.isPresent() ? "too few users to publish" : "total installs not given (--total-installs)");
    }
    long scanIds = Stats.find(now.eventsByType(), "scan.started").map(Cell::ids).orElse(0L);
    if (rule.allows(scanIds)) {
      r.put("total_scans", now.scans());
    } else {
      r.putNull("total_scans");
    }
    r.set("platforms", shares(rule.keep(now.platforms()), now.totalEvents()));
    List<Cell> profiles = rule.keep(now.profiles());
    r.set("profiles", shares(profiles, now.scans()));
    if (!profiles.isEmpty()) {
      r.set("most_popular_profile", share(profiles.get(0), now.scans()));
    } else {
      r.putNull("most_popular_profile");
    }
    List<Cell> modes = rule.keep(now.modes());
    r.set("modes", shares(modes, now.scans()));
    ObjectNode installs = r.putObject("installs_by_month");
    for (Cell c : rule.keep(now.installsByMonth())) {
      installs.put(c.key(), c.ids());
    }
    ArrayNode failures = r.putArray("tool_failures");
    List<ObjectNode> failureRows = new ArrayList<>();
    for (ToolFailures t : now.toolFailures()) {
      if (t.scans() == 0) {
        continue;
      }
      if (!rule.allows(t.scanIds())) {
        continue;
      }
      for (Map.Entry<String, Long> f : new java.util.TreeMap<>(t.failures()).entrySet()) {
        if (!rule.allows(t.failureIds().getOrDefault(f.getKey(), 0L))) {
          continue;
        }
        ObjectNode o = StatsJson.MAPPER.createObjectNode();
        o.put("tool", t.tool());
        o.put("failure_type", f.getKey());
        o.put("scans", t.scans());
        o.put("failures", f.getValue());
        o.put("rate", StatsJson.round(t.rate(f.getKey())));
        failureRows.add(o);
      }
    }
    failureRows.sort((a, b) -> Double.compare(b.get("rate").asDouble(), a.get("rate").asDouble()));
    failureRows.forEach(failures::add);
    r.set("insights", insights(now, before, modes, failureRows, rule));
    r.put("suppressed_cells", rule.suppressed());
    return r;
  }

  private ArrayNode insights(Stats now, Stats before, List<Cell> modes, List<ObjectNode> failures, MinimumCount rule) {
    ArrayNode out = StatsJson.MAPPER.createArrayNode();
    String prev = quarter.previous().label();
    if (!modes.isEmpty()) {
      Cell top = modes.get(0);
      Double was = previousShare(before.modes(), top.key(), before.scans(), rule);
      out.add(insight(cap(top.key()) + " is the most used execution mode",
          pct(top.events(), now.scans()) + " of scans use " + top.key() + " mode", ratio(top.events(), now.scans()), was, prev));
    }
    if (!failures.isEmpty()) {
      ObjectNode f = failures.get(0);
      String tool = f.get("tool").asText();
      String type = f.get("failure_type").asText().replace('_', ' ');
      Double was = before.toolFailures().stream().filter(t -> t.tool().equals(tool) && t.scans() > 0)
          .filter(t -> t.scanIds() >= k && t.failureIds().getOrDefault(f.get("failure_type").asText(), 0L) >= k)
          .map(t -> t.rate(f.get("failure_type").asText())).findFirst().orElse(null);
      out.add(insight(cap(tool) + " " + type + " issues",
          ReportText.percent(f.get("rate").asDouble()) + " of scans that ran " + tool + " report a " + tool + " " + type,
          f.get("rate").asDouble(), was, prev));
    }
    // The execution mode or platform whose share moved most since the previous quarter.
    String bestKey = null;
    String bestKind = null;
    double bestNow = 0;
    double bestWas = 0;
    for (String kind : List.of("mode", "platform")) {
      List<Cell> cur = kind.equals("mode") ? modes : now.platforms();
      long curTotal = kind.equals("mode") ? now.scans() : now.totalEvents();
      List<Cell> old = kind.equals("mode") ? before.modes() : before.platforms();
      long oldTotal = kind.equals("mode") ? before.scans() : before.totalEvents();
      for (Cell c : cur) {
        Cell o = Stats.find(old, c.key()).orElse(null);
        if (c.ids() < k || o == null || o.ids() < k || oldTotal == 0) {
          continue;
        }
        double n = ratio(c.events(), curTotal);
        double w = ratio(o.events(), oldTotal);
        if (bestKey == null || Math.abs(n - w) > Math.abs(bestNow - bestWas)) {
          bestKey = c.key();
          bestKind = kind;
          bestNow = n;
          bestWas = w;
        }
      }
    }
    // A move of less than a percentage point is noise, not an insight.
    if (bestKey != null && Math.abs(bestNow - bestWas) >= MIN_CHANGE) {
      String what = bestKind.equals("mode") ? cap(bestKey) + " adoption" : cap(bestKey) + " share";
      out.add(insight(what + (bestNow >= bestWas ? " growing" : " shrinking"),
          ReportText.percent(bestNow) + " " + bestKey + (bestKind.equals("mode") ? " usage" : " of events"), bestNow, bestWas, prev));
    }
    return out;
  }

  private Double previousShare(List<Cell> cells, String key, long total, MinimumCount rule) {
    Cell c = Stats.find(cells, key).orElse(null);
    if (c == null || total == 0 || c.ids() < k) {
      return null;
    }
    return ratio(c.events(), total);
  }

  private static ObjectNode insight(String title, String text, double now, Double was, String previousLabel) {
    ObjectNode o = StatsJson.MAPPER.createObjectNode();
    o.put("title", title);
    o.put("value", StatsJson.round(now));
    if (was == null) {
      o.putNull("previous");
      o.put("text", text + " (no comparable figure for " + previousLabel + ")");
    } else {
      o.put("previous", StatsJson.round(was));
      double delta = now - was;
      // Compared as printed: "up from 40%" next to 40% would read as an error.
      String change = ReportText.percent(now).equals(ReportText.percent(was)) ? "unchanged from " + ReportText.percent(was)
          : (delta > 0 ? "up from " : "down from ") + ReportText.percent(was);
      o.put("change", StatsJson.round(delta));
      o.put("text", text + " (" + change + " in " + previousLabel + ")");
    }
    return o;
  }

  private ArrayNode sample(Stats now, MinimumCount rule) {
    ArrayNode out = StatsJson.MAPPER.createArrayNode();
    int n = 0;
    String query = "SELECT e.event_type, e.version, e.platform, e.runtime, e.python_version, " + sql.metadataText("e")
        + " FROM " + Sql.TABLE + " e WHERE e.event_type = ? AND " + sql.inPeriod("e") + " ORDER BY e.\"timestamp\" LIMIT ?"; // index order: cheap on millions of rows
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(query)) {
      for (Cell type : now.eventsByType()) {
        if (!rule.allows(type.ids())) {
          continue;
        }
        ps.setString(1, type.key());
        sql.bindPeriod(ps, 2, quarter);
        ps.setInt(4, DEFAULT_SAMPLE_PER_TYPE);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            n++;
            ObjectNode e = out.addObject();
            e.put("event", rs.getString(1));
            e.put("version", rs.getString(2));
            e.put("platform", rs.getString(3));
            if (rs.getString(4) != null) {
              e.put("runtime", rs.getString(4));
            }
            if (rs.getString(5) != null) {
              e.put("python_version", rs.getString(5));
            }
            // The id and the time are replaced: a sample must not let anyone find an installation's other events.
            e.put("anonymous_id", String.format(Locale.ROOT, "00000000-0000-4000-8000-%012d", n));
            e.put("timestamp", quarter.label());
            e.set("metadata", StatsJson.MAPPER.readTree(rs.getString(6)));
          }
        }
      }
    } catch (SQLException e) {
      throw new DatabaseException("cannot read sample events of " + quarter.label(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("stored metadata is not JSON", e);
    }
    return out;
  }

  private static List<Path> charts(ObjectNode report, Path dir) {
    List<Path> out = new ArrayList<>();
    Map<String, Long> platforms = counts(report.get("platforms"));
    if (!platforms.isEmpty()) {
      Path p = dir.resolve("platforms.png");
      Charts.pie(p, "Platforms (share of events)", platforms);
      out.add(p);
    }
    Map<String, Long> profiles = counts(report.get("profiles"));
    if (!profiles.isEmpty()) {
      Path p = dir.resolve("profiles.png");
      Charts.bars(p, "Scan profiles", "scans", profiles);
      out.add(p);
    }
    Map<String, Long> modes = counts(report.get("modes"));
    if (!modes.isEmpty()) {
      Path p = dir.resolve("modes.png");
      Charts.pie(p, "Execution modes (share of scans)", modes);
      out.add(p);
    }
    Map<String, Double> failures = new LinkedHashMap<>();
    report.get("tool_failures").forEach(f -> {
      if (failures.size() < 10) {
        failures.put(f.get("tool").asText() + " " + f.get("failure_type").asText(), f.get("rate").asDouble() * 100);
      }
    });
    if (!failures.isEmpty()) {
      Path p = dir.resolve("tool-failures.png");
      Charts.bars(p, "Tool failures per scan that ran the tool", "% of scans", failures);
      out.add(p);
    }
    Map<String, Long> months = new LinkedHashMap<>();
    report.get("installs_by_month").fields().forEachRemaining(e -> months.put(e.getKey(), e.getValue().asLong()));
    if (!months.isEmpty()) {
      Path p = dir.resolve("installs.png");
      Charts.line(p, "Unique installations per month", "installations", months);
      out.add(p);
    }
    return out;
  }

  private static Map<String, Long> counts(com.fasterxml.jackson.databind.JsonNode shares) {
    Map<String, Long> m = new LinkedHashMap<>();
    shares.forEach(s -> m.put(s.get("key").asText(), s.get("events").asLong()));
    return m;
  }

  private static ArrayNode shares(List<Cell> cells, long total) {
    ArrayNode a = StatsJson.MAPPER.createArrayNode();
    cells.forEach(c -> a.add(share(c, total)));
    return a;
  }

  private static ObjectNode share(Cell c, long total) {
    ObjectNode o = StatsJson.MAPPER.createObjectNode();
    o.put("key", c.key());
    o.put("events", c.events());
    o.put("share", StatsJson.round(ratio(c.events(), total)));
    return o;
  }

  private static double ratio(long part, long total) {
    return total == 0 ? 0 : part / (double) total;
  }

  private static String pct(long part, long total) {
    return ReportText.percent(ratio(part, total));
  }

  private static String cap(String s) {
    return s.isEmpty() || !s.equals(s.toLowerCase(Locale.ROOT)) ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** Builds a {@link TransparencyReport}. */
  public static final class Builder {
    private DataSource dataSource;
    private Dialect dialect;
    private Period quarter;
    private OptionalLong totalInstalls = OptionalLong.empty();
    private int k = MinimumCount.DEFAULT_K;

    private Builder() {}

    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    public Builder dialect(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /** The period reported, normally a calendar quarter ({@link Period#quarter}). */
    public Builder quarter(Period quarter) {
      this.quarter = Objects.requireNonNull(quarter, "quarter");
      return this;
    }

    /**
     * All installations known from download counts, for the opt-in rate; without it the rate is
     * reported as unknown.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public Builder totalInstalls(long n) {
      if (n < 1) {
        throw new IllegalArgumentException("total installs < 1: " + n);
      }
      this.totalInstalls = OptionalLong.of(n);
      return this;
    }

    /**
     * The minimum distinct ids behind a published cell; default {@value MinimumCount#DEFAULT_K}.
     *
     * @throws IllegalArgumentException if {@code k < 1}
     */
    public Builder k(int k) {
      if (k < 1) {
        throw new IllegalArgumentException("k < 1: " + k);
      }
      this.k = k;
      return this;
    }

    /**
     * @throws IllegalStateException if the data source, dialect or quarter is missing
     */
    public TransparencyReport build() {
      if (dataSource == null || dialect == null || quarter == null) {
        throw new IllegalStateException("dataSource, dialect and quarter are required");
      }
      return new TransparencyReport(this);
    }
  }
}
