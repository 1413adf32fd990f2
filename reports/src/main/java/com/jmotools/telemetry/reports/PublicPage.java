package com.jmotools.telemetry.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jmotools.telemetry.reports.internal.ReportText;
import java.util.Locale;

/**
 * The public metrics page: plain HTML, no script, from the public JSON's {@value
 * PublicMetrics#DEFAULT_DAYS}-day window.
 */
public final class PublicPage {

  private PublicPage() {}

  public static String html(ObjectNode doc) {
    JsonNode m = doc.get("windows").get(PublicMetrics.DEFAULT_DAYS + "d");
    StringBuilder b = new StringBuilder();
    String first = m.get("period").get("first_day").asText();
    String last = m.get("period").get("last_day").asText();
    b.append(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<title>What JMo Security learns from telemetry</title>"
            + "<style>body{font-family:system-ui,sans-serif;max"
            + "-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1f2937}"
            + "section{display:inline-block;vertical-align:top;"
            + "width:24rem;margin:0 1rem 1rem 0}"
            + "table{border-collapse:collapse}td,th{padding:.2rem .6rem;border-bottom:1px solid "
            + "#ddd;text-align:left}"
            + "td.n{text-align:right}.bar{background:#2563eb;height:.8rem;display:inline-block}"
            + ".other{color:#555;font-style:italic}</style></head><body>\n");
    b.append("<h1>What JMo Security learns from telemetry</h1>\n");
    b.append("<p>Anonymous usage of JMo Security from ")
        .append(ReportText.esc(first))
        .append(" to ")
        .append(ReportText.esc(last))
        .append(" (UTC, ")
        .append(PublicMetrics.DEFAULT_DAYS)
        .append(
            " days). Telemetry is on by default after a notice and can be turned off; CI runs and ")
        .append(
            "<code>DO_NOT_TRACK</code> send nothing. Only aggregates are shown, each backed by at "
                + "least ")
        .append(m.get("k").asInt())
        .append(" installations. ")
        .append(ReportText.suppressionSentence(m.get("suppressed_cells"), m.get("k").asInt()))
        .append(" The page moves by a day each day, so counts are rounded down to a multiple of ")
        .append(m.get("k").asInt())
        .append(
            ", shares and failure rates are computed from those rounded counts, to whole percents,"
                + " and \"Other\" rows do not say how many values they sum: comparing two days"
                + " does not show what one installation did. No ids and no exact times are"
                + " published.</p>\n");
    b.append(
            "<p>The same numbers for 30, 90 and 365 days, for"
                + " your own charts: <a href=\"/public/metrics.json"
                + "\">metrics.json</a> "
                + "(schema version ")
        .append(doc.get("schema_version").asInt())
        .append(", licence <a href=\"")
        .append(ReportText.esc(doc.get("license_url").asText()))
        .append("\">")
        .append(ReportText.esc(doc.get("license").asText()))
        .append("</a>).</p>\n");
    b.append("<ul><li>Installations sending telemetry: ")
        .append(value(m.get("unique_installs")))
        .append("</li><li>Scans: ")
        .append(value(m.get("scans")))
        .append("</li><li>Wizard runs completed: ")
        .append(value(m.get("wizard").get("completed")))
        .append("</li><li>Reports generated: ")
        .append(value(m.get("reports").get("generated")))
        .append("</li></ul>\n");
    table(b, "Tools (share of scans that ran the tool)", m.get("tools"));
    failures(b, m);
    table(b, "Scan profiles (share of scans)", m.get("profiles"));
    table(b, "Execution modes (share of scans)", m.get("modes"));
    table(b, "Scan durations (share of completed scans)", m.get("scan_durations"));
    table(b, "Findings per scan (share of completed scans)", m.get("scan_findings"));
    table(b, "Report formats (share of reports)", m.get("reports").get("output_formats"));
    table(b, "Findings per report (share of reports)", m.get("reports").get("findings"));
    table(
        b,
        "Reports with suppressions (share of reports)",
        m.get("reports").get("suppressions_used"));
    table(
        b,
        "Reports with compliance mappings (share of reports)",
        m.get("reports").get("compliance_enabled"));
    table(b, "Wizard artifacts (share of wizard runs)", m.get("wizard").get("artifacts"));
    table(
        b, "Wizard execution modes (share of wizard runs)", m.get("wizard").get("execution_modes"));
    table(b, "Time spent in the wizard (share of wizard runs)", m.get("wizard").get("durations"));
    table(b, "Platforms (share of events)", m.get("platforms"));
    table(b, "Versions (share of events)", m.get("versions"));
    b.append("<section><h2>Installations per month</h2>\n");
    if (m.get("installs_by_month").isEmpty()) {
      b.append("<p>Nothing to publish.</p>\n");
    } else {
      b.append("<table><tr><th>month</th><th>installations</th></tr>\n");
      m.get("installs_by_month")
          .properties()
          .forEach(
              e ->
                  b.append("<tr><td>")
                      .append(ReportText.esc(e.getKey()))
                      .append("</td><td class=\"n\">")
                      .append(e.getValue().asLong())
                      .append("</td></tr>\n"));
      b.append("</table>\n");
    }
    b.append(
        "</section>\n<p>How telemetry works and how to turn it off: run <code>jmo telemetry "
            + "status</code>, or set "
            + "<code>JMO_TELEMETRY_DISABLE=1</code>.</p>\n</body></html>\n");
    return b.toString();
  }

  private static void failures(StringBuilder b, JsonNode m) {
    b.append("<section><h2>Tool failures (share of runs of the" + " tool)</h2>\n");
    if (m.get("tool_failures").isEmpty()) {
      b.append("<p>Nothing to publish.</p></section>\n");
      return;
    }
    b.append("<table><tr><th>tool</th><th>failure</th><th>rate" + "</th></tr>\n");
    boolean estimated = false;
    for (JsonNode f : m.get("tool_failures")) {
      estimated |= f.get("runs_estimated").asBoolean();
      b.append("<tr><td>")
          .append(ReportText.esc(ReportText.label(f.get("tool").asText())))
          .append("</td><td>")
          .append(ReportText.esc(f.get("failure_type").asText().replace('_', ' ')))
          .append("</td><td class=\"n\">")
          .append(ReportText.percent(f.get("rate").asDouble()))
          .append(f.get("runs_estimated").asBoolean() ? "*" : "")
          .append("</td></tr>\n");
    }
    b.append("</table>\n");
    if (estimated) {
      b.append("<p>* ").append(ReportText.ESTIMATED_RUNS).append("</p>\n");
    }
    b.append("</section>\n");
  }

  private static String value(JsonNode n) {
    return n == null || n.isNull()
        ? "not published (fewer than k installations)"
        : String.format(Locale.ENGLISH, "%,d", n.asLong());
  }

  private static void table(StringBuilder b, String title, JsonNode shares) {
    b.append("<section><h2>").append(ReportText.esc(title)).append("</h2>\n");
    if (shares.get("values").isEmpty() && shares.get("other").isNull()) {
      b.append("<p>Nothing to publish.</p></section>\n");
      return;
    }
    b.append("<table>\n");
    for (JsonNode s : shares.get("values")) {
      row(b, ReportText.label(s.get("key").asText()), s.get("share").asDouble(), "");
    }
    JsonNode other = shares.get("other");
    if (!other.isNull()) {
      row(b, ReportText.otherLabel(other), other.get("share").asDouble(), " class=\"other\"");
    }
    b.append("</table></section>\n");
  }

  private static void row(StringBuilder b, String label, double share, String cls) {
    b.append("<tr")
        .append(cls)
        .append("><td>")
        .append(ReportText.esc(label))
        .append("</td><td class=\"n\">")
        .append(ReportText.percent(share))
        .append("</td><td><span class=\"bar\" style=\"width:")
        .append(Math.round(Math.min(1, share) * 160))
        .append("px\"></span></td></tr>\n");
  }
}
