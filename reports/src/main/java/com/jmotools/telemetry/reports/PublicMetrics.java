package com.jmotools.telemetry.reports;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jmotools.telemetry.reports.internal.StatsJson;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The public metrics page's numbers: aggregates only, each backed by at least {@code k} distinct
 * installations, over whole days (no exact times), with no id of any kind.
 */
public final class PublicMetrics {

  /** The public page covers this many whole days before today (UTC): {@value}. */
  public static final int DEFAULT_DAYS = 90;

  private PublicMetrics() {}

  /** The period the public page shows at {@code clock}'s now: the {@value #DEFAULT_DAYS} whole days before today. */
  public static Period period(Clock clock) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    return new Period(today.minusDays(DEFAULT_DAYS).atStartOfDay(ZoneOffset.UTC).toInstant(),
        today.atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  /** The public JSON for {@code stats}, hiding cells of fewer than {@code k} ids. */
  public static ObjectNode toJson(Stats stats, int k) {
    MinimumCount rule = new MinimumCount(k);
    ObjectNode o = StatsJson.MAPPER.createObjectNode();
    ObjectNode period = o.putObject("period");
    period.put("first_day", stats.period().from().toString().substring(0, 10));
    period.put("last_day", stats.period().to().minus(Duration.ofHours(1)).toString().substring(0, 10));
    o.put("k", k);
    putOrNull(o, "unique_installs", stats.uniqueInstalls(), rule.allows(stats.uniqueInstalls()));
    long scanIds = Stats.find(stats.eventsByType(), "scan.started").map(Cell::ids).orElse(0L);
    putOrNull(o, "scans", stats.scans(), rule.allows(scanIds));
    o.set("platforms", shares(rule.keep(stats.platforms()), stats.totalEvents()));
    o.set("profiles", shares(rule.keep(stats.profiles()), stats.scans()));
    o.set("modes", shares(rule.keep(stats.modes()), stats.scans()));
    o.set("versions", shares(rule.keep(stats.versions()), stats.totalEvents()));
    ArrayNode failures = o.putArray("tool_failures");
    for (ToolFailures t : stats.toolFailures()) {
      if (t.scans() == 0 || !rule.allows(t.scanIds())) {
        continue;
      }
      for (Map.Entry<String, Long> f : new TreeMap<>(t.failures()).entrySet()) {
        if (rule.allows(t.failureIds().getOrDefault(f.getKey(), 0L))) {
          ObjectNode x = failures.addObject();
          x.put("tool", t.tool());
          x.put("failure_type", f.getKey());
          x.put("rate", StatsJson.round(t.rate(f.getKey())));
        }
      }
    }
    ObjectNode months = o.putObject("installs_by_month");
    rule.keep(stats.installsByMonth()).forEach(c -> months.put(c.key(), c.ids()));
    o.put("suppressed_cells", rule.suppressed());
    return o;
  }

  private static void putOrNull(ObjectNode o, String name, long value, boolean allowed) {
    if (allowed) {
      o.put(name, value);
    } else {
      o.putNull(name);
    }
  }

  private static ArrayNode shares(List<Cell> cells, long total) {
    ArrayNode a = StatsJson.MAPPER.createArrayNode();
    for (Cell c : cells) {
      ObjectNode x = a.addObject();
      x.put("key", c.key());
      x.put("share", total == 0 ? 0 : StatsJson.round(c.events() / (double) total));
    }
    return a;
  }
}
