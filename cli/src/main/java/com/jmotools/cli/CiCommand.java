package com.jmotools.cli;

import com.jmotools.cli.internal.ExitCodes;
import com.jmotools.cli.internal.JmoConfig;
import com.jmotools.cli.internal.ReportOperation;
import com.jmotools.cli.internal.ScanOperation;
import com.jmotools.cli.internal.TelemetrySession;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jmo ci}: scan, then report; the exit code comes from {@code --fail-on}. */
@Command(
    name = "ci",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Scan, then write the reports; exit with 1 when a finding reaches --fail-on.",
    footer = ExitCodes.HELP)
final class CiCommand implements Callable<Integer> {

  private final CliEnvironment env;

  @Spec CommandSpec spec;

  @Mixin ConfigOption config;

  @Mixin TargetMixin targets;

  @Mixin ScanMixin scan;

  @Mixin ReportMixin report;

  CiCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() throws InterruptedException {
    JmoConfig cfg = config.load(env);
    // Check the report options before spending time on the scan.
    var formats = report.formats(cfg);
    var failOn = report.failOn(cfg);
    try (TelemetrySession telemetry = TelemetrySession.open(env, cfg, Version.VERSION)) {
      ScanOperation.Outcome outcome =
          new ScanOperation(env, cfg, telemetry, spec.commandLine().getErr())
              .run(scan.request(targets.toOptions(), false));
      return new ReportOperation(env, cfg, telemetry, spec.commandLine().getOut(), Version.VERSION)
          .run(outcome.resultsDir(), report.out, formats, failOn, true);
    }
  }
}
