package com.jmotools.cli;

import com.jmotools.cli.internal.ExitCodes;
import com.jmotools.cli.internal.JmoConfig;
import com.jmotools.cli.internal.ReportFormat;
import com.jmotools.cli.internal.Severity;
import com.jmotools.cli.internal.UserError;
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

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Where the report files go (default: RESULTS_DIR/summaries).")
  Path out;

  @Option(
      names = "--formats",
      paramLabel = "LIST",
      description =
          "Report formats, comma-separated, from json, md, html, sarif, yaml (default: jmo.yml's"
              + " outputs, else "
              + DEFAULT_FORMATS
              + ").")
  String formats;

  @Option(
      names = "--fail-on",
      paramLabel = "SEVERITY",
      description =
          "Exit with 1 if an unsuppressed finding is at least this severe: CRITICAL, HIGH, MEDIUM,"
              + " LOW or INFO (default: jmo.yml's fail_on, else never).")
  String failOn;

  /** The formats: --formats, else jmo.yml's outputs, else {@value #DEFAULT_FORMATS}. */
  List<ReportFormat> formats(JmoConfig config) {
    if (formats == null && config.runDefaults().outputs() != null) {
      return config.runDefaults().outputs();
    }
    String list = formats != null ? formats : DEFAULT_FORMATS;
    Set<ReportFormat> out = new LinkedHashSet<>();
    for (String f : list.split(",")) {
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
      throw new UserError(
          ExitCodes.USAGE, "--formats: name at least one of json, md, html, sarif, yaml");
    }
    return new ArrayList<>(out);
  }

  /** The threshold: --fail-on, else jmo.yml's fail_on, else none. */
  Severity failOn(JmoConfig config) {
    if (failOn == null) {
      return config.runDefaults().failOn();
    }
    return Severity.parse(failOn)
        .orElseThrow(
            () ->
                new UserError(
                    ExitCodes.USAGE,
                    "--fail-on: unknown severity '"
                        + failOn
                        + "' (use CRITICAL, HIGH, MEDIUM, LOW or INFO)"));
  }
}
