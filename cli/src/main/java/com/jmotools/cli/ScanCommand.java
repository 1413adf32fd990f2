package com.jmotools.cli;

import com.jmotools.cli.internal.ExitCodes;
import com.jmotools.cli.internal.JmoConfig;
import com.jmotools.cli.internal.ScanOperation;
import com.jmotools.cli.internal.TelemetrySession;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jmo scan}: run the profile's tools on the targets, results under --results-dir. */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Run the profile's scanners on the targets; results go to RESULTS_DIR/<target>/<tool>.",
      "A tool that is not installed is skipped with a warning (an error with --strict).",
      "A failed tool (timeout, crash, error exit) is reported and does not change the exit code."
    },
    footer = ExitCodes.HELP)
final class ScanCommand implements Callable<Integer> {

  private final CliEnvironment env;

  @Spec CommandSpec spec;

  @Mixin ConfigOption config;

  @Mixin TargetMixin targets;

  @Mixin ScanMixin scan;

  ScanCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() throws InterruptedException {
    JmoConfig cfg = config.load(env);
    try (TelemetrySession telemetry = TelemetrySession.open(env, cfg, Version.VERSION)) {
      new ScanOperation(env, cfg, telemetry, spec.commandLine().getErr())
          .run(scan.request(targets.toOptions(), false));
    }
    return ExitCodes.OK;
  }
}
