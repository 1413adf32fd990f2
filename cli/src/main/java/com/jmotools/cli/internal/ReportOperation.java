package com.jmotools.cli.internal;

import com.jmotools.cli.CliEnvironment;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code jmo report}: read the results, apply suppressions, write the chosen formats, record {@code
 * report.generated}, and decide the exit code from {@code --fail-on}.
 */
public final class ReportOperation {

  private final CliEnvironment env;
  private final JmoConfig config;
  private final TelemetrySession telemetry;
  private final PrintWriter out;
  private final String version;

  public ReportOperation(
      CliEnvironment env,
      JmoConfig config,
      TelemetrySession telemetry,
      PrintWriter out,
      String version) {
    this.env = env;
    this.config = config;
    this.telemetry = telemetry;
    this.out = out;
    this.version = version;
  }

  /**
   * Writes the report of {@code resultsDir} into {@code outDir} (default {@code
   * resultsDir/summaries}).
   *
   * @return {@link ExitCodes#FINDINGS} if {@code failOn} is set and met, else {@link ExitCodes#OK}
   */
  public int run(Path resultsDir, Path outDir, List<ReportFormat> formats, Severity failOn) {
    return run(resultsDir, outDir, formats, failOn, false);
  }

  /**
   * As {@link #run(Path, Path, List, Severity)}; with {@code afterScan} a scan that ran no tool
   * gives an empty report.
   */
  public int run(
      Path resultsDir,
      Path outDir,
      List<ReportFormat> formats,
      Severity failOn,
      boolean afterScan) {
    Path results = env.workingDirectory().resolve(resultsDir).normalize();
    Path target =
        outDir != null
            ? env.workingDirectory().resolve(outDir).normalize()
            : results.resolve("summaries");
    ScanReport report =
        ResultsReader.read(
            results, config.suppressions(), config.compliance(), env.clock(), afterScan);
    List<Path> written = new ReportWriter(version).write(report, formats, target);
    telemetry.reportGenerated(
        formats, report.findings().size(), !report.suppressed().isEmpty(), config.compliance());
    StringBuilder counts = new StringBuilder();
    report
        .bySeverity()
        .forEach(
            (s, n) -> {
              if (n > 0) {
                counts
                    .append(counts.length() == 0 ? "" : ", ")
                    .append(n)
                    .append(' ')
                    .append(s.name().toLowerCase(Locale.ROOT));
              }
            });
    out.println(
        String.format(
            Locale.ROOT,
            "%d finding(s)%s, %d suppressed",
            report.findings().size(),
            counts.length() == 0 ? "" : " (" + counts + ")",
            report.suppressed().size()));
    report.problems().forEach(p -> out.println("warning: " + p));
    written.forEach(p -> out.println("wrote " + p));
    out.flush();
    if (failOn != null && report.hasAtLeast(failOn)) {
      out.println("failing: at least one finding at or above " + failOn);
      out.flush();
      return ExitCodes.FINDINGS;
    }
    return ExitCodes.OK;
  }
}
