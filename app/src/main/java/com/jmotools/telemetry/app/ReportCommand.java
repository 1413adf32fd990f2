package com.jmotools.telemetry.app;

import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.reports.MinimumCount;
import com.jmotools.telemetry.reports.Period;
import com.jmotools.telemetry.reports.TransparencyReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jmo-telemetry report}: the quarterly transparency report. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Write the quarterly public transparency report (Markdown, HTML, JSON and PNG charts named"
          + " after the quarter, so several quarters can share a folder).",
      "A quarter that has not started is refused. A quarter in progress is reported up to the"
          + " end of the current hour, rounded like /public (counts down to a multiple of k,"
          + " shares of those counts as whole percents), since it may be written again; a"
          + " finished quarter is exact."
    })
final class ReportCommand implements Callable<Integer> {

  private final java.time.Clock clock;

  ReportCommand(java.time.Clock clock) {
    this.clock = clock;
  }

  @Mixin com.jmotools.telemetry.collector.DatabaseOption database;

  @Option(
      names = "--quarter",
      required = true,
      paramLabel = "YYYYQn",
      description = "The quarter, such as 2026Q1 (a year from 2000 to 9999).")
  String quarter;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "" + TransparencyReport.DEFAULT_SEED,
      description =
          "Seed of the random draw of sample events; the same seed on the same data draws the same"
              + " sample (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--k",
      defaultValue = "" + MinimumCount.DEFAULT_K,
      description =
          "Hide any figure backed by fewer than k installations (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(
      names = "--retention-days",
      paramLabel = "DAYS",
      defaultValue = "${env:JMO_TELEMETRY_RETENTION_DAYS:-400}",
      description =
          "How long the collector keeps events, as the report states it: the collector's"
              + " --retention-days (env JMO_TELEMETRY_RETENTION_DAYS; default: ${DEFAULT-VALUE}).")
  int retentionDays;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "transparency",
      description = "Directory to write into (default: ${DEFAULT-VALUE}).")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Period period;
    try {
      period = Period.quarter(quarter);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--quarter: " + e.getMessage(), e);
    }
    if (k < 1) {
      throw new ParameterException(spec.commandLine(), "--k must be at least 1: " + k);
    }
    if (retentionDays < 1) {
      throw new ParameterException(
          spec.commandLine(), "--retention-days must be at least 1: " + retentionDays);
    }
    try (Database db = ReadingDatabase.open(database.location())) {
      TransparencyReport.Builder b =
          TransparencyReport.builder()
              .dataSource(db.dataSource())
              .dialect(db.dialect())
              .quarter(period)
              .k(k)
              .seed(seed)
              .retention(Duration.ofDays(retentionDays))
              .clock(clock);
      TransparencyReport.Result r = b.build().write(out);
      var w = spec.commandLine().getOut();
      w.println(
          "wrote "
              + r.markdown()
              + ", "
              + r.html()
              + ", "
              + r.json()
              + ", "
              + r.sample()
              + " and "
              + r.charts().size()
              + " charts; "
              + r.suppressed()
              + " cells suppressed (k="
              + k
              + ")");
      w.flush();
    }
    return 0;
  }
}
