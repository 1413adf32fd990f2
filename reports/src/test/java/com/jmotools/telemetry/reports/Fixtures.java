package com.jmotools.telemetry.reports;

/**
 * A small seeded quarter (Q1 2026) whose every statistic is known by hand; see {@code
 * TelemetryStatsTest}. Four installations A to D send 14 events in the quarter; E sends one just
 * before it and D one just after.
 */
public final class Fixtures {

  public static final String A = "a7f3c8e2-4b1d-4f9e-8c3a-2d5e7f9b1a3c";
  public static final String B = "b7f3c8e2-4b1d-4f9e-8c3a-2d5e7f9b1a3c";
  public static final String C = "c7f3c8e2-4b1d-4f9e-8c3a-2d5e7f9b1a3c";
  public static final String D = "d7f3c8e2-4b1d-4f9e-8c3a-2d5e7f9b1a3c";
  public static final String E = "e7f3c8e2-4b1d-4f9e-8c3a-2d5e7f9b1a3c";

  public static final Period Q1 = Period.quarter("2026Q1");

  private Fixtures() {}

  public static String started(String mode, String profile, String... tools) {
    return "{\"mode\":\""
        + mode
        + "\",\"profile\":\""
        + profile
        + "\",\"tools\":[\""
        + String.join("\",\"", tools)
        + "\"],\"target_types\":{\"repos\":1,\"images\":0,\""
        + "urls\":0,\"iac\":0,\"gitlab\":0,\"k8s\":0}}";
  }

  public static String failed(String tool, String type, String exit, String profile) {
    return "{\"tool\":\""
        + tool
        + "\",\"failure_type\":\""
        + type
        + "\",\"exit_code\":"
        + exit
        + ",\"profile\":\""
        + profile
        + "\"}";
  }

  public static String completed(
      String mode, String profile, String duration, int ok, int failed, String findings) {
    return "{\"mode\":\""
        + mode
        + "\",\"profile\":\""
        + profile
        + "\",\"duration_bucket\":\""
        + duration
        + "\",\"tools_succeeded\":"
        + ok
        + ",\"tools_failed\":"
        + failed
        + ",\"total_findings_bucket\":\""
        + findings
        + "\"}";
  }

  /**
   * {@code scan.completed} of a catalog-2 client: with {@code tool_runs}, such as {@code "trivy",
   * 3, "semgrep", 3}.
   */
  public static String completedWithRuns(
      String mode,
      String profile,
      String duration,
      int ok,
      int failed,
      String findings,
      Object... toolAndRuns) {
    StringBuilder runs = new StringBuilder();
    for (int i = 0; i + 1 < toolAndRuns.length; i += 2) {
      runs.append(runs.length() == 0 ? "" : ",")
          .append('"')
          .append(toolAndRuns[i])
          .append("\":")
          .append(toolAndRuns[i + 1]);
    }
    String c = completed(mode, profile, duration, ok, failed, findings);
    return c.substring(0, c.length() - 1) + ",\"tool_runs\":{" + runs + "}}";
  }

  public static String wizard(String profile, String exec, String artifact, int seconds) {
    return "{\"profile_selected\":\""
        + profile
        + "\",\"execution_mode\":\""
        + exec
        + "\",\"artifact_generated\":"
        + (artifact == null ? "null" : "\"" + artifact + "\"")
        + ",\"duration_seconds\":"
        + seconds
        + "}";
  }

  public static String report(
      String findings, boolean suppressions, boolean compliance, String... formats) {
    return "{\"output_formats\":[\""
        + String.join("\",\"", formats)
        + "\"],\"findings_bucket\":\""
        + findings
        + "\",\"suppressions_used\":"
        + suppressions
        + ",\"compliance_enabled\":"
        + compliance
        + "}";
  }

  public static Seeder quarter() {
    return new Seeder()
        .add(
            "scan.started",
            A,
            "Linux",
            "0.7.0",
            "2026-01-05T10:00:00Z",
            started("cli", "balanced", "trivy", "semgrep"))
        .add(
            "scan.started",
            A,
            "Linux",
            "0.7.0",
            "2026-01-05T11:00:00Z",
            started("cli", "balanced", "trivy"))
        .add(
            "scan.started",
            B,
            "macOS",
            "0.7.1",
            "2026-01-12T09:00:00Z",
            started("wizard", "fast", "trivy", "zap"))
        .add(
            "scan.started",
            C,
            "Windows",
            "0.7.1",
            "2026-02-02T09:00:00Z",
            started("docker", "deep", "zap"))
        .add(
            "scan.started",
            D,
            "Linux",
            "0.7.1",
            "2026-03-30T23:00:00Z",
            started("cli", "balanced", "semgrep"))
        .add(
            "tool.failed",
            A,
            "Linux",
            "0.7.0",
            "2026-01-05T10:00:00Z",
            failed("trivy", "timeout", "null", "balanced"))
        .add(
            "tool.failed",
            B,
            "macOS",
            "0.7.1",
            "2026-01-12T09:00:00Z",
            failed("trivy", "crash", "139", "fast"))
        .add(
            "tool.failed",
            B,
            "macOS",
            "0.7.1",
            "2026-01-12T09:00:00Z",
            failed("zap", "non_zero_exit", "2", "fast"))
        .add(
            "scan.completed",
            A,
            "Linux",
            "0.7.0",
            "2026-01-05T10:00:00Z",
            completed("cli", "balanced", "<5min", 1, 1, "10-100"))
        .add(
            "scan.completed",
            B,
            "macOS",
            "0.7.1",
            "2026-01-12T10:00:00Z",
            completed("wizard", "fast", "5-15min", 1, 2, "0"))
        .add(
            "wizard.completed",
            B,
            "macOS",
            "0.7.1",
            "2026-01-12T08:00:00Z",
            wizard("fast", "docker", "makefile", 120))
        .add(
            "wizard.completed",
            C,
            "Windows",
            "0.7.1",
            "2026-02-02T08:00:00Z",
            wizard("deep", "native", null, 60))
        .add(
            "report.generated",
            A,
            "Linux",
            "0.7.0",
            "2026-01-05T12:00:00Z",
            report("10-100", true, false, "json", "md"))
        .add(
            "report.generated",
            D,
            "Linux",
            "0.7.1",
            "2026-03-29T12:00:00Z",
            report(">1000", false, true, "json", "sarif"))
        // Outside Q1: the hour before it and the first hour after it.
        .add(
            "scan.started",
            E,
            "Linux",
            "0.6.0",
            "2025-12-31T23:00:00Z",
            started("cli", "fast", "trivy"))
        .add(
            "scan.started",
            D,
            "Linux",
            "0.7.1",
            "2026-04-01T00:00:00Z",
            started("cli", "fast", "trivy"));
  }

  /** The anonymous id of installation {@code i} of group {@code group} (a quarter, or a cohort). */
  public static String id(int group, int i) {
    return String.format("%08d-1111-4111-8111-%012d", group, i);
  }

  /**
   * {@code installs} installations of {@code group} each sending {@code each} scans on {@code day}.
   */
  public static void scans(
      Seeder s, int group, int installs, int each, String day, String metadata) {
    for (int i = 0; i < installs; i++) {
      for (int n = 0; n < each; n++) {
        s.add("scan.started", id(group, i), "Linux", "0.8.0", day + "T10:00:00Z", metadata);
      }
    }
  }

  /**
   * An auditor's scenario of Q3 2026: 30 installations scan once; 3 of them complete the wizard
   * twice and one generates 4 reports, so wizard runs and reports come from fewer than k
   * installations and must show in no published table, not even as "Other".
   */
  public static Seeder rareWizardAndReports() {
    Seeder s = new Seeder();
    scans(s, 1, 30, 1, "2026-07-10", started("cli", "balanced", "trivy"));
    for (int i = 0; i < 3; i++) {
      for (int n = 0; n < 2; n++) {
        s.add(
            "wizard.completed",
            id(1, i),
            "Linux",
            "0.8.0",
            "2026-07-11T10:00:00Z",
            wizard("balanced", "docker", "gha", 120));
      }
    }
    for (int n = 0; n < 4; n++) {
      s.add(
          "report.generated",
          id(1, 5),
          "Linux",
          "0.8.0",
          "2026-07-12T10:00:00Z",
          report("1-10", false, false, "json"));
    }
    return s;
  }
}
