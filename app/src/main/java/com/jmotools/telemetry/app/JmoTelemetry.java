package com.jmotools.telemetry.app;

import com.jmotools.telemetry.collector.JmoTelemetryCommand;
import com.jmotools.telemetry.web.AnalyticsExtension;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine;

/**
 * {@code bin/jmo-telemetry}: the collector's {@code serve} (with the dashboard, {@code /v1/stats}
 * and the public page) and {@code purge}, plus {@code stats}, {@code export} and {@code report}.
 * Exit codes: 0 success, 1 the command failed (one line on standard error says why), 2 the command
 * line was wrong.
 */
public final class JmoTelemetry {

  private JmoTelemetry() {}

  /** The command line, with its output going to {@code out} and {@code err}. */
  public static CommandLine commandLine(Clock clock, OutputStream out, PrintWriter err) {
    CommandLine cl = JmoTelemetryCommand.commandLine(List.of(new AnalyticsExtension()));
    cl.addSubcommand("stats", new StatsCommand(clock));
    cl.addSubcommand("export", new ExportCommand(clock, out));
    cl.addSubcommand("report", new ReportCommand(clock));
    cl.addSubcommand("generate-completion", new picocli.AutoComplete.GenerateCompletion());
    cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
    cl.getSubcommands()
        .get("generate-completion")
        .getCommandSpec()
        .version(cl.getCommandSpec().version()); // not picocli's
    inheritVersion(cl, cl.getCommandSpec().version());
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(err);
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine c = ex.getCommandLine();
          String name = c.getCommandSpec().qualifiedName();
          c.getErr()
              .println(
                  name
                      + ": "
                      + ex.getMessage().replaceAll("\\s+", " ").trim()
                      + " (see "
                      + name
                      + " --help)");
          c.getErr().flush();
          return JmoTelemetryCommand.USAGE;
        });
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine
              .getErr()
              .println("jmo-telemetry " + commandLine.getCommandName() + ": " + oneLine(e));
          commandLine.getErr().flush();
          return 1;
        });
    return cl;
  }

  /** Gives every subcommand the root's version, so {@code --version} prints it everywhere. */
  private static void inheritVersion(CommandLine cl, String[] version) {
    if (cl.getCommandSpec().version().length == 0) {
      cl.getCommandSpec().version(version);
    }
    cl.getSubcommands().values().forEach(sub -> inheritVersion(sub, version));
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? "unexpected error" : e.getMessage();
    Throwable cause = e.getCause();
    // a parser's own words ("could not be parsed at index 10") say nothing more to a person
    if (cause != null
        && cause.getMessage() != null
        && !m.contains(cause.getMessage())
        && !(cause instanceof java.time.format.DateTimeParseException)) {
      m += ": " + cause.getMessage();
    }
    return m.replace('\n', ' ');
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    PrintStream out = System.out;
    int code =
        commandLine(
                Clock.systemUTC(),
                out,
                new PrintWriter(new OutputStreamWriter(System.err, Charset.defaultCharset()), true))
            .execute(args);
    out.flush();
    System.exit(code);
  }
}
