package com.jmotools.telemetry.reports;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The maintainers' statistics over one period, as computed by {@link TelemetryStats}. Every list of
 * cells is sorted by events (most first) and then by key, except the weekly and monthly series,
 * which are sorted by time.
 *
 * @param period the period the numbers cover
 * @param totalEvents all events in the period
 * @param uniqueInstalls distinct anonymous ids in the period
 * @param eventsByType events by {@code event} (the guide's "Count events by type")
 * @param profiles {@code scan.started} events by profile (the guide's "Most popular profiles")
 * @param modes {@code scan.started} events by mode (the guide's "Execution mode popularity")
 * @param platforms events by platform (the guide's "Platform distribution")
 * @param versions events and installs by version (version adoption)
 * @param installsByWeek distinct ids per ISO week, the key being the week's Monday
 * @param installsByMonth distinct ids per month ({@code 2026-01})
 * @param toolFailures per tool: failures per run of the tool, by failure type
 * @param wizard wizard adoption and what it produced
 * @param outputFormats {@code report.generated} events by each output format they list
 * @param scanFindings {@code scan.completed} events by {@code total_findings_bucket}
 * @param reportFindings {@code report.generated} events by {@code findings_bucket}
 * @param durations {@code scan.completed} events by {@code duration_bucket}
 * @param tools {@code scan.started} events by each tool they list (tool popularity)
 * @param reportSuppressions {@code report.generated} events by {@code suppressions_used} ({@code
 *     true}/{@code false})
 * @param reportCompliance {@code report.generated} events by {@code compliance_enabled} ({@code
 *     true}/{@code false})
 */
public record Stats(
    Period period,
    long totalEvents,
    long uniqueInstalls,
    List<Cell> eventsByType,
    List<Cell> profiles,
    List<Cell> modes,
    List<Cell> platforms,
    List<Cell> versions,
    List<Cell> installsByWeek,
    List<Cell> installsByMonth,
    List<ToolFailures> toolFailures,
    Wizard wizard,
    List<Cell> outputFormats,
    List<Cell> scanFindings,
    List<Cell> reportFindings,
    List<Cell> durations,
    List<Cell> tools,
    List<Cell> reportSuppressions,
    List<Cell> reportCompliance) {

  public Stats {
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(wizard, "wizard");
    eventsByType = List.copyOf(eventsByType);
    profiles = List.copyOf(profiles);
    modes = List.copyOf(modes);
    platforms = List.copyOf(platforms);
    versions = List.copyOf(versions);
    installsByWeek = List.copyOf(installsByWeek);
    installsByMonth = List.copyOf(installsByMonth);
    toolFailures = List.copyOf(toolFailures);
    outputFormats = List.copyOf(outputFormats);
    scanFindings = List.copyOf(scanFindings);
    reportFindings = List.copyOf(reportFindings);
    durations = List.copyOf(durations);
    tools = List.copyOf(tools);
    reportSuppressions = List.copyOf(reportSuppressions);
    reportCompliance = List.copyOf(reportCompliance);
  }

  /**
   * The ranges {@code wizard.completed}'s {@code duration_seconds} is shown in, lowest first, with
   * their exclusive upper bounds in seconds ({@code 0}: no bound).
   */
  public static final java.util.Map<String, Integer> WIZARD_DURATION_RANGES = wizardRanges();

  private static java.util.Map<String, Integer> wizardRanges() {
    java.util.Map<String, Integer> m = new java.util.LinkedHashMap<>();
    m.put("<1min", 60);
    m.put("1-3min", 180);
    m.put("3-10min", 600);
    m.put(">10min", 0);
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The range of {@link #WIZARD_DURATION_RANGES} that {@code seconds} falls in. */
  public static String wizardDurationRange(long seconds) {
    for (java.util.Map.Entry<String, Integer> r : WIZARD_DURATION_RANGES.entrySet()) {
      if (r.getValue() == 0 || seconds < r.getValue()) {
        return r.getKey();
      }
    }
    throw new AssertionError("the last range has no bound");
  }

  /**
   * Wizard adoption: how many wizard runs finished, by whom, and what they chose and produced.
   *
   * @param completed {@code wizard.completed} events
   * @param ids distinct ids that completed the wizard
   * @param artifacts by {@code artifact_generated}; {@code none} for null
   * @param executionModes by {@code execution_mode}
   * @param profiles by {@code profile_selected}
   * @param durations by range of {@code duration_seconds} ({@link #WIZARD_DURATION_RANGES}), lowest
   *     first
   */
  public record Wizard(
      long completed,
      long ids,
      List<Cell> artifacts,
      List<Cell> executionModes,
      List<Cell> profiles,
      List<Cell> durations) {
    public Wizard {
      durations = List.copyOf(durations);
      artifacts = List.copyOf(artifacts);
      executionModes = List.copyOf(executionModes);
      profiles = List.copyOf(profiles);
    }
  }

  /** The events of one type, 0 when there were none. */
  public long events(String eventType) {
    return find(eventsByType, eventType).map(Cell::events).orElse(0L);
  }

  /** Scans in the period: the {@code scan.started} events. */
  public long scans() {
    return events("scan.started");
  }

  /** The cell of that key in a list, if present. */
  public static Optional<Cell> find(List<Cell> cells, String key) {
    return cells.stream().filter(c -> c.key().equals(key)).findFirst();
  }
}
