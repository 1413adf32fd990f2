package com.jmotools.telemetry.app;

import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.reports.Period;
import java.time.Clock;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every maintainer command shares: which database, and which period. */
final class DatabaseOptions {

  @Mixin com.jmotools.telemetry.collector.DatabaseOption database;

  @Option(
      names = "--from",
      paramLabel = "DATE|TIME",
      description =
          "Start of the period, included (2026-01-01 or 2026-01-01T10:00:00Z); default: --to minus "
              + Period.DEFAULT_DAYS
              + " days.")
  String from;

  @Option(
      names = "--to",
      paramLabel = "DATE|TIME",
      description = "End of the period, excluded; default: the end of the current hour.")
  String to;

  /** Opens the database named by {@code --db} for reading; see {@link ReadingDatabase#open}. */
  Database open() {
    return ReadingDatabase.open(database.location());
  }

  Period period(Clock clock) {
    Period last = Period.lastDays(clock, Period.DEFAULT_DAYS);
    java.time.Instant end = to == null ? last.to() : Period.parseBound(to);
    java.time.Instant start =
        from == null
            ? end.minus(java.time.Duration.ofDays(Period.DEFAULT_DAYS))
            : Period.parseBound(from);
    return new Period(start, end);
  }
}
