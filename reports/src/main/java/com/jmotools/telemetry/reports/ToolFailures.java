package com.jmotools.telemetry.reports;

import java.util.Map;
import java.util.Objects;

/**
 * How often one tool failed per run of the tool (the guide's "Trivy timeout 12 %").
 *
 * <p>A run is one tool on one target: a scan over three repositories runs each of its tools three
 * times, and {@code tool.failed} is sent once per failing run. Since catalog version 2 the client
 * says how many runs there were ({@code tool_runs} on {@code scan.completed}). For scans without
 * that field (clients of catalog version 1) the documented rule is: such a scan counts as one run
 * of each tool it lists, and when a tool's failures still exceed its runs, its runs are raised to
 * its failures (a failure is at least one run). A rate that used the rule is {@link #estimated()};
 * no rate ever exceeds 1.
 *
 * @param tool the tool's catalog name
 * @param scans how many {@code scan.started} events list the tool
 * @param scanIds how many distinct installations ran those scans
 * @param reportedRuns the runs of the tool that {@code scan.completed} events reported ({@code
 *     tool_runs})
 * @param reportingScans how many {@code scan.completed} events reported runs of the tool
 * @param failures {@code tool.failed} events of the tool, by failure type
 * @param failureIds distinct installations that reported each failure type
 */
public record ToolFailures(
    String tool,
    long scans,
    long scanIds,
    long reportedRuns,
    long reportingScans,
    Map<String, Long> failures,
    Map<String, Long> failureIds) {

  public ToolFailures {
    Objects.requireNonNull(tool, "tool");
    failures = Map.copyOf(failures);
    failureIds = Map.copyOf(failureIds);
  }

  /** All failures of the tool, whatever their type. */
  public long totalFailures() {
    return failures.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Scans that listed the tool but reported no run count: each counts as one run (the rule for old
   * events).
   */
  public long legacyScans() {
    return Math.max(0, scans - reportingScans);
  }

  /**
   * Runs of the tool: reported runs, plus one per legacy scan, and never fewer than its failures.
   */
  public long runs() {
    return Math.max(reportedRuns + legacyScans(), totalFailures());
  }

  /**
   * Whether {@link #runs()} used the rule for events without {@code tool_runs}, so the rates are
   * estimates.
   */
  public boolean estimated() {
    return legacyScans() > 0 || reportedRuns + legacyScans() < totalFailures();
  }

  /** Failures of that type per run of the tool, between 0 and 1 (0 when it never ran). */
  public double rate(String failureType) {
    long runs = runs();
    return runs == 0 ? 0 : failures.getOrDefault(failureType, 0L) / (double) runs;
  }

  /** All failures per run of the tool, between 0 and 1 (0 when it never ran). */
  public double totalRate() {
    long runs = runs();
    return runs == 0 ? 0 : totalFailures() / (double) runs;
  }
}
