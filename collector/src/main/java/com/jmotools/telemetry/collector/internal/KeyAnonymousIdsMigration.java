package com.jmotools.telemetry.collector.internal;

import com.jmotools.telemetry.collector.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-off migration that replaces every stored anonymous id, in {@code events} and in {@code
 * deleted_ids}, by its keyed form ({@link StoredEventIds#anonymousId(String)}), as the collector
 * stores ids from this version on.
 *
 * <p>It runs in one transaction (Flyway's): a failure or a crash leaves every id as it was, never a
 * half-keyed database. Within it, the keys of the distinct ids are computed in batches into a
 * temporary table and the rows rewritten in slices of the row id range, so memory stays bounded
 * whatever the table holds. Keying a keyed id again would make it another id, so the transaction
 * also records in {@code collector_state} that the ids are keyed, and the migration does nothing
 * where that is recorded: it keys each value once, even if Flyway were to run it again.
 *
 * <p>It empties {@code created_at} too (only rows loaded from a D1 export have one, an exact time):
 * from then on a row with a {@code created_at} is one loaded after the upgrade, whose id is not
 * keyed yet, and {@code jmo-telemetry purge} keys it ({@link JdbcEventStore#cleanImported}).
 *
 * <p>It also makes the analytics' daily rollup (the reports module's cache tables) start over, by
 * removing the format it was built in: the rollup holds hashes of the ids it was built from, and
 * hashes of unkeyed ids must not be merged with those of keyed ones.
 */
public final class KeyAnonymousIdsMigration implements JavaMigration {

  /** The row of {@code collector_state} that records that the stored ids are keyed. */
  static final String STATE_NAME = "anonymous_ids";

  /** Its value once they are. */
  static final String KEYED = "keyed";

  /** Distinct ids whose keys are inserted per batch. */
  static final int KEY_BATCH = 1_000;

  /** Row ids per UPDATE of {@code events}. */
  static final long ROW_SLICE = 100_000;

  private static final Logger LOG = LoggerFactory.getLogger(KeyAnonymousIdsMigration.class);

  private final Dialect dialect;

  /** The migration for a database of {@code dialect}. */
  public KeyAnonymousIdsMigration(Dialect dialect) {
    this.dialect = Objects.requireNonNull(dialect, "dialect");
  }

  /** Version 4 on SQLite, 3 on PostgreSQL: the one after each dialect's SQL migrations. */
  @Override
  public MigrationVersion getVersion() {
    return MigrationVersion.fromVersion(dialect == Dialect.SQLITE ? "4" : "3");
  }

  @Override
  public String getDescription() {
    return "key anonymous ids";
  }

  @Override
  public Integer getChecksum() {
    return null;
  }

  @Override
  public boolean canExecuteInTransaction() {
    return true;
  }

  @Override
  public void migrate(Context context) throws SQLException {
    keyStoredIds(context.getConnection(), dialect);
  }

  /**
   * Keys every stored anonymous id of the database of {@code c}, in the transaction open on it,
   * unless {@code collector_state} records they are keyed already.
   *
   * @return the rows of {@code events} rewritten (0 when they were keyed already)
   */
  static long keyStoredIds(Connection c, Dialect dialect) throws SQLException {
    boolean sqlite = dialect == Dialect.SQLITE;
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS collector_state (name TEXT PRIMARY KEY, value TEXT NOT"
              + " NULL)");
    }
    if (KEYED.equals(state(c))) {
      LOG.info("anonymous ids are keyed already");
      return 0;
    }
    long start = System.nanoTime();
    StoredEventIds ids = StoredEventIds.of(c);
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TEMPORARY TABLE anonymous_id_keys (raw TEXT PRIMARY KEY, keyed TEXT NOT NULL)"
              + (sqlite ? "" : " ON COMMIT DROP"));
    }
    long distinct = fillKeys(c, ids);
    long rows = 0;
    long maxId;
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM events")) {
      r.next();
      maxId = r.getLong(1);
    }
    String update =
        sqlite
            ? "UPDATE events SET anonymous_id = (SELECT k.keyed FROM temp.anonymous_id_keys k"
                + " WHERE k.raw = lower(events.anonymous_id)), created_at = NULL"
                + " WHERE id > ? AND id <= ?"
            : "UPDATE events e SET anonymous_id = k.keyed, created_at = NULL"
                + " FROM anonymous_id_keys k"
                + " WHERE k.raw = lower(e.anonymous_id) AND e.id > ? AND e.id <= ?";
    try (PreparedStatement p = c.prepareStatement(update)) {
      for (long low = 0; low < maxId; low += ROW_SLICE) {
        p.setLong(1, low);
        p.setLong(2, Math.min(maxId, low + ROW_SLICE));
        rows += p.executeUpdate();
      }
    }
    try (Statement s = c.createStatement()) {
      s.executeUpdate(
          sqlite
              ? "UPDATE deleted_ids SET anonymous_id = (SELECT k.keyed FROM"
                  + " temp.anonymous_id_keys k WHERE k.raw = lower(deleted_ids.anonymous_id))"
              : "UPDATE deleted_ids d SET anonymous_id = k.keyed FROM anonymous_id_keys k"
                  + " WHERE k.raw = lower(d.anonymous_id)");
      s.execute("DROP TABLE " + (sqlite ? "temp." : "") + "anonymous_id_keys");
      if (rollupExists(c, sqlite)) {
        // A format the rollup does not know makes its next refresh roll every day afresh.
        s.executeUpdate("DELETE FROM reports_state WHERE name = 'format'");
      }
    }
    try (PreparedStatement p =
        c.prepareStatement("INSERT INTO collector_state (name, value) VALUES (?, ?)")) {
      p.setString(1, STATE_NAME);
      p.setString(2, KEYED);
      p.executeUpdate();
    }
    LOG.info(
        "keyed the anonymous ids of {} events ({} distinct ids) in {} ms",
        rows,
        distinct,
        (System.nanoTime() - start) / 1_000_000);
    return rows;
  }

  private static String state(Connection c) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT value FROM collector_state WHERE name = ?")) {
      p.setString(1, STATE_NAME);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  /** Fills {@code anonymous_id_keys} with every stored id, in lower case, and its keyed form. */
  private static long fillKeys(Connection c, StoredEventIds ids) throws SQLException {
    long distinct = 0;
    try (Statement select = c.createStatement();
        PreparedStatement insert =
            c.prepareStatement("INSERT INTO anonymous_id_keys (raw, keyed) VALUES (?, ?)")) {
      select.setFetchSize(KEY_BATCH); // PostgreSQL streams the rows (the transaction is open)
      try (ResultSet r =
          select.executeQuery(
              "SELECT lower(anonymous_id) FROM events UNION SELECT lower(anonymous_id) FROM"
                  + " deleted_ids")) {
        int pending = 0;
        while (r.next()) {
          String raw = r.getString(1);
          insert.setString(1, raw);
          insert.setString(2, ids.anonymousId(raw).toString());
          insert.addBatch();
          distinct++;
          if (++pending == KEY_BATCH) {
            insert.executeBatch();
            pending = 0;
          }
        }
        if (pending > 0) {
          insert.executeBatch();
        }
      }
    }
    return distinct;
  }

  private static boolean rollupExists(Connection c, boolean sqlite) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                sqlite
                    ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name ="
                        + " 'reports_state'"
                    : "SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = 'reports_state'"
                        + " AND schemaname = current_schema()")) {
      r.next();
      return r.getLong(1) > 0;
    }
  }
}
