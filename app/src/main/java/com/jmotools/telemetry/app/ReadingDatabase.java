package com.jmotools.telemetry.app;

import com.jmotools.telemetry.collector.Database;

/** How the maintainer commands open the database named by {@code --db}: for reading only. */
final class ReadingDatabase {
  private ReadingDatabase() {}

  /**
   * Opens the database. A SQLite file must exist: reading statistics from a mistyped path should
   * fail, not create an empty database.
   *
   * @throws IllegalArgumentException if the SQLite file does not exist
   */
  static Database open(String db) {
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
