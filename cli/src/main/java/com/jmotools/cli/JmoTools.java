package com.jmotools.cli;

import com.jmotools.cli.internal.ExitCodes;
import com.jmotools.cli.internal.JmoConfig;
import com.jmotools.cli.internal.ReportFormat;
import com.jmotools.cli.internal.ReportOperation;
import com.jmotools.cli.internal.ScanOperation;
import com.jmotools.cli.internal.ScanRequest;
import com.jmotools.cli.internal.Severity;
import com.jmotools.cli.internal.TargetOptions;
import com.jmotools.cli.internal.TelemetrySession;
import com.jmotools.cli.internal.UserError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jmotools}: shorthands for {@code jmo ci} with a profile ({@code fast}, {@code balanced},
 * {@code full} = deep) and the interactive {@code wizard}.
 */
@Command(
    name = "jmotools",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Shorthands for jmo ci with a profile, and the interactive wizard.",
    subcommands = {
      JmoTools.Fast.class,
      JmoTools.Balanced.class,
      JmoTools.Full.class,
      WizardCommand.class
    },
    footer = ExitCodes.HELP)
public final class JmoTools implements Callable<Integer> {

  @Spec CommandSpec spec;

  JmoTools() {}

  /** Runs jmotools in the real environment and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(run(CliEnvironment.system(), args));
  }

  /** Runs jmotools with {@code args} in {@code env} and returns the exit code. */
  public static int run(CliEnvironment env, String... args) {
    return Commands.execute(Commands.commandLine(new JmoTools(), env), args);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** The options of the profile shorthands. */
  abstract static class Shorthand implements Callable<Integer> {
    private final CliEnvironment env;
    private final String profile;

    @Spec CommandSpec spec;

    @Mixin ConfigOption config;

    @Option(
        names = "--repo",
        paramLabel = "PATH",
        description = "A repository to scan (repeatable).")
    List<Path> repos = new java.util.ArrayList<>();

    @Option(
        names = "--repos-dir",
        paramLabel = "DIR",
        description = "Scan every directory directly under DIR.")
    Path reposDir;

    @Option(
        names = "--results-dir",
        paramLabel = "DIR",
        defaultValue = ScanMixin.DEFAULT_RESULTS_DIR,
        description = "Where results and reports go (default: ${DEFAULT-VALUE}).")
    Path resultsDir;

    @Option(
        names = "--threads",
        paramLabel = "N",
        description = "How many tool runs at once (default: the profile's).")
    Integer threads;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        description = "The timeout of each tool run (default: the profile's).")
    Long timeout;

    @Option(
        names = "--fail-on",
        paramLabel = "SEVERITY",
        description = "Exit with 1 if a finding is at least this severe.")
    String failOn;

    Shorthand(CliEnvironment env, String profile) {
      this.env = env;
      this.profile = profile;
    }

    @Override
    public Integer call() throws InterruptedException {
      JmoConfig cfg = config.load(env);
      Severity threshold =
          failOn == null
              ? cfg.runDefaults().failOn()
              : Severity.parse(failOn)
                  .orElseThrow(
                      () ->
                          new UserError(
                              ExitCodes.USAGE,
                              "--fail-on: unknown severity '"
                                  + failOn
                                  + "' (use CRITICAL, HIGH, MEDIUM, LOW or INFO)"));
      if (timeout != null && (timeout < 1 || timeout > 86_400)) {
        throw new UserError(ExitCodes.USAGE, "--timeout must be from 1 to 86400 seconds");
      }
      if (repos.isEmpty() && reposDir == null) {
        throw new UserError(
            ExitCodes.CONFIG, "nothing to scan: give --repo PATH or --repos-dir DIR");
      }
      TargetOptions targets = new TargetOptions();
      targets.repos.addAll(repos);
      targets.reposDir = reposDir;
      ScanRequest request =
          new ScanRequest(
              targets,
              profile,
              List.of(),
              resultsDir,
              timeout == null ? null : Duration.ofSeconds(timeout),
              threads,
              false,
              false);
      try (TelemetrySession telemetry = TelemetrySession.open(env, cfg, Version.VERSION)) {
        ScanOperation.Outcome outcome =
            new ScanOperation(env, cfg, telemetry, spec.commandLine().getErr()).run(request);
        return new ReportOperation(
                env, cfg, telemetry, spec.commandLine().getOut(), Version.VERSION)
            .run(
                outcome.resultsDir(),
                null,
                cfg.runDefaults().outputs() != null
                    ? cfg.runDefaults().outputs()
                    : List.of(ReportFormat.values()),
                threshold,
                true);
      }
    }
  }

  @Command(
      name = "fast",
      mixinStandardHelpOptions = true,
      footer = ExitCodes.HELP,
      description = "jmo ci with the fast profile (trufflehog, semgrep, trivy).")
  static final class Fast extends Shorthand {
    Fast(CliEnvironment env) {
      super(env, "fast");
    }
  }

  @Command(
      name = "balanced",
      mixinStandardHelpOptions = true,
      footer = ExitCodes.HELP,
      description = "jmo ci with the balanced profile (fast + syft, checkov, hadolint, zap).")
  static final class Balanced extends Shorthand {
    Balanced(CliEnvironment env) {
      super(env, "balanced");
    }
  }

  @Command(
      name = "full",
      mixinStandardHelpOptions = true,
      footer = ExitCodes.HELP,
      description = "jmo ci with the deep profile (balanced + noseyparker, bandit, falco, afl++).")
  static final class Full extends Shorthand {
    Full(CliEnvironment env) {
      super(env, "deep");
    }
  }
}
