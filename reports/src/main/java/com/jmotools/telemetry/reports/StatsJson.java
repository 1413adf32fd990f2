package com.jmotools.telemetry.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.TreeMap;

/**
 * The JSON form of {@link Stats}, shared by {@code stats --format json} and {@code GET /v1/stats}.
 */
public final class StatsJson {

  /** A mapper that writes indented, stable JSON. */
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private StatsJson() {}

  public static ObjectNode toJson(Stats s) {
    ObjectNode root = MAPPER.createObjectNode();
    root.set("period", period(s.period()));
    root.put("total_events", s.totalEvents());
    root.put("unique_installs", s.uniqueInstalls());
    root.put("scans", s.scans());
    root.set("events_by_type", cells(s.eventsByType()));
    root.set("profiles", cells(s.profiles()));
    root.set("modes", cells(s.modes()));
    root.set("platforms", cells(s.platforms()));
    root.set("versions", cells(s.versions()));
    root.set("installs_by_week", cells(s.installsByWeek()));
    root.set("installs_by_month", cells(s.installsByMonth()));
    ArrayNode tools = root.putArray("tool_failures");
    for (ToolFailures t : s.toolFailures()) {
      ObjectNode o = tools.addObject();
      o.put("tool", t.tool());
      o.put("scans", t.scans());
      o.put("scan_ids", t.scanIds());
      o.put("runs", t.runs());
      o.put("runs_estimated", t.estimated());
      o.put("failures", t.totalFailures());
      o.put("failure_rate", round(t.totalRate()));
      ObjectNode byType = o.putObject("by_type");
      for (String type : new TreeMap<>(t.failures()).keySet()) {
        ObjectNode x = byType.putObject(type);
        x.put("failures", t.failures().get(type));
        x.put("ids", t.failureIds().getOrDefault(type, 0L));
        x.put("rate", round(t.rate(type)));
      }
    }
    ObjectNode w = root.putObject("wizard");
    w.put("completed", s.wizard().completed());
    w.put("ids", s.wizard().ids());
    long wizardScans = Stats.find(s.modes(), "wizard").map(Cell::events).orElse(0L);
    w.put("scans_in_wizard_mode", wizardScans);
    w.put("share_of_scans", s.scans() == 0 ? 0 : round(wizardScans / (double) s.scans()));
    w.set("artifacts", cells(s.wizard().artifacts()));
    w.set("execution_modes", cells(s.wizard().executionModes()));
    w.set("profiles", cells(s.wizard().profiles()));
    w.set("durations", cells(s.wizard().durations()));
    root.set("output_formats", cells(s.outputFormats()));
    root.set("scan_findings", cells(s.scanFindings()));
    root.set("report_findings", cells(s.reportFindings()));
    root.set("durations", cells(s.durations()));
    root.set("tools", cells(s.tools()));
    root.set("report_suppressions", cells(s.reportSuppressions()));
    root.set("report_compliance", cells(s.reportCompliance()));
    return root;
  }

  public static ObjectNode period(Period p) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("from", p.from().toString());
    o.put("to", p.to().toString());
    return o;
  }

  public static ArrayNode cells(List<Cell> cells) {
    ArrayNode a = MAPPER.createArrayNode();
    for (Cell c : cells) {
      ObjectNode o = a.addObject();
      o.put("key", c.key());
      o.put("events", c.events());
      o.put("ids", c.ids());
    }
    return a;
  }

  /** Rounds a ratio to 4 decimals, enough for a percentage with two. */
  public static double round(double ratio) {
    return Math.round(ratio * 10_000) / 10_000.0;
  }
}
