package com.jmotools.telemetry.app;

import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.reports.Period;
import java.time.Clock;
import picocli.CommandLine.Option;

/** The options every maintainer command shares: which database, and which period. */
final class DatabaseOptions {

  @Option(
      names = "--db",
      paramLabel = "PATH|JDBC-URL",
      defaultValue = "${env:JMO_TELEMETRY_DB:-" + Database.DEFAULT_LOCATION + "}",
      description =
          "The collector's database: a SQLite file or a JDBC URL (env JMO_TELEMETRY_DB, as for"
              + " serve; default: ${DEFAULT-VALUE}).")
  String db;

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

  /**
   * Opens the database. A SQLite file must exist: reading statistics from a mistyped path should
   * fail, not create an empty database.
   *
   * @throws IllegalArgumentException if the SQLite file does not exist
   */
  Database open() {
    if (Database.dialectOf(db) == com.jmotools.telemetry.collector.Dialect.SQLITE) {
      String path = db.regionMatches(true, 0, "jdbc:sqlite:", 0, 12) ? db.substring(12) : db;
      int query = path.indexOf('?');
      java.nio.file.Path file = java.nio.file.Path.of(query >= 0 ? path.substring(0, query) : path);
      if (!java.nio.file.Files.isRegularFile(file)) {
        throw new IllegalArgumentException("no such database file: " + file.toAbsolutePath());
      }
    }
    // The collector owns the schema: reading commands do not run migrations (slow, and a write).
    Database database = Database.builder(db).migrate(false).open();
    try (java.sql.Connection c = database.dataSource().getConnection();
        java.sql.ResultSet rs = c.getMetaData().getTables(null, null, "events", null)) {
      if (!rs.next()) {
        throw new IllegalArgumentException(
            "not a collector database (no events table): "
                + database.description()
                + "; start the collector on it once (jmo-telemetry serve --db ...) to create the"
                + " schema");
      }
    } catch (java.sql.SQLException e) {
      database.close();
      throw new com.jmotools.telemetry.collector.DatabaseException(
          "cannot read " + database.description(), e);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
    return database;
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
