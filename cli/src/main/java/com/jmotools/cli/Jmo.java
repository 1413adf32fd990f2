package com.jmotools.cli;

import com.jmotools.cli.internal.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code jmo}: the security-scan orchestrator ({@code scan}, {@code report}, {@code ci}) and its
 * telemetry controls ({@code telemetry}).
 */
@Command(
    name = "jmo",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description =
        "Run security scanners on repositories, images, IaC, URLs, GitLab and Kubernetes, and"
            + " report their findings.",
    subcommands = {ScanCommand.class, ReportCommand.class, CiCommand.class, TelemetryCommand.class},
    footer = ExitCodes.HELP)
public final class Jmo implements Callable<Integer> {

  @Spec CommandSpec spec;

  Jmo() {}

  /** Runs jmo in the real environment and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(run(CliEnvironment.system(), args));
  }

  /**
   * Runs jmo with {@code args} in {@code env} and returns the exit code (documented in {@code
   * --help}).
   */
  public static int run(CliEnvironment env, String... args) {
    return Commands.execute(Commands.commandLine(new Jmo(), env), args);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** The version of jmo, as sent in telemetry. */
  public static String version() {
    return Version.VERSION;
  }
}
