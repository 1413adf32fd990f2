package com.jmotools.telemetry.reports;

import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/** The plain-text tables that {@code stats} prints by default. */
public final class StatsTable {

  private StatsTable() {}

  public static String render(Stats s) {
    StringBuilder b = new StringBuilder();
    b.append("Period: ")
        .append(s.period().from())
        .append(" to ")
        .append(s.period().to())
        .append(" (end excluded)\n");
    b.append(
        String.format(
            Locale.ROOT,
            "Events: %d   Unique installs: %d   Scans: %d%n",
            s.totalEvents(),
            s.uniqueInstalls(),
            s.scans()));
    section(b, "Events by type", s.eventsByType(), s.totalEvents());
    section(b, "Profiles (scan.started)", s.profiles(), s.scans());
    section(b, "Execution modes (scan.started)", s.modes(), s.scans());
    section(b, "Platforms (events)", s.platforms(), s.totalEvents());
    section(b, "Versions", s.versions(), s.totalEvents());
    series(b, "Unique installs per week (Monday)", s.installsByWeek());
    series(b, "Unique installs per month", s.installsByMonth());
    section(b, "Tools (scans that list the tool)", s.tools(), s.scans());
    b.append(
        "\nTool failures per run of the tool (a run is one tool on one target; * estimated: old"
            + " events without tool_runs)\n");
    b.append(
        String.format(
            Locale.ROOT,
            "  %-18s %8s %8s %8s %8s  %s%n",
            "tool",
            "scans",
            "runs",
            "failed",
            "rate",
            "by type"));
    for (ToolFailures t : s.toolFailures()) {
      StringBuilder types = new StringBuilder();
      new TreeMap<>(t.failures())
          .forEach(
              (k, v) ->
                  types
                      .append(types.length() == 0 ? "" : ", ")
                      .append(k)
                      .append(' ')
                      .append(v)
                      .append(" (")
                      .append(pct(t.rate(k)))
                      .append(')'));
      b.append(
          String.format(
              Locale.ROOT,
              "  %-18s %8d %8s %8d %8s  %s%n",
              t.tool(),
              t.scans(),
              t.runs() + (t.estimated() ? "*" : ""),
              t.totalFailures(),
              pct(t.totalRate()),
              types));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%nWizard: %d completed by %d installs%n",
            s.wizard().completed(),
            s.wizard().ids()));
    section(b, "Wizard artifacts", s.wizard().artifacts(), s.wizard().completed());
    section(b, "Wizard execution modes", s.wizard().executionModes(), s.wizard().completed());
    section(b, "Wizard durations", s.wizard().durations(), s.wizard().completed());
    section(
        b, "Output formats (report.generated)", s.outputFormats(), s.events("report.generated"));
    section(b, "Findings (scan.completed)", s.scanFindings(), s.events("scan.completed"));
    section(b, "Findings (report.generated)", s.reportFindings(), s.events("report.generated"));
    section(
        b,
        "Suppressions used (report.generated)",
        s.reportSuppressions(),
        s.events("report.generated"));
    section(
        b,
        "Compliance enabled (report.generated)",
        s.reportCompliance(),
        s.events("report.generated"));
    section(b, "Scan durations (scan.completed)", s.durations(), s.events("scan.completed"));
    return b.toString();
  }

  private static void section(StringBuilder b, String title, List<Cell> cells, long total) {
    b.append('\n').append(title).append('\n');
    if (cells.isEmpty()) {
      b.append("  (none)\n");
    }
    for (Cell c : cells) {
      b.append(
          String.format(
              Locale.ROOT,
              "  %-22s %10d %8s %8d ids%n",
              c.key(),
              c.events(),
              total == 0 ? "-" : pct(c.events() / (double) total),
              c.ids()));
    }
  }

  private static void series(StringBuilder b, String title, List<Cell> cells) {
    b.append('\n').append(title).append('\n');
    if (cells.isEmpty()) {
      b.append("  (none)\n");
    }
    for (Cell c : cells) {
      b.append(
          String.format(
              Locale.ROOT, "  %-12s %8d installs %10d events%n", c.key(), c.ids(), c.events()));
    }
  }

  public static String pct(double ratio) {
    return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
  }
}
