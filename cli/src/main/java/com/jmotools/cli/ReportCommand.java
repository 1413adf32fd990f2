package com.jmotools.cli;

import com.jmotools.cli.internal.ExitCodes;
import com.jmotools.cli.internal.JmoConfig;
import com.jmotools.cli.internal.ReportOperation;
import com.jmotools.cli.internal.TelemetrySession;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jmo report}: normalise the findings of a results directory and write reports. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Write the reports of a jmo scan's results.",
      "Reads RESULTS_DIR, normalises the findings (tool, rule, severity, location), applies"
          + " jmo.yml's",
      "suppressions and writes the report files."
    },
    footer = ExitCodes.HELP)
final class ReportCommand implements Callable<Integer> {

  private final CliEnvironment env;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RESULTS_DIR", description = "The --results-dir of a scan.")
  Path resultsDir;

  @Mixin ConfigOption config;

  @Mixin ReportMixin report;

  ReportCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    JmoConfig cfg = config.load(env);
    try (TelemetrySession telemetry = TelemetrySession.open(env, cfg, Version.VERSION)) {
      return new ReportOperation(env, cfg, telemetry, spec.commandLine().getOut(), Version.VERSION)
          .run(resultsDir, report.out, report.formats(cfg), report.failOn(cfg));
    }
  }
}
