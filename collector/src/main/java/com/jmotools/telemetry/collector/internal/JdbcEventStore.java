package com.jmotools.telemetry.collector.internal;

import com.jmotools.telemetry.catalog.Platforms;
import com.jmotools.telemetry.collector.DatabaseException;
import com.jmotools.telemetry.collector.Dialect;
import com.jmotools.telemetry.collector.EventRow;
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
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link EventStore} on SQLite or PostgreSQL through JDBC. */
public final class JdbcEventStore implements EventStore {

  /** Rows of the id range scanned per transaction by {@link #erase}. */
  static final long ERASE_SLICE = 200_000;

  /** Rows deleted per transaction by {@link #purgeBefore}. */
  static final int PURGE_CHUNK = 5_000;

  private static final String COLUMNS =
      "event_id, event_type, version, platform, python_version, runtime, anonymous_id, metadata,"
          + " timestamp, received_at";

  /** Rows per multi-row INSERT on SQLite (10 parameters each, far below SQLite's limit). */
  static final int SQLITE_ROWS_PER_STATEMENT = 50;

  // One statement per batch: arrays in, the ids actually inserted out.
  private static final String POSTGRES_INSERT =
      "INSERT INTO events ("
          + COLUMNS
          + ") SELECT u.e::uuid, u.t, u.v, u.p, u.py, u.rt, u.a, u.m::jsonb, u.ts::timestamptz,"
          + " ?::timestamptz FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
          + " ?::text[], ?::text[], ?::text[], ?::text[]) AS u(e, t, v, p, py, rt, a, m, ts) ON"
          + " CONFLICT (event_id) DO NOTHING RETURNING event_id";

  /**
   * How often, at most, the single writer finishes a checkpoint between two transactions on SQLite.
   * The server's background checkpoints (PASSIVE) copy most pages but never catch up with a writer
   * that commits without pause, so the WAL would grow without end; one that the writer runs itself
   * completes (no commit races it), and SQLite then starts the WAL over at the next commit and
   * truncates it to its journal_size_limit.
   */
  static final long WAL_RESTART_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** WAL bytes beyond which the writer's checkpoint waits for readers to let the WAL start over. */
  static final long WAL_RESTART_BYTES = 64L * 1024 * 1024;

  /** How long the writer's RESTART checkpoint waits for readers, in milliseconds. */
  static final int RESTART_WAIT_MILLIS = 200;

  /** Up to this many erased ids are kept in memory on SQLite; beyond it, each is looked up. */
  static final int DELETED_CACHE_LIMIT = 100_000;

  /**
   * What the SQLite writer knows of {@code deleted_ids}: its size and highest rowid, and its ids
   * when there are at most {@link #DELETED_CACHE_LIMIT} (null beyond: each is looked up).
   */
  private record DeletedIds(long count, long maxRowid, Set<String> ids) {}

  /**
   * Attempts of one batch when PostgreSQL aborts it to resolve a deadlock or serialization
   * conflict.
   */
  static final int MAX_ATTEMPTS = 5;

  private static final String SERIALIZATION_FAILURE = "40001";
  private static final String DEADLOCK_DETECTED = "40P01";
  private static final Logger LOG = LoggerFactory.getLogger(JdbcEventStore.class);

  private final AtomicLong retries = new AtomicLong();
  private final DataSource dataSource;
  private final Dialect dialect;
  private DeletedIds deletedCache;

  /** The SQLite writer's prepared statements; only touched under {@code appendSqlite}'s lock. */
  private SqliteWriterStatements writerStatements;

  /** On SQLite, which event ids are stored (there is no unique index there); null on PostgreSQL. */
  private final SqliteEventIds knownIds;

  private final long eraseSlice;

  /** When the writer last checkpointed (System.nanoTime), on SQLite. */
  private long lastWriterCheckpoint = System.nanoTime();

  /** The SQLite database's page size, read once; 0 until then. */
  private long pageSize;

  public JdbcEventStore(DataSource dataSource, Dialect dialect) {
    this(dataSource, dialect, ERASE_SLICE, SqliteEventIds.defaultBudget());
  }

  JdbcEventStore(DataSource dataSource, Dialect dialect, long eraseSlice, long memoryIdBudget) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    if (eraseSlice < 1) {
      throw new IllegalArgumentException("erase slice < 1: " + eraseSlice);
    }
    this.eraseSlice = eraseSlice;
    this.knownIds = dialect == Dialect.SQLITE ? new SqliteEventIds(memoryIdBudget) : null;
  }

  @Override
  public List<Outcome> append(List<EventRow> events, Instant receivedAt) {
    if (events.isEmpty()) {
      return List.of();
    }
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        return dialect == Dialect.SQLITE
            ? appendSqlite(c, events, receivedAt)
            : appendPostgres(c, events, receivedAt);
      } catch (SQLException e) {
        // Several collectors on one PostgreSQL: a transaction PostgreSQL chose to abort (deadlock,
        // serialization) was rolled back whole and succeeds when run again, so it is not the
        // client's problem.
        if (!isTransient(e) || attempt >= MAX_ATTEMPTS) {
          throw new DatabaseException(
              "cannot store " + events.size() + " events: " + e.getMessage(), e);
        }
        retries.incrementAndGet();
        LOG.debug(
            "batch of {} events aborted by the database ({}), attempt {} of {}",
            events.size(),
            e.getSQLState(),
            attempt,
            MAX_ATTEMPTS);
        pause(attempt);
      }
    }
  }

  /** Transactions aborted by the database and run again, since start. */
  public long retries() {
    return retries.get();
  }

  /**
   * Whether PostgreSQL aborted the transaction to resolve a conflict: deadlock or serialization
   * failure.
   */
  static boolean isTransient(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql
          && (SERIALIZATION_FAILURE.equals(sql.getSQLState())
              || DEADLOCK_DETECTED.equals(sql.getSQLState()))) {
        return true;
      }
    }
    return false;
  }

  /** A short random pause, growing with the attempt, so that the two sides do not collide again. */
  private static void pause(int attempt) {
    long millis = ThreadLocalRandom.current().nextLong(5, 20L * attempt + 6);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatabaseException("interrupted while retrying a batch", null);
    }
  }

  private synchronized List<Outcome> appendSqlite(
      Connection c, List<EventRow> events, Instant receivedAt) throws SQLException {
    c.setAutoCommit(true);
    SqliteWriterStatements statements =
        SqliteWriterStatements.of(
            c, writerStatements, SQLITE_ROWS_PER_STATEMENT, JdbcEventStore::sqliteInsert);
    writerStatements = statements;
    knownIds.maintain(c, receivedAt);
    // IMMEDIATE: take the write lock first (waiting out another process via busy_timeout) so the
    // reads of deleted_ids and event ids and the inserts see one consistent state.
    try {
      statements.beginImmediate();
    } catch (SQLException e) {
      // The driver may have finalised the failed statement: prepare them all again next time.
      dropWriterStatements();
      throw e;
    }
    boolean committed = false;
    try (SqliteEventIds.Batch ids = knownIds.batch()) {
      Set<String> deleted = deletedAmongSqlite(c, statements, events);
      List<Outcome> outcomes = new ArrayList<>(events.size());
      List<EventRow> fresh = new ArrayList<>(events.size());
      for (EventRow e : events) {
        if (deleted.contains(e.anonymousId())) {
          outcomes.add(Outcome.DELETED_ID);
        } else if (ids.claim(c, e.eventId(), e.timestamp())) {
          outcomes.add(Outcome.ACCEPTED);
          fresh.add(e);
        } else {
          outcomes.add(Outcome.DUPLICATE);
        }
      }
      String received = Dialect.formatHour(receivedAt);
      // Multi-row statements: a fiftieth of the statement executions of one row each.
      int full = fresh.size() / SQLITE_ROWS_PER_STATEMENT;
      for (int chunk = 0; chunk < full; chunk++) {
        insertChunk(
            statements.insert(SQLITE_ROWS_PER_STATEMENT),
            fresh,
            chunk * SQLITE_ROWS_PER_STATEMENT,
            SQLITE_ROWS_PER_STATEMENT,
            received);
      }
      int rest = fresh.size() - full * SQLITE_ROWS_PER_STATEMENT;
      if (rest > 0) {
        insertChunk(
            statements.insert(rest), fresh, full * SQLITE_ROWS_PER_STATEMENT, rest, received);
      }
      ids.writeTable(c);
      statements.commit();
      committed = true;
      ids.committed();
      checkpointWhenDue(c);
      return outcomes;
    } finally {
      if (!committed) {
        rollbackQuietly(c);
        // What memory learnt in the failed transaction is not stored: read it again from the
        // database.
        knownIds.reset();
        // And the statements are prepared again, on whichever connection the pool gives next (the
        // driver finalises a statement that failed with an error other than busy).
        dropWriterStatements();
      }
    }
  }

  private void dropWriterStatements() {
    if (writerStatements != null) {
      writerStatements.close();
      writerStatements = null;
    }
  }

  /**
   * See {@link #WAL_RESTART_INTERVAL_NANOS}; called by the writer with no transaction open. When
   * readers kept the passive checkpoint from finishing and the WAL holds more than {@link
   * #WAL_RESTART_BYTES}, the writer waits for them (RESTART): new commits wait a moment, and the
   * WAL cannot grow past the bound by more than half a second of writes.
   */
  private void checkpointWhenDue(Connection c) throws SQLException {
    long now = System.nanoTime();
    if (now - lastWriterCheckpoint < WAL_RESTART_INTERVAL_NANOS) {
      return;
    }
    lastWriterCheckpoint = now;
    long walFrames;
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      walFrames = r.next() ? r.getLong(2) : 0;
    }
    if (walFrames * pageSize(c) > WAL_RESTART_BYTES) {
      // Waits for readers at most RESTART_WAIT: a long report must not stall every acknowledgement.
      long busyTimeout;
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("PRAGMA busy_timeout")) {
        busyTimeout = r.next() ? r.getLong(1) : 0;
      }
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout=" + RESTART_WAIT_MILLIS);
        try (ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(RESTART)")) {
          if (r.next() && r.getInt(1) != 0) {
            LOG.debug("the WAL ({} frames) could not start over: readers kept it busy", walFrames);
          }
        } finally {
          s.execute("PRAGMA busy_timeout=" + busyTimeout);
        }
      }
    }
  }

  private long pageSize(Connection c) throws SQLException {
    if (pageSize == 0) {
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("PRAGMA page_size")) {
        pageSize = r.next() ? r.getLong(1) : 4096;
      }
    }
    return pageSize;
  }

  private static void insertChunk(
      PreparedStatement insert, List<EventRow> events, int from, int count, String received)
      throws SQLException {
    int p = 1;
    for (int i = from; i < from + count; i++) {
      EventRow e = events.get(i);
      insert.setString(p++, e.eventId());
      insert.setString(p++, e.eventType());
      insert.setString(p++, e.version());
      insert.setString(p++, e.platform());
      insert.setString(p++, e.pythonVersion());
      insert.setString(p++, e.runtime());
      insert.setString(p++, e.anonymousId());
      insert.setString(p++, e.metadata());
      insert.setString(p++, e.timestamp());
      insert.setString(p++, received);
    }
    insert.executeUpdate();
  }

  private static String sqliteInsert(int rows) {
    StringBuilder sql =
        new StringBuilder("INSERT INTO events (").append(COLUMNS).append(") VALUES ");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }
    return sql.toString();
  }

  /** Outcomes in the order of {@code events}; a second event with the same id is a duplicate. */
  private static List<Outcome> outcomes(
      List<EventRow> events, Set<String> deleted, Set<String> inserted) {
    List<Outcome> outcomes = new ArrayList<>(events.size());
    for (EventRow e : events) {
      if (deleted.contains(e.anonymousId())) {
        outcomes.add(Outcome.DELETED_ID);
      } else {
        outcomes.add(inserted.remove(e.eventId()) ? Outcome.ACCEPTED : Outcome.DUPLICATE);
      }
    }
    return outcomes;
  }

  private List<Outcome> appendPostgres(Connection c, List<EventRow> events, Instant receivedAt)
      throws SQLException {
    c.setAutoCommit(false);
    try {
      try (Statement s = c.createStatement()) {
        // SHARE conflicts with the ROW EXCLUSIVE lock an erasure takes on deleted_ids: an erasure
        // waits for batches in flight (so its DELETE sees their rows), and later batches see it.
        s.execute("LOCK TABLE deleted_ids IN SHARE MODE");
      }
      Set<String> deleted = deletedAmong(c, events);
      int n = events.size();
      List<EventRow> kept = new ArrayList<>(n);
      for (EventRow e : events) {
        if (!deleted.contains(e.anonymousId())) {
          kept.add(e);
        }
      }
      // Inserted in event_id order: two collectors storing overlapping batches then lock the same
      // index entries in the same order and wait for each other instead of deadlocking.
      kept.sort(Comparator.comparing(EventRow::eventId));
      Set<String> inserted = new HashSet<>();
      if (!kept.isEmpty()) {
        String[][] columns = new String[9][kept.size()];
        for (int i = 0; i < kept.size(); i++) {
          EventRow e = kept.get(i);
          columns[0][i] = e.eventId();
          columns[1][i] = e.eventType();
          columns[2][i] = e.version();
          columns[3][i] = e.platform();
          columns[4][i] = e.pythonVersion();
          columns[5][i] = e.runtime();
          columns[6][i] = e.anonymousId();
          columns[7][i] = e.metadata();
          columns[8][i] = e.timestamp();
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
      return outcomes(events, deleted, inserted);
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private Set<String> deletedAmong(Connection c, List<EventRow> events) throws SQLException {
    Set<String> deleted = new HashSet<>();
    try (PreparedStatement q =
        c.prepareStatement("SELECT anonymous_id FROM deleted_ids WHERE anonymous_id = ANY (?)")) {
      q.setArray(1, c.createArrayOf("text", anonymousIds(events).toArray(new String[0])));
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          deleted.add(r.getString(1));
        }
      }
    }
    return deleted;
  }

  /**
   * The erased ids among the events' senders, on SQLite, inside the writer's transaction. {@code
   * deleted_ids} only grows (rows are never removed, so its rowids have no gaps and its highest
   * rowid names its content): what the writer knows of it is read again only when that rowid
   * changed, so a batch costs one seek, not a count of the table.
   */
  private Set<String> deletedAmongSqlite(
      Connection c, SqliteWriterStatements statements, List<EventRow> events) throws SQLException {
    long maxRowid = statements.deletedMaxRowid();
    DeletedIds known = deletedCache;
    if (known == null || known.maxRowid() != maxRowid) {
      known = readDeletedIds(c);
      deletedCache = known;
    }
    Set<String> deleted = new HashSet<>();
    if (known.count() == 0) {
      return deleted;
    }
    for (String id : anonymousIds(events)) {
      if (known.ids() != null ? known.ids().contains(id) : statements.isDeleted(id)) {
        deleted.add(id);
      }
    }
    return deleted;
  }

  private static DeletedIds readDeletedIds(Connection c) throws SQLException {
    long count;
    long maxRowid;
    try (Statement q = c.createStatement();
        ResultSet r = q.executeQuery("SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM deleted_ids")) {
      r.next();
      count = r.getLong(1);
      maxRowid = r.getLong(2);
    }
    Set<String> all = null;
    if (count <= DELETED_CACHE_LIMIT) {
      all = new HashSet<>();
      try (Statement q = c.createStatement();
          ResultSet r = q.executeQuery("SELECT anonymous_id FROM deleted_ids")) {
        while (r.next()) {
          all.add(r.getString(1));
        }
      }
    }
    return new DeletedIds(count, maxRowid, all);
  }

  private static Set<String> anonymousIds(List<EventRow> events) {
    Set<String> ids = new LinkedHashSet<>();
    for (EventRow e : events) {
      ids.add(e.anonymousId());
    }
    return ids;
  }

  @Override
  public int erase(UUID anonymousId, Instant at) {
    String id = anonymousId.toString();
    try (Connection c = dataSource.getConnection()) {
      // First record the id, in a short transaction: from its commit on, every writer refuses
      // the id's events. On PostgreSQL the insert's lock waits for batches in flight, so their
      // rows are visible to the deletion below.
      c.setAutoCommit(true);
      long maxId;
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO deleted_ids (anonymous_id, deleted_at) VALUES (?, ?) ON CONFLICT"
                  + " (anonymous_id) DO NOTHING")) {
        p.setString(1, id);
        dialect.setTime(p, 2, at);
        p.executeUpdate();
      }
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM events")) {
        r.next();
        maxId = r.getLong(1);
      }
      // Then delete the rows in slices of the id range, each its own short transaction, so
      // that ingestion is not held up by one scan of the whole table (anonymous_id has no index).
      int rows = 0;
      try (PreparedStatement p =
          c.prepareStatement("DELETE FROM events WHERE id > ? AND id <= ? AND anonymous_id = ?")) {
        for (long low = 0; low < maxId; low += eraseSlice) {
          p.setLong(1, low);
          p.setLong(2, Math.min(maxId, low + eraseSlice));
          p.setString(3, id);
          rows += p.executeUpdate();
        }
      }
      return rows;
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
      String sql =
          "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE timestamp < ? LIMIT "
              + PURGE_CHUNK
              + ")";
      try (PreparedStatement p = c.prepareStatement(sql)) {
        int n;
        do {
          dialect.setTime(p, 1, hour);
          n = p.executeUpdate();
          total += n;
        } while (n == PURGE_CHUNK);
      }
      if (dialect == Dialect.SQLITE) {
        // The ids of purged events go too; their hours are long sealed, so none is held in memory.
        try (PreparedStatement p =
            c.prepareStatement(
                "DELETE FROM event_ids WHERE event_id IN"
                    + " (SELECT event_id FROM event_ids WHERE timestamp < ? LIMIT "
                    + PURGE_CHUNK
                    + ")")) {
          p.setString(1, Dialect.formatHour(hour));
          while (p.executeUpdate() == PURGE_CHUNK) {
            // next chunk
          }
        }
      }
      return total;
    } catch (SQLException e) {
      throw new DatabaseException(
          "cannot purge old events (" + total + " deleted so far): " + e.getMessage(), e);
    }
  }

  /** Rows of the id range read per transaction by {@link #cleanImported}. */
  static final long CLEAN_SLICE = 20_000;

  private static final String SQLITE_HOUR_GLOB =
      "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:00:00Z'";

  /** The rows of an id slice that are not in the collector's form (see {@link #cleanImported}). */
  private String notCleanRows() {
    String platforms = "platform NOT IN ('Linux', 'macOS', 'Windows', 'Other')";
    String time =
        dialect == Dialect.SQLITE
            ? "\"timestamp\" NOT GLOB "
                + SQLITE_HOUR_GLOB
                + " OR received_at NOT GLOB "
                + SQLITE_HOUR_GLOB
            : "date_trunc('hour', \"timestamp\" AT TIME ZONE 'UTC')"
                + " <> \"timestamp\" AT TIME ZONE 'UTC'"
                + " OR date_trunc('hour', received_at AT TIME ZONE 'UTC')"
                + " <> received_at AT TIME ZONE 'UTC'";
    return "SELECT id, event_id, event_type, version, platform, python_version, runtime,"
        + " anonymous_id, "
        + (dialect == Dialect.SQLITE ? "metadata" : "metadata::text")
        + ", \"timestamp\", received_at, created_at IS NOT NULL AS loaded"
        + " FROM events WHERE id > ? AND id <= ? AND (created_at IS"
        + " NOT NULL OR "
        + platforms
        + " OR "
        + time
        + ") ORDER BY id";
  }

  @Override
  public Cleaning cleanImported() {
    long cleaned = 0;
    long unreadable = 0;
    String cast = dialect == Dialect.SQLITE ? "?" : "CAST(? AS uuid)";
    String json = dialect == Dialect.SQLITE ? "?" : "CAST(? AS jsonb)";
    String insert =
        "INSERT INTO events ("
            + COLUMNS
            + ") VALUES ("
            + cast
            + ", ?, ?, ?, ?, ?, ?, "
            + json
            + ", ?, ?)";
    long erased = 0;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      long maxId;
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM events")) {
        r.next();
        maxId = r.getLong(1);
      }
      StoredEventIds keys = StoredEventIds.of(c);
      try (PreparedStatement select = c.prepareStatement(notCleanRows());
          PreparedStatement wasErased =
              c.prepareStatement("SELECT 1 FROM deleted_ids WHERE anonymous_id = ?");
          PreparedStatement delete = c.prepareStatement("DELETE FROM events WHERE id = ?");
          PreparedStatement add = c.prepareStatement(insert)) {
        // Up to the highest id at the start: the rows written here take ids above it.
        for (long low = 0; low < maxId; low += CLEAN_SLICE) {
          select.setLong(1, low);
          select.setLong(2, Math.min(maxId, low + CLEAN_SLICE));
          List<Object[]> rows = new ArrayList<>();
          try (ResultSet r = select.executeQuery()) {
            while (r.next()) {
              Instant time = dialect.getTime(r, "timestamp");
              if (time == null) {
                unreadable++;
                continue;
              }
              // A row loaded from D1 after the ids were keyed carries the client's id: key it,
              // as the collector stores every id; one of an erased id is deleted, not kept.
              String anonymousId = r.getString("anonymous_id");
              boolean erasedId = false;
              if (r.getBoolean("loaded")) {
                anonymousId = keys.anonymousId(anonymousId).toString();
                erasedId = isErased(wasErased, anonymousId);
              }
              rows.add(
                  new Object[] {
                    r.getLong("id"),
                    r.getString("event_id"),
                    r.getString("event_type"),
                    r.getString("version"),
                    Platforms.of(r.getString("platform")),
                    r.getString("python_version"),
                    r.getString("runtime"),
                    erasedId ? null : anonymousId,
                    r.getString(9),
                    time,
                    dialect.getTime(r, "received_at")
                  });
            }
          }
          if (rows.isEmpty()) {
            continue;
          }
          // Delete first: on PostgreSQL the new row carries the same unique event_id.
          c.setAutoCommit(false);
          try {
            for (Object[] row : rows) {
              delete.setLong(1, (Long) row[0]);
              delete.addBatch();
              if (row[7] == null) {
                erased++;
                continue;
              }
              for (int i = 1; i <= 8; i++) {
                add.setString(i, (String) row[i]);
              }
              dialect.setTime(add, 9, (Instant) row[9]);
              dialect.setTime(add, 10, (Instant) row[10]);
              add.addBatch();
            }
            delete.executeBatch();
            add.executeBatch();
            c.commit();
          } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
          } finally {
            c.setAutoCommit(true);
          }
          cleaned += rows.size();
        }
      }
      return new Cleaning(cleaned - erased, unreadable, erased);
    } catch (SQLException e) {
      throw new DatabaseException(
          "cannot clean imported rows (" + cleaned + " cleaned so far): " + e.getMessage(), e);
    }
  }

  private static boolean isErased(PreparedStatement wasErased, String keyedId) throws SQLException {
    wasErased.setString(1, keyedId);
    try (ResultSet r = wasErased.executeQuery()) {
      return r.next();
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
}
