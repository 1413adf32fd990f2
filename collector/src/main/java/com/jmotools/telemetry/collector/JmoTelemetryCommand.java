package com.jmotools.telemetry.collector;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code jmo-telemetry}, the maintainers' command. The collector provides {@code serve} and {@code
 * purge}; other modules add subcommands to {@link #commandLine(List)}'s result.
 */
@Command(
    name = "jmo-telemetry",
    mixinStandardHelpOptions = true,
    versionProvider = JmoTelemetryCommand.BuildVersion.class,
    description = "The JMo telemetry collector and its maintenance commands.")
public final class JmoTelemetryCommand implements java.util.concurrent.Callable<Integer> {

  /** The exit code of a wrong command line, no arguments included (as {@code jmo}). */
  public static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
  }

  /**
   * The command line with {@code serve} (serving also the routes of {@code extensions}) and {@code
   * purge}. User errors print one line and exit 2; failures print one line and exit 1.
   */
  public static CommandLine commandLine(List<CollectorExtension> extensions) {
    CommandLine line =
        new CommandLine(new JmoTelemetryCommand())
            .addSubcommand("serve", new ServeCommand(extensions))
            .addSubcommand("purge", new PurgeCommand());
    line.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr()
              .println(
                  "jmo-telemetry: "
                      + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
          return 1;
        });
    return line;
  }

  /** The build's version (the Maven project version), as {@code jmo-telemetry 0.7.0}. */
  static final class BuildVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = JmoTelemetryCommand.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {"jmo-telemetry " + p.getProperty("version", "unknown")};
    }
  }
}
