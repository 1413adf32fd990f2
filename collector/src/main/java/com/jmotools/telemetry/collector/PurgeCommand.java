package com.jmotools.telemetry.collector;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code jmo-telemetry purge}: deletes events older than the retention, now, and rewrites rows
 * loaded from a D1 export in the collector's form (times cut to the hour, no {@code created_at},
 * catalog platform names).
 */
@Command(
    name = "purge",
    mixinStandardHelpOptions = true,
    description = {
      "Delete events older than the retention (a running collector also does this daily).",
      "Then rewrite rows the collector did not write (a loaded D1 export) as it stores them:"
          + " timestamp and received_at cut to the hour, created_at emptied, Darwin stored as"
          + " macOS and other unknown platforms as Other."
    })
public final class PurgeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin DatabaseOption db = new DatabaseOption();

  @Option(
      names = "--retention-days",
      defaultValue = "${env:JMO_TELEMETRY_RETENTION_DAYS:-400}",
      description =
          "Delete events older than this many days (env JMO_TELEMETRY_RETENTION_DAYS; default:"
              + " ${DEFAULT-VALUE}).")
  int retentionDays;

  private final Clock clock;

  /** A purge command on the system clock. */
  public PurgeCommand() {
    this(Clock.systemUTC());
  }

  PurgeCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    if (retentionDays < 1) {
      throw new ParameterException(
          spec.commandLine(), "--retention-days must be at least 1: " + retentionDays);
    }
    Instant cutoff = clock.instant().minus(Duration.ofDays(retentionDays));
    try (Database database = db.open()) {
      long rows = EventStore.of(database).purgeBefore(cutoff);
      spec.commandLine()
          .getOut()
          .printf(
              "purged %d events older than %d days (before %s) from %s%n",
              rows, retentionDays, Dialect.formatHour(cutoff), database.description());
      EventStore.Cleaning cleaning = EventStore.of(database).cleanImported();
      spec.commandLine()
          .getOut()
          .printf(
              "cleaned %d imported rows (times cut to the hour, exact created_at removed, platform"
                  + " names normalised, ids keyed)%n",
              cleaning.cleaned());
      if (cleaning.erased() > 0) {
        spec.commandLine()
            .getOut()
            .printf(
                "deleted %d imported rows of installations whose data was erased%n",
                cleaning.erased());
      }
      if (cleaning.unreadable() > 0) {
        spec.commandLine()
            .getErr()
            .printf(
                "%d rows have a timestamp that is not a time and were left as they were; fix or"
                    + " delete them by hand%n",
                cleaning.unreadable());
      }
    }
    return 0;
  }
}
