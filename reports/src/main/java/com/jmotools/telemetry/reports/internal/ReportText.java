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

/** Renders the transparency report's JSON as Markdown and as HTML (the same text, the guide's layout). */
public final class ReportText {

  private static final DateTimeFormatter MONTH_DAY = DateTimeFormatter.ofPattern("MMMM d", Locale.ENGLISH);

  private ReportText() {}

  /** {@code January 1 - March 31, 2026}. */
  public static String periodText(Period p) {
    LocalDate first = LocalDate.ofInstant(p.from(), ZoneOffset.UTC);
    LocalDate last = LocalDate.ofInstant(p.to().minusSeconds(1), ZoneOffset.UTC);
    return MONTH_DAY.format(first) + (first.getYear() == last.getYear() ? "" : ", " + first.getYear())
        + " - " + MONTH_DAY.format(last) + ", " + last.getYear();
  }

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

  private static String optIn(ObjectNode r) {
    JsonNode o = r.get("opt_in");
    if (o.get("rate").isNull()) {
      return "unknown (" + o.get("reason").asText() + ")";
    }
    return percent(o.get("rate").asDouble()) + " (" + number(o.get("users").asLong()) + " users out of "
        + number(o.get("total_installs").asLong()) + " total)";
  }

  private static String shareList(JsonNode shares) {
    if (shares.isEmpty()) {
      return "not published (too few installations)";
    }
    List<String> parts = new ArrayList<>();
    shares.forEach(s -> parts.add(percent(s.get("share").asDouble()) + " " + label(s.get("key").asText())));
    return String.join(", ", parts);
  }

  private static String label(String key) {
    return switch (key) {
      case "cli" -> "CLI";
      case "docker" -> "Docker";
      case "wizard" -> "Wizard";
      // Names such as macOS keep their own case; lower-case catalog values get a capital.
      default -> key.isEmpty() || !key.equals(key.toLowerCase(Locale.ROOT)) ? key
          : Character.toUpperCase(key.charAt(0)) + key.substring(1);
    };
  }

  private static String orSuppressed(JsonNode n) {
    return n == null || n.isNull() ? "not published (fewer than k installations)" : number(n.asLong());
  }

  private static List<String> summary(ObjectNode r) {
    List<String> s = new ArrayList<>();
    s.add("**Total Scans:** " + orSuppressed(r.get("total_scans")));
    s.add("**Unique Users:** " + orSuppressed(r.get("unique_users")) + (r.get("unique_users").isNull() ? "" : " (anonymous IDs)"));
    s.add("**Platforms:** " + shareList(r.get("platforms")));
    JsonNode top = r.get("most_popular_profile");
    s.add("**Most Popular Profile:** " + (top.isNull() ? "not published (too few installations)"
        : label(top.get("key").asText()) + " (" + percent(top.get("share").asDouble()) + ")"));
    s.add("**Execution Modes:** " + shareList(r.get("modes")));
    return s;
  }

  private static List<String> privacy(ObjectNode r) {
    int k = r.get("k").asInt();
    int hidden = r.get("suppressed_cells").asInt();
    return List.of(
        "✅ Zero PII collected: events hold only the catalog's enumerated values, buckets and counts",
        "✅ No IP addresses stored or logged; times stored only to the hour",
        "✅ All data anonymized: a random installation id, erasable on request (`jmo telemetry delete`)",
        "✅ Minimum-count rule: every published figure is backed by at least " + k + " installations; "
            + hidden + (hidden == 1 ? " cell was" : " cells were") + " suppressed in this report",
        "✅ Raw events readable by maintainers only (admin token); rows older than 400 days are purged");
  }

  public static String markdown(ObjectNode r, ArrayNode sample) {
    StringBuilder b = new StringBuilder();
    b.append("# ").append(r.get("title").asText()).append("\n\n");
    b.append("**Reporting Period:** ").append(r.get("period_text").asText()).append("  \n");
    b.append("**Opt-In Rate:** ").append(optIn(r)).append("\n\n");
    b.append("## Summary Statistics\n\n");
    summary(r).forEach(l -> b.append("- ").append(l).append('\n'));
    b.append("\n![Platforms](charts/platforms.png)\n![Profiles](charts/profiles.png)\n![Execution modes](charts/modes.png)\n");
    b.append("\n## Top Insights\n\n");
    int i = 1;
    for (JsonNode in : r.get("insights")) {
      b.append(i++).append(". **").append(in.get("title").asText()).append("** — ").append(in.get("text").asText()).append('\n');
    }
    if (r.get("insights").isEmpty()) {
      b.append("Not enough data this quarter to publish insights.\n");
    }
    b.append("\n![Tool failures](charts/tool-failures.png)\n![Installations](charts/installs.png)\n");
    b.append("\n## Privacy Compliance\n\n");
    privacy(r).forEach(l -> b.append("- ").append(l).append('\n'));
    b.append("\n## Raw Data Sample\n\nAnonymized event samples (ids and times replaced): ")
        .append(r.path("sample_events_file").asText()).append("\n\n```json\n");
    sample.forEach(e -> b.append(e.toString()).append('\n'));
    b.append("```\n");
    return b.toString();
  }

  public static String html(ObjectNode r, ArrayNode sample) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(r.get("title").asText()))
        .append("</title>\n<style>body{font-family:system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
            + "img{max-width:100%;height:auto}pre{background:#f4f4f4;padding:1rem;overflow:auto}</style></head><body>\n");
    b.append("<h1>").append(esc(r.get("title").asText())).append("</h1>\n");
    b.append("<p><strong>Reporting Period:</strong> ").append(esc(r.get("period_text").asText())).append("<br>\n");
    b.append("<strong>Opt-In Rate:</strong> ").append(esc(optIn(r))).append("</p>\n");
    b.append("<h2>Summary Statistics</h2>\n<ul>\n");
    summary(r).forEach(l -> b.append("<li>").append(bold(l)).append("</li>\n"));
    b.append("</ul>\n");
    for (String chart : List.of("platforms", "profiles", "modes")) {
      b.append("<img src=\"charts/").append(chart).append(".png\" alt=\"").append(chart).append(" chart\">\n");
    }
    b.append("<h2>Top Insights</h2>\n<ol>\n");
    for (JsonNode in : r.get("insights")) {
      b.append("<li><strong>").append(esc(in.get("title").asText())).append("</strong> — ").append(esc(in.get("text").asText())).append("</li>\n");
    }
    b.append("</ol>\n");
    for (String chart : List.of("tool-failures", "installs")) {
      b.append("<img src=\"charts/").append(chart).append(".png\" alt=\"").append(chart).append(" chart\">\n");
    }
    b.append("<h2>Privacy Compliance</h2>\n<ul>\n");
    privacy(r).forEach(l -> b.append("<li>").append(esc(l).replaceAll("`([^`]*)`", "<code>$1</code>")).append("</li>\n"));
    b.append("</ul>\n<h2>Raw Data Sample</h2>\n<p>Anonymized event samples (ids and times replaced): <a href=\"")
        .append(esc(r.path("sample_events_file").asText())).append("\">").append(esc(r.path("sample_events_file").asText()))
        .append("</a></p>\n<pre>");
    sample.forEach(e -> b.append(esc(e.toString())).append('\n'));
    b.append("</pre>\n</body></html>\n");
    return b.toString();
  }

  private static String bold(String line) {
    return esc(line).replaceAll("\\*\\*([^*]+)\\*\\*", "<strong>$1</strong>");
  }

  /** Escapes text for HTML element content and attribute values. */
  public static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
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
