package com.jmotools.telemetry.reports.cli;

import com.jmotools.telemetry.collector.JmoTelemetryCommand;
import com.jmotools.telemetry.reports.AnalyticsExtension;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine;

/**
 * {@code bin/jmo-telemetry}: the collector's {@code serve} (with the dashboard, {@code /v1/stats}
 * and the public page) and {@code purge}, plus {@code stats}, {@code export} and {@code report}.
 * Exit codes: 0 success, 1 the command failed (one line on standard error says why), 2 the
 * command line was wrong.
 */
public final class JmoTelemetry {

  private JmoTelemetry() {}

  /** The command line, with its output going to {@code out} and {@code err}. */
  public static CommandLine commandLine(Clock clock, OutputStream out, PrintWriter err) {
    CommandLine cl = JmoTelemetryCommand.commandLine(List.of(new AnalyticsExtension()));
    cl.addSubcommand("stats", new StatsCommand(clock));
    cl.addSubcommand("export", new ExportCommand(clock, out));
    cl.addSubcommand("report", new ReportCommand(clock));
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
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
