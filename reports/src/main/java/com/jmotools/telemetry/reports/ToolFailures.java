package com.jmotools.telemetry.reports;

import java.util.Map;
import java.util.Objects;

/**
 * How often one tool failed per scan that ran it (the guide's "Trivy timeout 12 %").
 *
 * @param tool the tool's catalog name
 * @param scans how many {@code scan.started} events list the tool
 * @param scanIds how many distinct installations ran those scans
 * @param failures {@code tool.failed} events of the tool, by failure type
 * @param failureIds distinct installations that reported each failure type
 */
public record ToolFailures(String tool, long scans, long scanIds, Map<String, Long> failures, Map<String, Long> failureIds) {

  public ToolFailures {
    Objects.requireNonNull(tool, "tool");
    failures = Map.copyOf(failures);
    failureIds = Map.copyOf(failureIds);
  }

  /** All failures of the tool, whatever their type. */
  public long totalFailures() {
    return failures.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Failures of that type per scan that ran the tool (0 when no scan ran it). */
  public double rate(String failureType) {
    return scans == 0 ? 0 : failures.getOrDefault(failureType, 0L) / (double) scans;
  }

  /** All failures per scan that ran the tool (0 when no scan ran it). */
  public double totalRate() {
    return scans == 0 ? 0 : totalFailures() / (double) scans;
  }
}
