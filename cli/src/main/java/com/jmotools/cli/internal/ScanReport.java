package com.jmotools.cli.internal;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code jmo report} writes: the findings left after suppressions, those suppressed and why,
 * and how each tool run went.
 *
 * @param generatedAt when the report was made
 * @param findings the unsuppressed findings, most severe first
 * @param suppressed the suppressed findings with the rule's reason
 * @param runs how each tool run went
 * @param compliance whether findings carry OWASP Top 10 categories
 * @param problems results that could not be read (named, never fatal)
 */
public record ScanReport(
    Instant generatedAt,
    List<Finding> findings,
    List<Suppressed> suppressed,
    List<Run> runs,
    boolean compliance,
    List<String> problems) {

  /** A suppressed finding and the reason of the rule that matched it. */
  public record Suppressed(Finding finding, String reason) {}

  /** One tool run as read from its status.json. */
  public record Run(
      String target,
      String tool,
      String status,
      String failureType,
      Integer exitCode,
      long durationMs,
      int findings) {}

  public ScanReport {
    findings = List.copyOf(findings);
    suppressed = List.copyOf(suppressed);
    runs = List.copyOf(runs);
    problems = List.copyOf(problems);
  }

  /** How many unsuppressed findings of each severity. */
  public Map<Severity, Integer> bySeverity() {
    Map<Severity, Integer> out = new EnumMap<>(Severity.class);
    for (Severity s : Severity.values()) {
      out.put(s, 0);
    }
    findings.forEach(f -> out.merge(f.severity(), 1, Integer::sum));
    return out;
  }

  /** Whether any unsuppressed finding is at least {@code threshold}. */
  public boolean hasAtLeast(Severity threshold) {
    return findings.stream().anyMatch(f -> f.severity().atLeast(threshold));
  }
}
