package com.jmotools.telemetry.reports.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The maintainers' command line, {@code bin/jmo-telemetry}. Exit codes: 0 success, 1 the command
 * failed (one line on standard error says why), 2 the command line was wrong.
 */
@Command(name = "jmo-telemetry", mixinStandardHelpOptions = true, version = "jmo-telemetry 0.7.0",
    description = "Maintainer tools for JMo telemetry: statistics, export and transparency reports.")
public final class JmoTelemetry {

  private JmoTelemetry() {}

  /** The command line, with its output going to {@code out} and {@code err}. */
  public static CommandLine commandLine(Clock clock, OutputStream out, PrintWriter err) {
    CommandLine cl = new CommandLine(new JmoTelemetry());
    cl.addSubcommand(new CommandLine(new StatsCommand(clock)));
    cl.addSubcommand(new CommandLine(new ExportCommand(clock, out)));
    cl.addSubcommand(new CommandLine(new ReportCommand()));
    cl.setOut(new PrintWriter(out, true, java.nio.charset.StandardCharsets.UTF_8));
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("jmo-telemetry " + commandLine.getCommandName() + ": " + oneLine(e));
      commandLine.getErr().flush();
      return 1;
    });
    return cl;
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null && !m.contains(cause.getMessage())) {
      m += ": " + cause.getMessage();
    }
    return m.replace('\n', ' ');
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    PrintStream out = System.out;
    int code = commandLine(Clock.systemUTC(), out, new PrintWriter(System.err, true)).execute(args);
    out.flush();
    System.exit(code);
  }
}
