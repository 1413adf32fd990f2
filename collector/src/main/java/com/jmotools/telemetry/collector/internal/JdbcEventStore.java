package com.jmotools.telemetry.collector.internal;

import com.jmotools.telemetry.catalog.ValidatedEvent;
import com.jmotools.telemetry.collector.DatabaseException;
import com.jmotools.telemetry.collector.Dialect;
import com.jmotools.telemetry.collector.EventStore;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/** {@link EventStore} on SQLite or PostgreSQL through JDBC. */
public final class JdbcEventStore implements EventStore {

  /** Rows deleted per transaction by {@link #purgeBefore}. */
  static final int PURGE_CHUNK = 5_000;

  private static final String COLUMNS =
      "event_id, event_type, version, platform, python_version, runtime, anonymous_id, metadata, timestamp, received_at";

  private static final String SQLITE_INSERT =
      "INSERT INTO events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING";

  // One statement per batch: arrays in, the ids actually inserted out.
  private static final String POSTGRES_INSERT =
      "INSERT INTO events (" + COLUMNS + ") SELECT u.e::uuid, u.t, u.v, u.p, u.py, u.rt, u.a, u.m::jsonb,"
          + " u.ts::timestamptz, ?::timestamptz FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
          + " ?::text[], ?::text[], ?::text[], ?::text[]) AS u(e, t, v, p, py, rt, a, m, ts)"
          + " ON CONFLICT (event_id) DO NOTHING RETURNING event_id";

  private final DataSource dataSource;
  private final Dialect dialect;

  public JdbcEventStore(DataSource dataSource, Dialect dialect) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.dialect = Objects.requireNonNull(dialect, "dialect");
  }

  @Override
  public List<Outcome> append(List<ValidatedEvent> events, Instant receivedAt) {
    for (ValidatedEvent e : events) {
      if (e.eventId() == null) {
        throw new IllegalArgumentException("an event to store needs an event_id");
      }
    }
    if (events.isEmpty()) {
      return List.of();
    }
    try (Connection c = dataSource.getConnection()) {
      return dialect == Dialect.SQLITE ? appendSqlite(c, events, receivedAt) : appendPostgres(c, events, receivedAt);
    } catch (SQLException e) {
      throw new DatabaseException("cannot store " + events.size() + " events: " + e.getMessage(), e);
    }
  }

  private List<Outcome> appendSqlite(Connection c, List<ValidatedEvent> events, Instant receivedAt) throws SQLException {
    c.setAutoCommit(true);
    // IMMEDIATE: take the write lock first (waiting out another process via busy_timeout) so the
    // read of deleted_ids and the inserts see one consistent state.
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
    }
    boolean committed = false;
    try {
      Set<String> deleted = deletedAmong(c, events);
      List<Outcome> outcomes = new ArrayList<>(events.size());
      String received = Dialect.formatHour(receivedAt);
      try (PreparedStatement insert = c.prepareStatement(SQLITE_INSERT)) {
        for (ValidatedEvent e : events) {
          String anonymousId = e.anonymousId().toString();
          if (deleted.contains(anonymousId)) {
            outcomes.add(Outcome.DELETED_ID);
            continue;
          }
          insert.setString(1, e.eventId().toString());
          insert.setString(2, e.event());
          insert.setString(3, e.version());
          insert.setString(4, e.platform());
          insert.setString(5, e.pythonVersion());
          insert.setString(6, e.runtime());
          insert.setString(7, anonymousId);
          insert.setString(8, e.metadata().toString());
          insert.setString(9, Dialect.formatHour(e.timestamp()));
          insert.setString(10, received);
          outcomes.add(insert.executeUpdate() == 1 ? Outcome.ACCEPTED : Outcome.DUPLICATE);
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("COMMIT");
      }
      committed = true;
      return outcomes;
    } finally {
      if (!committed) {
        rollbackQuietly(c);
      }
    }
  }

  private List<Outcome> appendPostgres(Connection c, List<ValidatedEvent> events, Instant receivedAt) throws SQLException {
    c.setAutoCommit(false);
    try {
      try (Statement s = c.createStatement()) {
        // SHARE conflicts with the ROW EXCLUSIVE lock an erasure takes on deleted_ids: an erasure
        // waits for batches in flight (so its DELETE sees their rows), and later batches see it.
        s.execute("LOCK TABLE deleted_ids IN SHARE MODE");
      }
      Set<String> deleted = deletedAmong(c, events);
      int n = events.size();
      List<ValidatedEvent> kept = new ArrayList<>(n);
      for (ValidatedEvent e : events) {
        if (!deleted.contains(e.anonymousId().toString())) {
          kept.add(e);
        }
      }
      Set<String> inserted = new HashSet<>();
      if (!kept.isEmpty()) {
        String[][] columns = new String[9][kept.size()];
        for (int i = 0; i < kept.size(); i++) {
          ValidatedEvent e = kept.get(i);
          columns[0][i] = e.eventId().toString();
          columns[1][i] = e.event();
          columns[2][i] = e.version();
          columns[3][i] = e.platform();
          columns[4][i] = e.pythonVersion();
          columns[5][i] = e.runtime();
          columns[6][i] = e.anonymousId().toString();
          columns[7][i] = e.metadata().toString();
          columns[8][i] = Dialect.formatHour(e.timestamp());
        }
        try (PreparedStatement insert = c.prepareStatement(POSTGRES_INSERT)) {
          insert.setString(1, Dialect.formatHour(receivedAt));
          List<Array> arrays = new ArrayList<>(9);
          for (int col = 0; col < 9; col++) {
            Array array = c.createArrayOf("text", columns[col]);
            arrays.add(array);
            insert.setArray(col + 2, array);
          }
          try (ResultSet rows = insert.executeQuery()) {
            while (rows.next()) {
              inserted.add(rows.getString(1));
            }
          }
          for (Array a : arrays) {
            a.free();
          }
        }
      }
      c.commit();
      List<Outcome> outcomes = new ArrayList<>(n);
      for (ValidatedEvent e : events) {
        if (deleted.contains(e.anonymousId().toString())) {
          outcomes.add(Outcome.DELETED_ID);
        } else {
          // remove(): a second event with the same id in this batch is a duplicate of the first.
          outcomes.add(inserted.remove(e.eventId().toString()) ? Outcome.ACCEPTED : Outcome.DUPLICATE);
        }
      }
      return outcomes;
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private Set<String> deletedAmong(Connection c, List<ValidatedEvent> events) throws SQLException {
    Set<String> ids = new LinkedHashSet<>();
    for (ValidatedEvent e : events) {
      ids.add(e.anonymousId().toString());
    }
    Set<String> deleted = new HashSet<>();
    if (dialect == Dialect.POSTGRESQL) {
      try (PreparedStatement q = c.prepareStatement("SELECT anonymous_id FROM deleted_ids WHERE anonymous_id = ANY (?)")) {
        q.setArray(1, c.createArrayOf("text", ids.toArray(new String[0])));
        try (ResultSet r = q.executeQuery()) {
          while (r.next()) {
            deleted.add(r.getString(1));
          }
        }
      }
      return deleted;
    }
    try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM deleted_ids WHERE anonymous_id = ?")) {
      for (String id : ids) {
        q.setString(1, id);
        try (ResultSet r = q.executeQuery()) {
          if (r.next()) {
            deleted.add(id);
          }
        }
      }
    }
    return deleted;
  }

  @Override
  public int erase(UUID anonymousId, Instant at) {
    String id = anonymousId.toString();
    try (Connection c = dataSource.getConnection()) {
      boolean sqlite = dialect == Dialect.SQLITE;
      if (sqlite) {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
          s.execute("BEGIN IMMEDIATE");
        }
      } else {
        c.setAutoCommit(false);
      }
      boolean committed = false;
      try {
        try (PreparedStatement p = c.prepareStatement(
            "INSERT INTO deleted_ids (anonymous_id, deleted_at) VALUES (?, ?) ON CONFLICT (anonymous_id) DO NOTHING")) {
          p.setString(1, id);
          dialect.setTime(p, 2, at);
          p.executeUpdate();
        }
        int rows;
        // lower(): rows imported from D1 may carry the id in upper case.
        try (PreparedStatement p = c.prepareStatement("DELETE FROM events WHERE lower(anonymous_id) = ?")) {
          p.setString(1, id);
          rows = p.executeUpdate();
        }
        if (sqlite) {
          try (Statement s = c.createStatement()) {
            s.execute("COMMIT");
          }
        } else {
          c.commit();
        }
        committed = true;
        return rows;
      } finally {
        if (!committed) {
          rollbackQuietly(c);
        }
        if (!sqlite) {
          c.setAutoCommit(true);
        }
      }
    } catch (SQLException e) {
      throw new DatabaseException("cannot erase an anonymous id: " + e.getMessage(), e);
    }
  }

  @Override
  public long purgeBefore(Instant cutoff) {
    Instant hour = cutoff.truncatedTo(ChronoUnit.HOURS);
    long total = 0;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      String sql = "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE timestamp < ? LIMIT " + PURGE_CHUNK + ")";
      try (PreparedStatement p = c.prepareStatement(sql)) {
        while (true) {
          dialect.setTime(p, 1, hour);
          int n = p.executeUpdate();
          total += n;
          if (n < PURGE_CHUNK) {
            return total;
          }
        }
      }
    } catch (SQLException e) {
      throw new DatabaseException("cannot purge old events (" + total + " deleted so far): " + e.getMessage(), e);
    }
  }

  private void rollbackQuietly(Connection c) {
    try {
      if (dialect == Dialect.SQLITE) {
        try (Statement s = c.createStatement()) {
          s.execute("ROLLBACK");
        }
      } else {
        c.rollback();
      }
    } catch (SQLException ignored) {
      // The connection is broken or no transaction is open: nothing to undo.
    }
  }

  /** Counts rows by outcome, for metrics. */
  public static Map<Outcome, Integer> tally(List<Outcome> outcomes) {
    Map<Outcome, Integer> counts = new HashMap<>();
    for (Outcome o : outcomes) {
      counts.merge(o, 1, Integer::sum);
    }
    return counts;
  }
}
