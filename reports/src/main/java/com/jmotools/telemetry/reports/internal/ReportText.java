package com.jmotools.telemetry.reports.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jmotools.telemetry.reports.Period;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders the transparency report's JSON as Markdown and as HTML (the same text, the guide's
 * layout).
 */
public final class ReportText {

  private static final DateTimeFormatter MONTH_DAY =
      DateTimeFormatter.ofPattern("MMMM d", Locale.ENGLISH);

  private ReportText() {}

  /** {@code January 1 - March 31, 2026}. */
  public static String periodText(Period p) {
    LocalDate first = LocalDate.ofInstant(p.from(), ZoneOffset.UTC);
    LocalDate last = LocalDate.ofInstant(p.to().minusSeconds(1), ZoneOffset.UTC);
    return MONTH_DAY.format(first)
        + (first.getYear() == last.getYear() ? "" : ", " + first.getYear())
        + " - "
        + MONTH_DAY.format(last)
        + ", "
        + last.getYear();
  }

  /** {@code 2026-12-01T11:00:00Z} as {@code 2026-12-01 11:00 UTC}. */
  static String cutOff(String instant) {
    return CUT_OFF.format(java.time.Instant.parse(instant)) + " UTC";
  }

  private static final DateTimeFormatter CUT_OFF =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** A ratio as a whole percentage ({@code 0.354} is {@code 35%}); below 1 % with one decimal. */
  public static String percent(double ratio) {
    double p = ratio * 100;
    if (p > 0 && p < 1) {
      return String.format(Locale.ROOT, "%.1f%%", p);
    }
    return String.format(Locale.ROOT, "%.0f%%", p);
  }

  private static String number(long n) {
    return String.format(Locale.ENGLISH, "%,d", n);
  }

  /** What an asterisk on a failure rate means. */
  public static final String ESTIMATED_RUNS =
      "Runs estimated for scans by clients older than catalog version 2, which did "
          + "not report runs per tool: such a scan counts as "
          + "one run of each tool it listed, and a tool never"
          + " has fewer runs "
          + "than failures, so no rate exceeds 100%.";

  /**
   * The row of a share table that sums the hidden values: how many when {@code other} says it (the
   * rounded figures do not).
   */
  public static String otherLabel(JsonNode other) {
    if (!other.has("values")) {
      return "Other (values not shown individually)";
    }
    int values = other.get("values").asInt();
    return "Other (" + values + (values == 1 ? " value" : " values") + " not shown individually)";
  }

  /**
   * The sentence that says, in words, what suppression hid: how many figures when {@code hidden} is
   * a number (rounded figures do not say it: it moves by one when one installation uses a new rare
   * value).
   */
  public static String suppressionSentence(JsonNode hidden, int k) {
    if (hidden == null || !hidden.isNumber()) {
      return "Where needed, figures were hidden" + suppressionReason(k);
    }
    return suppressionSentence(hidden.asInt(), k);
  }

  /** The sentence that says, in words, what suppression hid. */
  public static String suppressionSentence(int hidden, int k) {
    if (hidden == 0) {
      return "No figure had to be hidden.";
    }
    return hidden
        + (hidden == 1 ? " figure was" : " figures were")
        + " hidden"
        + suppressionReason(k);
  }

  private static String suppressionReason(int k) {
    return ": each value used by fewer than "
        + k
        + " installations, and in each table where one was "
        + "hidden, the shown value of fewest events too, so that no hidden "
        + "figure can be worked out by subtracting the shown ones from a total. The hidden values "
        + "are summed in an "
        + "\"Other\" row, shown only when it stands for at least "
        + k
        + " installations.";
  }

  /**
   * A catalog value as a reader sees it: {@code cli} as CLI, {@code balanced} as Balanced, {@code
   * macOS} unchanged.
   */
  public static String label(String key) {
    return switch (key) {
      case "cli" -> "CLI";
      case "gha" -> "GitHub Actions";
      case "md" -> "Markdown";
      case "json", "html", "sarif", "yaml" -> key.toUpperCase(Locale.ROOT);
      case "none" -> "None";
      case "true" -> "Yes";
      case "false" -> "No";
      case "docker" -> "Docker";
      case "wizard" -> "Wizard";
      // Names such as macOS keep their own case; lower-case catalog values get a capital.
      default ->
          key.isEmpty() || !key.equals(key.toLowerCase(Locale.ROOT))
              ? key
              : Character.toUpperCase(key.charAt(0)) + key.substring(1);
    };
  }

  private static String shareList(JsonNode shares) {
    if (shares.get("values").isEmpty() && shares.get("other").isNull()) {
      return "not published (fewer than k installations)";
    }
    List<String> parts = new ArrayList<>();
    shares
        .get("values")
        .forEach(
            s ->
                parts.add(percent(s.get("share").asDouble()) + " " + label(s.get("key").asText())));
    if (!shares.get("other").isNull()) {
      parts.add(percent(shares.get("other").get("share").asDouble()) + " other");
    }
    return String.join(", ", parts);
  }

  /** The most popular profile, or why it is not named. */
  private static String mostPopular(JsonNode top, JsonNode profiles) {
    if (!top.isNull()) {
      return label(top.get("key").asText())
          + " ("
          + percent(top.get("share").asDouble())
          + " of scans)";
    }
    if (profiles.get("values").isEmpty() || profiles.get("other").isNull()) {
      return "not published (fewer than k installations)";
    }
    return "not determinable: the profiles not shown individually ("
        + percent(profiles.get("other").get("share").asDouble())
        + " of scans together) may include a more popular one";
  }

  private static String orSuppressed(JsonNode n) {
    return n == null || n.isNull()
        ? "not published (fewer than k installations)"
        : number(n.asLong());
  }

  /** One block of the report, rendered alike in Markdown and HTML. */
  private sealed interface Block permits Heading, Text, Items, Table, Chart, Code {}

  private record Heading(int level, String text) implements Block {}

  private record Text(String text) implements Block {}

  private record Items(boolean numbered, List<String> items) implements Block {}

  private record Table(String title, List<String> header, List<List<String>> rows)
      implements Block {}

  private record Chart(String file, String alt) implements Block {}

  private record Code(String text) implements Block {}

  private static List<Block> blocks(ObjectNode r, ArrayNode sample) {
    List<Block> b = new ArrayList<>();
    JsonNode f = r.get("figures");
    JsonNode charts = r.path("charts");
    int k = r.get("k").asInt();
    long retentionDays = r.get("retention_days").asLong();
    b.add(new Heading(1, r.get("title").asText()));
    b.add(
        new Text(
            "**Reporting Period:** "
                + r.get("period_text").asText()
                + (r.get("partial").asBoolean()
                    ? " (the quarter is not over: figures up to "
                        + cutOff(r.get("figures_up_to").asText())
                        + ")"
                    : "")));
    if (r.path("rounded").asBoolean()) {
      b.add(
          new Text(
              "A report of a quarter in progress may be written again as the quarter goes on, and"
                  + " two exact reports would differ by one installation's activity. So, as on"
                  + " the public metrics page, its counts are rounded down to a multiple of "
                  + k
                  + ", and its shares and rates are computed from those rounded counts, as whole"
                  + " percents. The report of the finished quarter is exact."));
    }

    b.add(new Heading(2, "Summary Statistics"));
    JsonNode top = r.get("most_popular_profile");
    b.add(
        new Items(
            false,
            List.of(
                "**Total Scans:** " + orSuppressed(r.get("total_scans")),
                "**Unique Installations:** "
                    + orSuppressed(r.get("unique_users"))
                    + (r.get("unique_users").isNull() ? "" : " (anonymous IDs)"),
                "**Platforms:** " + shareList(f.get("platforms")),
                "**Most Popular Profile:** " + mostPopular(top, f.get("profiles")),
                "**Execution Modes:** " + shareList(f.get("modes")))));
    chart(b, charts, "platforms", "Platforms");
    chart(b, charts, "profiles", "Scan profiles");
    chart(b, charts, "modes", "Execution modes");

    b.add(new Heading(2, "Top Insights"));
    List<String> insights = new ArrayList<>();
    r.get("insights")
        .forEach(
            in ->
                insights.add("**" + in.get("title").asText() + "** — " + in.get("text").asText()));
    if (insights.isEmpty()) {
      b.add(new Text("Not enough data this quarter to publish insights."));
    } else {
      b.add(new Items(true, insights));
    }

    b.add(new Heading(2, "Usage"));
    b.add(
        new Text(
            "Each table sorted from the most used; shares of "
                + "all events (platforms, versions) or of scans (profiles, modes)."));
    shares(b, "Platforms", "Platform", "Share of events", f.get("platforms"));
    shares(b, "Versions", "Version", "Share of events", f.get("versions"));
    shares(b, "Scan profiles", "Profile", "Share of scans", f.get("profiles"));
    shares(b, "Execution modes", "Mode", "Share of scans", f.get("modes"));

    b.add(new Heading(2, "Tools"));
    b.add(
        new Text(
            "Which tools scans run (`scan.started`), as a share of scans; a scan runs several "
                + "tools, so the shares add up to more than 100%."));
    shares(b, "Tools run by scans", "Tool", "Share of scans", f.get("tools"));
    chart(b, charts, "tools", "Tools run by scans");
    b.add(
        new Text(
            "Failure rates (`tool.failed`) are failed runs per run of the tool: a run is one tool "
                + "on one target, so a "
                + "scan over three repositories runs each tool three times. Sorted from the "
                + "highest rate."));
    List<List<String>> rows = new ArrayList<>();
    boolean estimated = false;
    for (JsonNode x : f.get("tool_failures")) {
      estimated |= x.get("runs_estimated").asBoolean();
      rows.add(
          List.of(
              label(x.get("tool").asText()),
              x.get("failure_type").asText().replace('_', ' '),
              number(x.get("runs").asLong()) + (x.get("runs_estimated").asBoolean() ? " *" : ""),
              number(x.get("failures").asLong()),
              percent(x.get("rate").asDouble())));
    }
    b.add(
        new Table(
            "Tool failures per run",
            List.of("Tool", "Failure", "Runs", "Failed runs", "Rate"),
            rows));
    if (estimated) {
      b.add(new Text("\\* " + ESTIMATED_RUNS));
    }
    chart(b, charts, "tool-failures", "Tool failures per run");

    b.add(new Heading(2, "Scans"));
    b.add(
        new Text(
            "How long completed scans took and how many findings they produced "
                + "(`scan.completed`), as coarse ranges."));
    shares(b, "Scan durations", "Duration", "Share of completed scans", f.get("scan_durations"));
    chart(b, charts, "scan-durations", "Scan durations");
    shares(b, "Findings per scan", "Findings", "Share of completed scans", f.get("scan_findings"));
    chart(b, charts, "scan-findings", "Findings per scan");

    b.add(new Heading(2, "Reports"));
    JsonNode rep = f.get("reports");
    b.add(
        new Text(
            "Reports generated (`report.generated`): "
                + orSuppressed(rep.get("generated"))
                + ". A report may be written in several formats."));
    shares(
        b,
        "Report formats (SARIF included)",
        "Format",
        "Share of reports",
        rep.get("output_formats"));
    chart(b, charts, "report-formats", "Report formats");
    shares(b, "Findings per report", "Findings", "Share of reports", rep.get("findings"));
    chart(b, charts, "report-findings", "Findings per report");
    shares(
        b,
        "Suppressions used",
        "Suppressions used",
        "Share of reports",
        rep.get("suppressions_used"));
    shares(
        b,
        "Compliance mappings enabled",
        "Compliance enabled",
        "Share of reports",
        rep.get("compliance_enabled"));

    b.add(new Heading(2, "Wizard"));
    JsonNode wiz = f.get("wizard");
    b.add(
        new Text(
            "Wizard runs completed (`wizard.completed`): "
                + orSuppressed(wiz.get("completed"))
                + "."));
    shares(
        b, "Artifacts the wizard wrote", "Artifact", "Share of wizard runs", wiz.get("artifacts"));
    chart(b, charts, "wizard-artifacts", "Wizard artifacts");
    shares(
        b,
        "Execution mode chosen",
        "Execution mode",
        "Share of wizard runs",
        wiz.get("execution_modes"));
    shares(b, "Profile chosen", "Profile", "Share of wizard runs", wiz.get("profiles"));
    shares(b, "Time spent in the wizard", "Duration", "Share of wizard runs", wiz.get("durations"));
    chart(b, charts, "wizard-durations", "Time spent in the wizard");

    b.add(new Heading(2, "Installations"));
    b.add(
        new Text(
            "Distinct installations that sent at least one event, per day (UTC). Days with events "
                + "from fewer than "
                + k
                + " installations are left out of the chart (a gap)"
                + "; days without any event are zero."));
    chart(b, charts, "installs", "Installations per day");
    List<List<String>> months = new ArrayList<>();
    f.get("installs_by_month")
        .properties()
        .forEach(e -> months.add(List.of(e.getKey(), number(e.getValue().asLong()))));
    b.add(new Table("Installations per month", List.of("Month", "Installations"), months));

    b.add(new Heading(2, "Privacy Compliance"));
    b.add(
        new Items(
            false,
            List.of(
                "✅ Zero PII collected: events hold only the catalog's enumerated values, buckets "
                    + "and counts",
                "✅ No IP addresses stored or logged; times stored" + " only to the hour",
                "✅ All data anonymized: a random installation id,"
                    + " erasable on request (`jmo telemetry delete`)",
                "✅ Minimum-count rule with secondary suppression:"
                    + " every published figure is backed by at least "
                    + k
                    + " installations, and none hidden can be derived from the others",
                "✅ Raw events readable by maintainers only (admin"
                    + " token); rows older than "
                    + retentionDays
                    + " days are purged")));
    b.add(new Text(suppressionSentence(r.get("suppressed_cells"), k)));

    b.add(new Heading(2, "Methodology"));
    b.add(
        new Items(
            false,
            List.of(
                "**Installation:** one random anonymous id (a UUID created on first use and kept "
                    + "in the user's home directory). "
                    + "\"Unique installations\" counts distinct ids; a "
                    + "user with two machines, or who resets the id, counts twice.",
                "**Event:** one of the catalog's five events (`scan.started`, `scan.completed`, "
                    + "`tool.failed`, `wizard.completed`, "
                    + "`report.generated`), validated by the collector "
                    + "against the catalog; anything else is refused.",
                "**Scan:** one `scan.started` event (one `jmo scan`, `jmo ci` or `jmotools` run, "
                    + "however many targets). A **run** is "
                    + "one tool on one target; failure rates are failed"
                    + " runs per run.",
                "**Consent:** telemetry is opt-out: on by default"
                    + ", but nothing is recorded before the notice has "
                    + "been shown in an "
                    + "earlier run; `JMO_TELEMETRY_DISABLE`, `DO_NOT_TRACK` and CI environments "
                    + "send nothing, so CI usage is not in these figures.",
                "**Time:** times are stored truncated to the hour"
                    + ", and this report counts whole days in UTC.",
                "**Suppression (k = "
                    + k
                    + "):** a value used by fewer than "
                    + k
                    + " installations is not shown; where one is hidden, "
                    + "the shown value of fewest events is hidden too and both are reported "
                    + "together as \"Other\" (no Other row when the hidden values hold fewer than "
                    + k
                    + " installations), so no hidden figure can be worked out by subtraction; "
                    + "tables of shares of all events show no counts, since their total is not "
                    + "published. Sample events show only events whose every "
                    + "value is shared by at least "
                    + k
                    + " installations.",
                "**Retention:** stored events are deleted after "
                    + retentionDays
                    + " days; a user can have all of their events erased at any time.")));

    b.add(new Heading(2, "Raw Data Sample"));
    b.add(
        new Text(
            "Events drawn at random (seed "
                + r.path("sample_seed").asLong()
                + ", so the draw is reproducible) among "
                + "events whose every value is shared by at least "
                + k
                + " installations; ids and times replaced. File: "
                + r.path("sample_events_file").asText()));
    StringBuilder code = new StringBuilder();
    sample.forEach(e -> code.append(e.toString()).append('\n'));
    b.add(
        sample.isEmpty()
            ? new Text(
                "No event of this quarter is shared by " + k + " installations in all its values.")
            : new Code(code.toString()));
    return b;
  }

  private static void chart(List<Block> b, JsonNode charts, String name, String alt) {
    if (charts.has(name)) {
      b.add(new Chart(charts.get(name).asText(), alt + " chart"));
    }
  }

  /**
   * A share table; with an events column when the figures carry counts (they do not where the
   * table's total is not published).
   */
  private static void shares(List<Block> b, String title, String what, String of, JsonNode shares) {
    List<List<String>> rows = new ArrayList<>();
    JsonNode other = shares.get("other");
    boolean counts =
        shares.get("values").isEmpty()
            ? !other.isNull() && other.has("events")
            : shares.get("values").get(0).has("events");
    shares.get("values").forEach(s -> rows.add(row(label(s.get("key").asText()), s, counts)));
    if (!other.isNull()) {
      rows.add(row(otherLabel(other), other, counts));
    }
    b.add(new Table(title, counts ? List.of(what, "Events", of) : List.of(what, of), rows));
  }

  private static List<String> row(String label, JsonNode s, boolean counts) {
    String share = percent(s.get("share").asDouble());
    return counts ? List.of(label, number(s.get("events").asLong()), share) : List.of(label, share);
  }

  public static String markdown(ObjectNode r, ArrayNode sample) {
    StringBuilder m = new StringBuilder();
    for (Block block : blocks(r, sample)) {
      if (block instanceof Heading h) {
        m.append("#".repeat(h.level())).append(' ').append(h.text()).append("\n\n");
      } else if (block instanceof Text t) {
        m.append(t.text()).append("\n\n");
      } else if (block instanceof Items l) {
        int i = 1;
        for (String item : l.items()) {
          m.append(l.numbered() ? i++ + ". " : "- ").append(item).append('\n');
        }
        m.append('\n');
      } else if (block instanceof Table t) {
        m.append("**").append(t.title()).append("**\n\n");
        if (t.rows().isEmpty()) {
          m.append("Not published (fewer than k installations).\n\n");
          continue;
        }
        m.append("| ").append(String.join(" | ", t.header())).append(" |\n|");
        t.header().forEach(x -> m.append("---|"));
        m.append('\n');
        t.rows().forEach(row -> m.append("| ").append(String.join(" | ", row)).append(" |\n"));
        m.append('\n');
      } else if (block instanceof Chart c) {
        m.append("![").append(c.alt()).append("](").append(c.file()).append(")\n\n");
      } else if (block instanceof Code c) {
        m.append("```json\n").append(c.text()).append("```\n\n");
      }
    }
    return m.toString().stripTrailing() + "\n";
  }

  public static String html(ObjectNode r, ArrayNode sample) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta c" + "harset=\"utf-8\"><title>")
        .append(esc(r.get("title").asText()))
        .append(
            "</title>\n<style>body{font-family:system-ui,sans"
                + "-serif;max-width:56rem;margin:2rem auto;padding:0 1rem;"
                + "line-height:1.5;color:#1f2937}img{max-width:100%"
                + ";height:auto;display:block;margin:1rem 0}"
                + "table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{padding:.2rem "
                + ".8rem;border-bottom:1px solid #ddd;text-align:left}"
                + "caption{text-align:left;font-weight:600;padding:"
                + ".3rem 0}pre{background:#f4f4f4;padding:1rem;overflow:auto}</style>"
                + "</head><body>\n");
    for (Block block : blocks(r, sample)) {
      if (block instanceof Heading x) {
        h.append("<h")
            .append(x.level())
            .append('>')
            .append(esc(x.text()))
            .append("</h")
            .append(x.level())
            .append(">\n");
      } else if (block instanceof Text t) {
        h.append("<p>").append(inline(t.text())).append("</p>\n");
      } else if (block instanceof Items l) {
        String tag = l.numbered() ? "ol" : "ul";
        h.append('<').append(tag).append(">\n");
        l.items().forEach(i -> h.append("<li>").append(inline(i)).append("</li>\n"));
        h.append("</").append(tag).append(">\n");
      } else if (block instanceof Table t) {
        if (t.rows().isEmpty()) {
          h.append("<p><strong>")
              .append(esc(t.title()))
              .append(":</strong> not published (fewer than k installat" + "ions).</p>\n");
          continue;
        }
        h.append("<table><caption>").append(esc(t.title())).append("</caption>\n<tr>");
        t.header().forEach(x -> h.append("<th>").append(esc(x)).append("</th>"));
        h.append("</tr>\n");
        t.rows()
            .forEach(
                row -> {
                  h.append("<tr>");
                  row.forEach(x -> h.append("<td>").append(esc(x)).append("</td>"));
                  h.append("</tr>\n");
                });
        h.append("</table>\n");
      } else if (block instanceof Chart c) {
        h.append("<img src=\"")
            .append(esc(c.file()))
            .append("\" alt=\"")
            .append(esc(c.alt()))
            .append("\" width=\"")
            .append(Charts.DEFAULT_WIDTH)
            .append("\" height=\"")
            .append(Charts.DEFAULT_HEIGHT)
            .append("\">\n");
      } else if (block instanceof Code c) {
        h.append("<pre>").append(esc(c.text())).append("</pre>\n");
      }
    }
    return h.append("</body></html>\n").toString();
  }

  private static String inline(String text) {
    return esc(text)
        .replaceAll("\\*\\*([^*]+)\\*\\*", "<strong>$1</strong>")
        .replaceAll("`([^`]*)`", "<code>$1</code>")
        .replace("\\*", "*");
  }

  /** Escapes text for HTML element content and attribute values. */
  public static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
