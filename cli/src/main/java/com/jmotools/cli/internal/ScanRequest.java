package com.jmotools.cli.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a scan is asked to do.
 *
 * @param targets the target options
 * @param profileName the profile, or null for jmo.yml's default
 * @param tools tools replacing the profile's, or empty
 * @param resultsDir where results go
 * @param timeout the timeout of every tool run, or null for the profile's
 * @param threads how many runs at once, or null for the profile's
 * @param strict whether a missing tool is an error
 * @param fromWizard whether the wizard started the scan
 */
public record ScanRequest(
    TargetOptions targets,
    String profileName,
    List<String> tools,
    Path resultsDir,
    Duration timeout,
    Integer threads,
    boolean strict,
    boolean fromWizard) {

  public ScanRequest {
    Objects.requireNonNull(targets, "targets");
    tools = List.copyOf(tools);
    Objects.requireNonNull(resultsDir, "resultsDir");
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new UserError(ExitCodes.USAGE, "--timeout must be a positive number of seconds");
    }
    if (threads != null && (threads < 1 || threads > 256)) {
      throw new UserError(ExitCodes.USAGE, "--threads must be from 1 to 256");
    }
  }
}
