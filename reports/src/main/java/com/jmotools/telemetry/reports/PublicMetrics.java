package com.jmotools.telemetry.reports;

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
  public static final int SCHEMA_VERSION = 2;

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
   * (days to the statistics of that many whole days).
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
            + " be derived by subtraction, are summed into 'other'. Shares are ratios between 0 and"
            + " 1.");
    ObjectNode w = o.putObject("windows");
    new TreeMap<>(windows).forEach((days, stats) -> w.set(days + "d", toJson(stats, k)));
    return o;
  }

  /** One window: the public JSON for {@code stats}, k-safe. */
  public static ObjectNode toJson(Stats stats, int k) {
    return window(stats, new MinimumCount(k), false);
  }

  /**
   * The k-safe figures of {@code stats}, the public page's and the transparency report's; {@code
   * withCounts} adds event counts to shares (the report's tables and charts).
   */
  public static ObjectNode window(Stats stats, MinimumCount rule, boolean withCounts) {
    ObjectNode o = StatsJson.MAPPER.createObjectNode();
    ObjectNode period = o.putObject("period");
    period.put("first_day", stats.period().from().toString().substring(0, 10));
    period.put(
        "last_day", stats.period().to().minus(Duration.ofHours(1)).toString().substring(0, 10));
    o.put("k", rule.k());
    count(o, "unique_installs", stats.uniqueInstalls(), stats.uniqueInstalls(), rule);
    count(o, "scans", stats.scans(), ids(stats, "scan.started"), rule);
    o.set("platforms", shares(rule, stats.platforms(), stats.totalEvents(), withCounts));
    o.set("versions", shares(rule, stats.versions(), stats.totalEvents(), withCounts));
    o.set("profiles", shares(rule, stats.profiles(), stats.scans(), withCounts));
    o.set("modes", shares(rule, stats.modes(), stats.scans(), withCounts));
    o.set("tools", shares(rule, stats.tools(), stats.scans(), withCounts));
    long completed = stats.events("scan.completed");
    o.set("scan_durations", shares(rule, stats.durations(), completed, withCounts));
    o.set("scan_findings", shares(rule, stats.scanFindings(), completed, withCounts));
    o.set("tool_failures", failures(stats, rule, withCounts));

    ObjectNode wizard = o.putObject("wizard");
    count(wizard, "completed", stats.wizard().completed(), stats.wizard().ids(), rule);
    long wizards = stats.wizard().completed();
    wizard.set("artifacts", shares(rule, stats.wizard().artifacts(), wizards, withCounts));
    wizard.set(
        "execution_modes", shares(rule, stats.wizard().executionModes(), wizards, withCounts));
    wizard.set("profiles", shares(rule, stats.wizard().profiles(), wizards, withCounts));
    wizard.set("durations", shares(rule, stats.wizard().durations(), wizards, withCounts));

    ObjectNode reports = o.putObject("reports");
    long generated = stats.events("report.generated");
    count(reports, "generated", generated, ids(stats, "report.generated"), rule);
    reports.set("output_formats", shares(rule, stats.outputFormats(), generated, withCounts));
    reports.set("findings", shares(rule, stats.reportFindings(), generated, withCounts));
    reports.set(
        "suppressions_used", shares(rule, stats.reportSuppressions(), generated, withCounts));
    reports.set(
        "compliance_enabled", shares(rule, stats.reportCompliance(), generated, withCounts));

    // Distinct installations per month do not add up to any published total: only the minimum count
    // applies.
    ObjectNode months = o.putObject("installs_by_month");
    rule.keep(stats.installsByMonth()).forEach(c -> months.put(c.key(), c.ids()));
    o.put("suppressed_cells", rule.suppressed());
    return o;
  }

  private static long ids(Stats stats, String eventType) {
    return Stats.find(stats.eventsByType(), eventType).map(Cell::ids).orElse(0L);
  }

  private static void count(ObjectNode o, String name, long value, long ids, MinimumCount rule) {
    // Zero is nobody: publishing it reveals no one.
    if (ids == 0 || rule.allows(ids)) {
      o.put(name, value);
    } else {
      o.putNull(name);
    }
  }

  /**
   * Shares of {@code total}: {@code values} (sorted as the cells are) and {@code other}, the hidden
   * cells together ({@code null} when none is hidden), which always holds at least k installations.
   */
  static ObjectNode shares(MinimumCount rule, List<Cell> cells, long total, boolean withCounts) {
    ObjectNode o = StatsJson.MAPPER.createObjectNode();
    ArrayNode values = o.putArray("values");
    MinimumCount.Published p = rule.publish(cells);
    for (Cell c : p.shown()) {
      ObjectNode x = values.addObject();
      x.put("key", c.key());
      if (withCounts) {
        x.put("events", c.events());
      }
      x.put("share", total == 0 ? 0 : StatsJson.round(c.events() / (double) total));
    }
    if (p.hiddenValues() == 0) {
      o.putNull("other");
    } else {
      ObjectNode other = o.putObject("other");
      other.put("values", p.hiddenValues());
      if (withCounts) {
        other.put("events", p.hiddenEvents());
      }
      other.put("share", total == 0 ? 0 : StatsJson.round(p.hiddenEvents() / (double) total));
    }
    return o;
  }

  /**
   * Failure rates per run, by tool and type, sorted from the highest rate; each backed by k
   * installations.
   */
  private static ArrayNode failures(Stats stats, MinimumCount rule, boolean withCounts) {
    List<ObjectNode> rows = new ArrayList<>();
    for (ToolFailures t : stats.toolFailures()) {
      if (t.runs() == 0 || !rule.allows(t.scanIds())) {
        continue;
      }
      for (Map.Entry<String, Long> f : new TreeMap<>(t.failures()).entrySet()) {
        if (rule.allows(t.failureIds().getOrDefault(f.getKey(), 0L))) {
          ObjectNode x = StatsJson.MAPPER.createObjectNode();
          x.put("tool", t.tool());
          x.put("failure_type", f.getKey());
          if (withCounts) {
            x.put("runs", t.runs());
            x.put("failures", f.getValue());
          }
          x.put("rate", StatsJson.round(t.rate(f.getKey())));
          x.put("runs_estimated", t.estimated());
          rows.add(x);
        }
      }
    }
    rows.sort(
        Comparator.comparingDouble((ObjectNode x) -> -x.get("rate").asDouble())
            .thenComparing(x -> x.get("tool").asText())
            .thenComparing(x -> x.get("failure_type").asText()));
    ArrayNode a = StatsJson.MAPPER.createArrayNode();
    rows.forEach(a::add);
    return a;
  }
}
