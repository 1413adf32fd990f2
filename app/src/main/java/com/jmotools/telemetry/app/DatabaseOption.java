package com.jmotools.telemetry.app;

import com.jmotools.telemetry.collector.Database;
import picocli.CommandLine.Option;

/** {@code --db}: the collector's database that a maintainer command reads. */
final class DatabaseOption {

  @Option(
      names = "--db",
      paramLabel = "PATH|JDBC-URL",
      defaultValue = "${env:JMO_TELEMETRY_DB:-" + Database.DEFAULT_LOCATION + "}",
      description =
          "The collector's database: a SQLite file or a JDBC URL (env JMO_TELEMETRY_DB, as for"
              + " serve; default: ${DEFAULT-VALUE}).")
  String db;

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
}
