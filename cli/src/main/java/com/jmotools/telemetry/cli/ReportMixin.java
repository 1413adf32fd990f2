package com.jmotools.telemetry.cli;

import com.jmotools.telemetry.cli.internal.ExitCodes;
import com.jmotools.telemetry.cli.internal.ReportFormat;
import com.jmotools.telemetry.cli.internal.Severity;
import com.jmotools.telemetry.cli.internal.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** The report options shared by {@code jmo report} and {@code jmo ci}. */
final class ReportMixin {

  /** The formats written when {@code --formats} is not given. */
  static final String DEFAULT_FORMATS = "json,md,html,sarif,yaml";

  @Option(names = "--out", paramLabel = "DIR", description = "Where the report files go (default: RESULTS_DIR/summaries).")
  Path out;

  @Option(names = "--formats", paramLabel = "LIST", defaultValue = DEFAULT_FORMATS,
      description = "Report formats, comma-separated, from json, md, html, sarif, yaml (default: ${DEFAULT-VALUE}).")
  String formats;

  @Option(names = "--fail-on", paramLabel = "SEVERITY",
      description = "Exit with 1 if an unsuppressed finding is at least this severe: CRITICAL, HIGH, MEDIUM, LOW or INFO.")
  String failOn;

  List<ReportFormat> formats() {
    Set<ReportFormat> out = new LinkedHashSet<>();
    for (String f : formats.split(",")) {
      if (f.isBlank()) {
        continue;
      }
      try {
        out.add(ReportFormat.parse(f));
      } catch (IllegalArgumentException e) {
        throw new UserError(ExitCodes.USAGE, "--formats: " + e.getMessage());
      }
    }
    if (out.isEmpty()) {
      throw new UserError(ExitCodes.USAGE, "--formats: name at least one of json, md, html, sarif, yaml");
    }
    return new ArrayList<>(out);
  }

  Severity failOn() {
    if (failOn == null) {
      return null;
    }
    return Severity.parse(failOn).orElseThrow(() -> new UserError(ExitCodes.USAGE,
        "--fail-on: unknown severity '" + failOn + "' (use CRITICAL, HIGH, MEDIUM, LOW or INFO)"));
  }
}
