package com.jmotools.cli;

import com.jmotools.cli.internal.ScanRequest;
import com.jmotools.cli.internal.TargetOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The scan options shared by {@code jmo scan} and {@code jmo ci}. */
final class ScanMixin {

  /** Where results go when {@code --results-dir} is not given. */
  static final String DEFAULT_RESULTS_DIR = "results";

  @Option(
      names = {"--profile-name", "--profile"},
      paramLabel = "NAME",
      description =
          "The profile: fast, balanced, deep or one of jmo.yml (default: jmo.yml's default_profile,"
              + " else balanced).")
  String profileName;

  @Option(
      names = "--tools",
      paramLabel = "TOOL",
      split = ",",
      description =
          "Run these tools instead of the profile's (comma-separated); the profile is then reported"
              + " as custom.")
  List<String> tools = new ArrayList<>();

  @Option(
      names = {"--results-dir", "--results"},
      paramLabel = "DIR",
      defaultValue = DEFAULT_RESULTS_DIR,
      description = "Where results go, as DIR/<target>/<tool> (default: ${DEFAULT-VALUE}).")
  Path resultsDir;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "The timeout of each tool run (default: the profile's).")
  Long timeoutSeconds;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "How many tool runs at once (default: the profile's).")
  Integer threads;

  @Option(
      names = "--strict",
      description = "A tool that is not installed is an error (default: skipped with a warning).")
  boolean strict;

  ScanRequest request(TargetOptions targets, boolean fromWizard) {
    if (timeoutSeconds != null && (timeoutSeconds < 1 || timeoutSeconds > 86_400)) {
      throw new com.jmotools.cli.internal.UserError(
          com.jmotools.cli.internal.ExitCodes.USAGE, "--timeout must be from 1 to 86400 seconds");
    }
    List<String> cleaned = new ArrayList<>();
    tools.stream().map(String::trim).filter(t -> !t.isEmpty()).forEach(cleaned::add);
    return new ScanRequest(
        targets,
        profileName,
        cleaned,
        resultsDir,
        timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds),
        threads,
        strict,
        fromWizard);
  }
}
