package com.jmotools.telemetry.reports.cli;

import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.reports.MinimumCount;
import com.jmotools.telemetry.reports.Period;
import com.jmotools.telemetry.reports.TransparencyReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jmo-telemetry report}: the quarterly transparency report. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write the quarterly public transparency report (Markdown, HTML, JSON and PNG charts).")
final class ReportCommand implements Callable<Integer> {

  @Option(names = "--db", paramLabel = "PATH|JDBC-URL", defaultValue = "${env:JMO_TELEMETRY_DB:-" + Database.DEFAULT_LOCATION + "}",
      description = "The collector's database: a SQLite file or a JDBC URL (env JMO_TELEMETRY_DB, as for serve;"
          + " default: ${DEFAULT-VALUE}).")
  String db;

  @Option(names = "--quarter", required = true, paramLabel = "YYYYQn", description = "The quarter, such as 2026Q1.")
  String quarter;

  @Option(names = "--total-installs", paramLabel = "N",
      description = "All installations (from download counts), for the opt-in rate; without it the rate is unknown.")
  Long totalInstalls;

  @Option(names = "--k", defaultValue = "" + MinimumCount.DEFAULT_K,
      description = "Hide any figure backed by fewer than k installations (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "transparency",
      description = "Directory to write into (default: ${DEFAULT-VALUE}).")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Period period = Period.quarter(quarter);
    DatabaseOptions options = new DatabaseOptions();
    options.db = db;
    try (Database database = options.open()) {
      TransparencyReport.Builder b = TransparencyReport.builder().dataSource(database.dataSource())
          .dialect(database.dialect()).quarter(period).k(k);
      if (totalInstalls != null) {
        b.totalInstalls(totalInstalls);
      }
      TransparencyReport.Result r = b.build().write(out);
      var w = spec.commandLine().getOut();
      w.println("wrote " + r.markdown() + ", " + r.html() + ", " + r.json() + ", " + r.sample() + " and "
          + r.charts().size() + " charts; " + r.suppressed() + " cells suppressed (k=" + k + ")");
      w.flush();
    }
    return 0;
  }
}
