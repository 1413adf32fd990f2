package com.jmotools.telemetry.reports.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The transparency report's charts, drawn from its k-safe JSON only, named {@code
 * <quarter>-<chart>.png} so reports of several quarters can share a folder.
 */
public final class ReportCharts {

  /**
   * One chart of shares: its name, its title, what its bars are, and where its shares are in the
   * report's figures.
   */
  @SuppressWarnings("ArrayRecordComponent") // constants, never compared
  private record ShareChart(
      String name, String title, String category, String of, String... path) {}

  private static final List<ShareChart> SHARE_CHARTS =
      List.of(
          new ShareChart("platforms", "Platforms", "Platform", "events", "platforms"),
          new ShareChart("profiles", "Scan profiles", "Profile", "scans", "profiles"),
          new ShareChart("modes", "Execution modes", "Mode", "scans", "modes"),
          new ShareChart("tools", "Tools run by scans", "Tool", "scans", "tools"),
          new ShareChart(
              "scan-durations", "Scan durations", "Duration", "completed scans", "scan_durations"),
          new ShareChart(
              "scan-findings", "Findings per scan", "Findings", "completed scans", "scan_findings"),
          new ShareChart(
              "report-formats",
              "Report formats written",
              "Format",
              "reports",
              "reports",
              "output_formats"),
          new ShareChart(
              "report-findings",
              "Findings per report",
              "Findings",
              "reports",
              "reports",
              "findings"),
          new ShareChart(
              "wizard-artifacts",
              "Artifacts the wizard wrote",
              "Artifact",
              "wizard runs",
              "wizard",
              "artifacts"),
          new ShareChart(
              "wizard-durations",
              "Time spent in the wizard",
              "Duration",
              "wizard runs",
              "wizard",
              "durations"));

  /** The charts that are not shares: tool failures and installations per day. */
  private static final List<String> OTHER_CHARTS = List.of("tool-failures", "installs");

  private ReportCharts() {}

  /**
   * The chart files of {@code quarterId} that exist in {@code dir}: every chart this class may
   * write for that quarter, and no other file (another quarter's charts share the folder).
   */
  public static List<Path> files(Path dir, String quarterId) {
    List<String> names = new ArrayList<>();
    SHARE_CHARTS.forEach(c -> names.add(c.name()));
    names.addAll(OTHER_CHARTS);
    List<Path> out = new ArrayList<>();
    for (String n : names) {
      Path file = dir.resolve(quarterId + "-" + n + ".png");
      if (Files.isRegularFile(file)) {
        out.add(file);
      }
    }
    return out;
  }

  /**
   * Writes the charts that have something to show into {@code dir}; returns their files in report
   * order.
   */
  public static List<Path> write(
      ObjectNode report, Path dir, String quarterId, String quarterLabel) {
    List<Path> out = new ArrayList<>();
    JsonNode figures = report.get("figures");
    for (ShareChart c : SHARE_CHARTS) {
      JsonNode shares = figures;
      for (String p : c.path()) {
        shares = shares.get(p);
      }
      Map<String, Double> values = new LinkedHashMap<>();
      shares
          .get("values")
          .forEach(
              s ->
                  values.put(
                      ReportText.label(s.get("key").asText()), s.get("share").asDouble() * 100));
      if (!shares.get("other").isNull()) {
        values.put(
            shares.get("other").has("values")
                ? "Other (" + shares.get("other").get("values").asInt() + " hidden)"
                : "Other (hidden)",
            shares.get("other").get("share").asDouble() * 100);
      }
      if (!shares.get("values").isEmpty()) {
        Path file = dir.resolve(quarterId + "-" + c.name() + ".png");
        Charts.bars(
            file,
            c.title() + ", " + quarterLabel,
            c.category(),
            "Share of " + c.of() + " (%)",
            values);
        out.add(file);
      }
    }
    Map<String, Double> failures = new LinkedHashMap<>();
    figures
        .get("tool_failures")
        .forEach(
            f -> {
              if (failures.size() < 12) {
                failures.put(
                    ReportText.label(f.get("tool").asText())
                        + " "
                        + f.get("failure_type").asText().replace('_', ' ')
                        + (f.get("runs_estimated").asBoolean() ? " *" : ""),
                    f.get("rate").asDouble() * 100);
              }
            });
    if (!failures.isEmpty()) {
      Path file = dir.resolve(quarterId + "-" + OTHER_CHARTS.get(0) + ".png");
      Charts.bars(
          file,
          "Tool failures per run, " + quarterLabel,
          "Tool and failure",
          "Failed runs (% of the tool's runs)",
          failures);
      out.add(file);
    }
    Map<LocalDate, Long> days = new LinkedHashMap<>();
    report
        .get("installs_by_day")
        .properties()
        .forEach(
            e ->
                days.put(
                    LocalDate.parse(e.getKey()),
                    e.getValue().isNull() ? null : e.getValue().asLong()));
    if (days.values().stream().anyMatch(v -> v != null && v > 0)) {
      Path file = dir.resolve(quarterId + "-" + OTHER_CHARTS.get(1) + ".png");
      Charts.daily(
          file, "Installations sending telemetry per day, " + quarterLabel, "Installations", days);
      out.add(file);
    }
    return out;
  }
}
