package com.jmotools.telemetry.app;

import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.reports.Period;
import java.time.Clock;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options every maintainer command shares: which database, and which period. */
final class DatabaseOptions {

  @Mixin com.jmotools.telemetry.collector.DatabaseOption database;

  /** The command these options are mixed into, for its usage errors. */
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

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

  /**
   * The period of {@code --from} and {@code --to}.
   *
   * @throws ParameterException if a bound is not a date or a time, or the period is empty
   */
  Period period(Clock clock) {
    Period last = Period.lastDays(clock, Period.DEFAULT_DAYS);
    java.time.Instant end = to == null ? last.to() : bound("--to", to);
    java.time.Instant start =
        from == null
            ? end.minus(java.time.Duration.ofDays(Period.DEFAULT_DAYS))
            : bound("--from", from);
    try {
      return new Period(start, end);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage(), e);
    }
  }

  private java.time.Instant bound(String option, String text) {
    try {
      return Period.parseBound(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          command.commandLine(),
          option + ": " + e.getMessage() + " (expected like 2026-01-31 or 2026-01-31T10:00:00Z)",
          e);
    }
  }
}
