package com.jmotools.telemetry.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The public metrics' numbers: aggregates only, over whole days (no exact times), with no id of any
 * kind. Every figure is backed by at least {@code k} distinct installations, and no hidden figure
 * can be derived by subtracting shown ones from a total ({@link MinimumCount#publish}).
 *
 * <p>The JSON's shape is versioned by {@value #SCHEMA_VERSION} ({@code schema_version}) and
 * described in {@code docs/ANALYTICS.md}; the data is published under {@value #LICENSE}.
 */
public final class PublicMetrics {

  /** The public page covers this many whole days before today (UTC): {@value}. */
  public static final int DEFAULT_DAYS = 90;

  /** The windows of {@code /public/metrics.json}, in days. */
  public static final List<Integer> WINDOWS = List.of(30, 90, 365);

  /** The version of the JSON's shape; a change that can break a reader bumps it: {@value}. */
  public static final int SCHEMA_VERSION = 3;

  /** The licence the public aggregates are published under: {@value}. */
  public static final String LICENSE = "CC-BY-4.0";

  /** Where the licence's text is. */
  public static final String LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/";

  private PublicMetrics() {}

  /**
   * The period the public page shows at {@code clock}'s now: the {@value #DEFAULT_DAYS} whole days
   * before today.
   */
  public static Period period(Clock clock) {
    return period(clock, DEFAULT_DAYS);
  }

  /** The {@code days} whole days before today (UTC) at {@code clock}'s now. */
  public static Period period(Clock clock, int days) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    return new Period(
        today.minusDays(days).atStartOfDay(ZoneOffset.UTC).toInstant(),
        today.atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  /**
   * The document of {@code /public/metrics.json}: one k-safe window per entry of {@code windows}
   * (days to the statistics of that many whole days), rounded ({@link #toJson}).
   */
  public static ObjectNode document(Map<Integer, Stats> windows, int k) {
    ObjectNode o = StatsJson.MAPPER.createObjectNode();
    o.put("schema_version", SCHEMA_VERSION);
    o.put("license", LICENSE);
    o.put("license_url", LICENSE_URL);
    o.put("attribution", "JMo Security anonymous usage telemetry");
    o.put("k", k);
    o.put(
        "description",
        "Aggregates of JMo Security's opt-out, anonymous usage telemetry. Each figure is backed by"
            + " at least k installations; smaller ones, and one more where needed so that none can"
            + " be derived by subtraction, are summed into 'other' (published only when that group"
            + " holds at least k installations). The windows move by a day each day, so counts"
            + " are rounded down to a multiple of k, shares and rates (ratios between 0 and 1) are"
            + " computed from those rounded counts, to whole percents (tenths of a percent below"
            + " 1%), and 'other' does not say how many values it sums: comparing two days then"
            + " shows no single installation's activity.");
    ObjectNode w = o.putObject("windows");
    new TreeMap<>(windows).forEach((days, stats) -> w.set(days + "d", toJson(stats, k)));
    return o;
  }

  /**
   * One rolling window: the public JSON for {@code stats}, k-safe, its counts rounded down to a
   * multiple of k, its ratios computed from the rounded counts, to whole percents ({@link
   * #publicRatio}), and its "other" rows without the number of values they sum, so that two
   * consecutive days' windows cannot be subtracted to show one installation's activity.
   */
  public static ObjectNode toJson(Stats stats, int k) {
    return window(stats, new MinimumCount(k), false, true);
  }

  /**
   * The k-safe figures of {@code stats}, exact, as the transparency report publishes them; {@code
   * withCounts} adds event counts to shares (the report's tables and charts) wherever the table's
   * total is published too.
   */
  public static ObjectNode window(Stats stats, MinimumCount rule, boolean withCounts) {
    return window(stats, rule, withCounts, false);
  }

  /**
   * The k-safe figures of {@code stats}: exact, or {@code rounded} as the rolling windows publish
   * them ({@link #toJson}), for a period published again as it grows (a quarter in progress).
   */
  static ObjectNode window(Stats stats, MinimumCount rule, boolean withCounts, boolean rounded) {
    Figures x = new Figures(rule, rounded);
    ObjectNode o = StatsJson.MAPPER.createObjectNode();
    ObjectNode period = o.putObject("period");
    period.put("first_day", stats.period().from().toString().substring(0, 10));
    period.put(
        "last_day", stats.period().to().minus(Duration.ofHours(1)).toString().substring(0, 10));
    o.put("k", rule.k());
    boolean installs =
        x.count(o, "unique_installs", stats.uniqueInstalls(), stats.uniqueInstalls());
    boolean scans = x.count(o, "scans", stats.scans(), ids(stats, "scan.started"));
    // The total of all events is not published: with it, the published counts of the event types
    // (scans, reports, wizard runs, completed scans, failures) would leave a hidden one's count by
    // subtraction. So the tables of shares of all events carry no counts.
    o.set("platforms", x.shares(stats.platforms(), stats.totalEvents(), false));
    o.set("versions", x.shares(stats.versions(), stats.totalEvents(), false));
    o.set("profiles", x.shares(stats.profiles(), stats.scans(), withCounts && scans));
    o.set("modes", x.shares(stats.modes(), stats.scans(), withCounts && scans));
    ObjectNode tools = x.shares(stats.tools(), stats.scans(), withCounts && scans);
    o.set("tools", tools);
    long completed = stats.events("scan.completed");
    // Not published as a count, but each table of completed scans adds up to it: only when k
    // installations completed scans.
    boolean completedCounts = withCounts && ids(stats, "scan.completed") >= rule.k();
    o.set("scan_durations", x.shares(stats.durations(), completed, completedCounts));
    o.set("scan_findings", x.shares(stats.scanFindings(), completed, completedCounts));
    o.set("tool_failures", failures(stats, x, shownKeys(tools), withCounts));

    ObjectNode wizard = o.putObject("wizard");
    boolean wizards =
        x.count(wizard, "completed", stats.wizard().completed(), stats.wizard().ids())
            && withCounts;
    long runs = stats.wizard().completed();
    wizard.set("artifacts", x.shares(stats.wizard().artifacts(), runs, wizards));
    wizard.set("execution_modes", x.shares(stats.wizard().executionModes(), runs, wizards));
    wizard.set("profiles", x.shares(stats.wizard().profiles(), runs, wizards));
    wizard.set("durations", x.shares(stats.wizard().durations(), runs, wizards));

    ObjectNode reports = o.putObject("reports");
    long generated = stats.events("report.generated");
    boolean reportCounts =
        x.count(reports, "generated", generated, ids(stats, "report.generated")) && withCounts;
    reports.set("output_formats", x.shares(stats.outputFormats(), generated, reportCounts));
    reports.set("findings", x.shares(stats.reportFindings(), generated, reportCounts));
    reports.set("suppressions_used", x.shares(stats.reportSuppressions(), generated, reportCounts));
    reports.set("compliance_enabled", x.shares(stats.reportCompliance(), generated, reportCounts));

    // Distinct installations per month overlap, so they add up to no total; but the window's
    // total minus the shown months is the installations seen only in hidden months.
    ObjectNode months = o.putObject("installs_by_month");
    List<Cell> shownMonths =
        installs
            ? rule.publishDistinct(stats.installsByMonth(), stats.uniqueInstalls())
            : rule.keep(stats.installsByMonth());
    shownMonths.forEach(c -> months.put(c.key(), x.count(c.ids())));
    // How many cells were hidden moves by one when one installation uses a new rare value.
    if (!rounded) {
      o.put("suppressed_cells", rule.suppressed());
    }
    return o;
  }

  /** The keys a share table shows individually. */
  static java.util.Set<String> shownKeys(JsonNode shares) {
    java.util.Set<String> keys = new java.util.HashSet<>();
    shares.get("values").forEach(v -> keys.add(v.get("key").asText()));
    return keys;
  }

  private static long ids(Stats stats, String eventType) {
    return Stats.find(stats.eventsByType(), eventType).map(Cell::ids).orElse(0L);
  }

  /** The rule and the rounding of one window's figures. */
  private record Figures(MinimumCount rule, boolean rounded) {

    /** A count as published: exact, or rounded down to a multiple of k. */
    long count(long n) {
      return rounded ? n - n % rule.k() : n;
    }

    /**
     * {@code part} of {@code total} as published: exact to 4 places, or, rounded, the rounded count
     * over the rounded total as a {@link #publicRatio}. A share of the exact counts would give back
     * what the rounding hides: beside 20 scans (rounded), shares of .50, .62, .38 and .88 fit only
     * 26 scans, and one more scan moves them.
     */
    double share(long part, long total) {
      long of = count(total);
      if (of == 0) {
        return 0;
      }
      double r = count(part) / (double) of;
      return rounded ? publicRatio(r) : StatsJson.round(r);
    }

    /** Puts the count, or null when fewer than k installations are behind it; whether it did. */
    boolean count(ObjectNode o, String name, long value, long ids) {
      // Zero is nobody: publishing it reveals no one.
      if (ids == 0 || rule.allows(ids)) {
        o.put(name, count(value));
        return true;
      }
      o.putNull(name);
      return false;
    }

    /**
     * Shares of {@code total}: {@code values} (sorted as the cells are) and {@code other}, the
     * hidden cells together, which always holds at least k installations ({@code null} when none is
     * hidden, or when the hidden ones hold no cell of k: then nothing at all may be shown), with
     * the number of values it sums in exact figures only. {@code withCounts} adds event counts:
     * only where {@code total} is itself published, since the counts of a table add up to it.
     */
    ObjectNode shares(List<Cell> cells, long total, boolean withCounts) {
      ObjectNode o = StatsJson.MAPPER.createObjectNode();
      ArrayNode values = o.putArray("values");
      MinimumCount.Published p = rule.publish(cells);
      for (Cell c : p.shown()) {
        ObjectNode x = values.addObject();
        x.put("key", c.key());
        if (withCounts) {
          x.put("events", count(c.events()));
        }
        x.put("share", share(c.events(), total));
      }
      if (!p.otherAllowed()) {
        o.putNull("other");
      } else {
        ObjectNode other = o.putObject("other");
        // How many values are hidden moves by one when one installation uses a new rare value:
        // the rounded figures do not say it.
        if (!rounded) {
          other.put("values", p.hiddenValues());
        }
        if (withCounts) {
          other.put("events", count(p.hiddenEvents()));
        }
        other.put("share", share(p.hiddenEvents(), total));
      }
      return o;
    }
  }

  /**
   * A ratio as the rolling windows publish it: to whole percents ({@code 0.3333} is {@code 0.33}),
   * to tenths of a percent below 1 % so a used value never reads as 0.
   */
  static double publicRatio(double ratio) {
    double whole = Math.round(ratio * 100) / 100.0;
    return whole == 0 && ratio > 0 ? Math.round(ratio * 1000) / 1000.0 : whole;
  }

  /**
   * Failure rates per run, by tool and type, sorted from the highest rate; each backed by k
   * installations.
   */
  private static ArrayNode failures(
      Stats stats, Figures x, java.util.Set<String> shownTools, boolean withCounts) {
    List<ObjectNode> rows = new ArrayList<>();
    MinimumCount rule = x.rule();
    for (ToolFailures t : stats.toolFailures()) {
      // A tool hidden in the tools table has no row: its runs (for old clients, its scans) would
      // show its hidden count, and the other hidden tools' by subtraction from "other".
      if (t.runs() == 0 || !shownTools.contains(t.tool()) || !rule.allows(t.scanIds())) {
        continue;
      }
      for (Map.Entry<String, Long> f : new TreeMap<>(t.failures()).entrySet()) {
        if (rule.allows(t.failureIds().getOrDefault(f.getKey(), 0L))) {
          ObjectNode row = StatsJson.MAPPER.createObjectNode();
          row.put("tool", t.tool());
          row.put("failure_type", f.getKey());
          if (withCounts) {
            row.put("runs", x.count(t.runs()));
            row.put("failures", x.count(f.getValue()));
          }
          // t.rate's ratio, of the counts as published.
          row.put("rate", x.share(f.getValue(), t.runs()));
          row.put("runs_estimated", t.estimated());
          rows.add(row);
        }
      }
    }
    rows.sort(
        Comparator.comparingDouble((ObjectNode r) -> -r.get("rate").asDouble())
            .thenComparing(r -> r.get("tool").asText())
            .thenComparing(r -> r.get("failure_type").asText()));
    ArrayNode a = StatsJson.MAPPER.createArrayNode();
    rows.forEach(a::add);
    return a;
  }
}
