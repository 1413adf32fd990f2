package com.jmotools.telemetry.reports.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The public metrics page: plain HTML, no script, from the public JSON. */
public final class PublicPage {

  private PublicPage() {}

  public static String html(ObjectNode m) {
    StringBuilder b = new StringBuilder();
    String first = m.get("period").get("first_day").asText();
    String last = m.get("period").get("last_day").asText();
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>What JMo Security learns from telemetry</title>"
        + "<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
        + "table{border-collapse:collapse}td,th{padding:.2rem .8rem;border-bottom:1px solid #ddd;text-align:left}"
        + ".bar{background:#2563eb;height:.8rem;display:inline-block}</style></head><body>\n");
    b.append("<h1>What JMo Security learns from telemetry</h1>\n");
    b.append("<p>Anonymous usage of JMo Security from ").append(ReportText.esc(first)).append(" to ")
        .append(ReportText.esc(last)).append(" (UTC). Only aggregates are shown, each backed by at least ")
        .append(m.get("k").asInt()).append(" installations; ").append(m.get("suppressed_cells").asInt())
        .append(" smaller figures are hidden. No ids and no exact times are published. The same numbers as JSON: "
            + "<a href=\"/public/metrics.json\">metrics.json</a>.</p>\n");
    b.append("<ul><li>Installations sending telemetry: ").append(value(m.get("unique_installs")))
        .append("</li><li>Scans: ").append(value(m.get("scans"))).append("</li></ul>\n");
    table(b, "Platforms (share of events)", m.get("platforms"));
    table(b, "Scan profiles (share of scans)", m.get("profiles"));
    table(b, "Execution modes (share of scans)", m.get("modes"));
    table(b, "Versions (share of events)", m.get("versions"));
    b.append("<h2>Tool failures (share of scans that ran the tool)</h2>\n");
    if (m.get("tool_failures").isEmpty()) {
      b.append("<p>Nothing to publish.</p>\n");
    } else {
      b.append("<table><tr><th>tool</th><th>failure</th><th>rate</th></tr>\n");
      for (JsonNode f : m.get("tool_failures")) {
        b.append("<tr><td>").append(ReportText.esc(f.get("tool").asText())).append("</td><td>")
            .append(ReportText.esc(f.get("failure_type").asText().replace('_', ' '))).append("</td><td>")
            .append(ReportText.percent(f.get("rate").asDouble())).append("</td></tr>\n");
      }
      b.append("</table>\n");
    }
    b.append("<h2>Installations per month</h2>\n<table>");
    m.get("installs_by_month").fields().forEachRemaining(e -> b.append("<tr><td>").append(ReportText.esc(e.getKey()))
        .append("</td><td>").append(e.getValue().asLong()).append("</td></tr>\n"));
    b.append("</table>\n<p>How telemetry works and how to turn it off: run <code>jmo telemetry status</code>, or set "
        + "<code>JMO_TELEMETRY_DISABLE=1</code>.</p>\n</body></html>\n");
    return b.toString();
  }

  private static String value(JsonNode n) {
    return n == null || n.isNull() ? "not published (too few installations)" : String.format(java.util.Locale.ENGLISH, "%,d", n.asLong());
  }

  private static void table(StringBuilder b, String title, JsonNode shares) {
    b.append("<h2>").append(ReportText.esc(title)).append("</h2>\n");
    if (shares.isEmpty()) {
      b.append("<p>Nothing to publish.</p>\n");
      return;
    }
    b.append("<table>\n");
    for (JsonNode s : shares) {
      double share = s.get("share").asDouble();
      b.append("<tr><td>").append(ReportText.esc(s.get("key").asText())).append("</td><td>")
          .append(ReportText.percent(share)).append("</td><td><span class=\"bar\" style=\"width:")
          .append(Math.round(share * 200)).append("px\"></span></td></tr>\n");
    }
    b.append("</table>\n");
  }
}
