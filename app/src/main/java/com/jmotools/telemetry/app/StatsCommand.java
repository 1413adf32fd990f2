package com.jmotools.telemetry.app;

import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.reports.Stats;
import com.jmotools.telemetry.reports.StatsJson;
import com.jmotools.telemetry.reports.StatsTable;
import com.jmotools.telemetry.reports.TelemetryStats;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jmo-telemetry stats}: the statistics of a period, as tables or JSON. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = "Print usage statistics of a period (default: the last 30 days).")
final class StatsCommand implements Callable<Integer> {

  enum OutputFormat {
    table,
    json
  }

  @Mixin DatabaseOptions options;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  OutputFormat format;

  @Spec CommandSpec spec;

  private final Clock clock;

  StatsCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws Exception {
    var period = options.period(clock);
    try (Database db = options.open()) {
      Stats stats =
          TelemetryStats.builder()
              .dataSource(db.dataSource())
              .dialect(db.dialect())
              .build()
              .compute(period);
      PrintWriter out = spec.commandLine().getOut();
      out.print(
          format == OutputFormat.json
              ? StatsJson.MAPPER.writeValueAsString(StatsJson.toJson(stats)) + "\n"
              : StatsTable.render(stats));
      out.flush();
    }
    return 0;
  }
}
