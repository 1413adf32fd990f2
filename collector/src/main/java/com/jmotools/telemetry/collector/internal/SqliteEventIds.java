package com.jmotools.telemetry.collector.internal;

import com.jmotools.telemetry.catalog.EventIds;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which event ids a SQLite database already holds, so that each event is stored once without a
 * unique index on {@code events.event_id}.
 *
 * <p>Why: event ids are UUID v7 cut to the hour, random within it. Under a unique index every
 * insert lands on a random page of the index's slice for the current hour, and every commit writes
 * each page it touched to the WAL in full (4 KiB for a 36-byte id): once an hour held a million
 * events, commits of 2,000 events went in at 39,000 events/s, against 190,000 with ordered ids
 * (bench/collector/RESULTS.md).
 *
 * <p>How: an id's partition is the hour in its own first 48 bits (UUID v7). The partitions from the
 * open hour W on are held in memory. The table {@code event_ids} holds the ids of older partitions
 * and every id that does not sit in its own event's hour (a UUID other than v7, or a v7 whose hour
 * is not its event's). Once an hour is two hours old, its ids are copied from {@code events} into
 * {@code event_ids} in id order, in the transaction that moves W (stored in {@code
 * event_id_state}), so each page of that table is written about once. Invariant: every stored event
 * id is in {@code event_ids}, or is a UUID v7 whose hour is its row's {@code timestamp} and not
 * before W. A partition is therefore loaded on first use from both places, and a restart loses
 * nothing. If the ids in memory would exceed their budget, the largest partition is spilled: copied
 * to {@code event_ids} and from then on looked up there.
 *
 * <p>Only one process may write events to a database through this (the collector's server holds a
 * lock for it: {@link WriterLock}), from one thread: the collector's single writer.
 */
final class SqliteEventIds {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteEventIds.class);

  /**
   * Memory per id held, at worst, for the budget: a slot of 16 bytes in a table at most 1/3 full.
   */
  static final int BYTES_PER_ID = 48;

  /** How far behind the current hour W is kept: ids of the previous hour stay in memory. */
  static final Duration OPEN_BEHIND = Duration.ofHours(1);

  private static final long HOUR_MILLIS = Duration.ofHours(1).toMillis();
  private static final long NO_PARTITION = Long.MIN_VALUE;

  private final long budgetIds;
  private final Map<Long, UuidSet> partitions = new HashMap<>();
  private final Set<Long> spilled = new HashSet<>();
  private long openFrom = NO_PARTITION;
  private long held;

  /** The last event hour parsed, kept across batches: nearly every event is of the current hour. */
  private String lastTimestamp;

  private long lastHour;

  /**
   * @param budgetIds the most ids held in memory before the largest partition is spilled
   */
  SqliteEventIds(long budgetIds) {
    if (budgetIds < 1) {
      throw new IllegalArgumentException("id budget < 1: " + budgetIds);
    }
    this.budgetIds = budgetIds;
  }

  /** A budget of a quarter of the heap this JVM may use. */
  static long defaultBudget() {
    return Math.max(100_000, Runtime.getRuntime().maxMemory() / 4 / BYTES_PER_ID);
  }

  /** Ids held in memory now. */
  long held() {
    return held;
  }

  /**
   * Seals the hours before the previous one and spills partitions while memory is over budget, each
   * in a transaction of its own. Call with {@code c} in auto-commit mode, outside a transaction.
   */
  void maintain(Connection c, Instant now) throws SQLException {
    loadOpenFrom(c);
    long target = now.truncatedTo(ChronoUnit.HOURS).minus(OPEN_BEHIND).toEpochMilli();
    if (openFrom < target) {
      seal(c, target);
    }
    while (held > budgetIds) {
      long largest = NO_PARTITION;
      for (Map.Entry<Long, UuidSet> e : partitions.entrySet()) {
        if (largest == NO_PARTITION || e.getValue().size() > partitions.get(largest).size()) {
          largest = e.getKey();
        }
      }
      long hour = largest;
      int size = partitions.get(hour).size();
      long start = System.nanoTime();
      inTransaction(c, () -> copyToTable(c, hour, hour + HOUR_MILLIS));
      spill(hour);
      LOG.info(
          "the event ids of hour {} ({}) exceed the memory budget of {} ids: moved to event_ids in"
              + " {} ms; that hour's events are checked there from now on (a larger heap keeps more"
              + " in memory)",
          Instant.ofEpochMilli(hour),
          size,
          budgetIds,
          (System.nanoTime() - start) / 1_000_000);
    }
  }

  /** Forgets what memory holds, after a failed transaction: partitions are loaded again on use. */
  void reset() {
    partitions.clear();
    spilled.clear();
    held = 0;
    openFrom = NO_PARTITION;
  }

  /** The claims of one batch, made inside the caller's transaction. */
  Batch batch() {
    return new Batch();
  }

  /**
   * The ids of one transaction: checked against the database and each other, published on commit.
   */
  final class Batch implements AutoCloseable {
    private final Set<String> claimed = new HashSet<>();
    private final List<String> tableIds = new ArrayList<>();
    private final List<String> tableTimes = new ArrayList<>();
    private final List<UUID> memoryIds = new ArrayList<>();
    private PreparedStatement lookup;

    /**
     * Claims {@code eventId} for a row of hour {@code timestamp}.
     *
     * @param eventId a lower-case UUID
     * @param timestamp the row's hour, {@code YYYY-MM-DDTHH:00:00Z}
     * @return true if no stored row and no earlier claim of this batch holds the id
     */
    boolean claim(Connection c, String eventId, String timestamp) throws SQLException {
      if (!claimed.add(eventId)) {
        return false;
      }
      loadOpenFrom(c);
      UUID id = UUID.fromString(eventId);
      long partition = partitionOf(id);
      boolean inMemory =
          partition != NO_PARTITION
              && partition >= openFrom
              && !spilled.contains(partition)
              && loaded(c, partition);
      boolean stored =
          inMemory
              ? partitions
                  .get(partition)
                  .contains(id.getMostSignificantBits(), id.getLeastSignificantBits())
              : tableHolds(c, eventId);
      if (stored) {
        return false;
      }
      if (inMemory) {
        memoryIds.add(id);
      }
      if (!inMemory || partition != hourOf(timestamp)) {
        tableIds.add(eventId);
        tableTimes.add(timestamp);
      }
      return true;
    }

    /** Writes the claimed ids that belong in {@code event_ids}; inside the caller's transaction. */
    void writeTable(Connection c) throws SQLException {
      if (tableIds.isEmpty()) {
        return;
      }
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT OR IGNORE INTO event_ids (event_id, timestamp) VALUES (?, ?)")) {
        for (int i = 0; i < tableIds.size(); i++) {
          insert.setString(1, tableIds.get(i));
          insert.setString(2, tableTimes.get(i));
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }

    /** Publishes the claimed ids to memory once the transaction is committed. */
    void committed() {
      for (UUID id : memoryIds) {
        UuidSet set = partitions.get(partitionOf(id));
        if (set != null && set.add(id.getMostSignificantBits(), id.getLeastSignificantBits())) {
          held++;
        }
      }
    }

    private boolean tableHolds(Connection c, String eventId) throws SQLException {
      if (lookup == null) {
        lookup = c.prepareStatement("SELECT 1 FROM event_ids WHERE event_id = ?");
      }
      lookup.setString(1, eventId);
      try (ResultSet r = lookup.executeQuery()) {
        return r.next();
      }
    }

    private long hourOf(String timestamp) {
      if (!timestamp.equals(lastTimestamp)) {
        lastHour = Instant.parse(timestamp).toEpochMilli();
        lastTimestamp = timestamp;
      }
      return lastHour;
    }

    @Override
    public void close() throws SQLException {
      if (lookup != null) {
        lookup.close();
      }
    }
  }

  // ---------------------------------------------------------------- partitions

  /**
   * The hour in a UUID v7's first 48 bits (epoch milliseconds), or NO_PARTITION for another UUID.
   */
  static long partitionOf(UUID id) {
    Instant time = EventIds.hourOf(id);
    return time == null ? NO_PARTITION : time.truncatedTo(ChronoUnit.HOURS).toEpochMilli();
  }

  /**
   * Whether the partition of {@code hour} is in memory, loading it first if need be. An hour with
   * more rows than the budget leaves room for is spilled instead, without being read into memory:
   * after a restart in a very busy hour, the writer does not read millions of ids only to move
   * them.
   */
  private boolean loaded(Connection c, long hour) throws SQLException {
    if (partitions.containsKey(hour)) {
      return true;
    }
    long rows;
    try (PreparedStatement count =
        c.prepareStatement("SELECT COUNT(*) FROM events WHERE timestamp = ?")) {
      count.setString(1, Instant.ofEpochMilli(hour).toString());
      try (ResultSet r = count.executeQuery()) {
        r.next();
        rows = r.getLong(1);
      }
    }
    if (held + rows > budgetIds) {
      copyToTable(
          c,
          hour,
          hour + HOUR_MILLIS); // in the caller's transaction: undone with it, and reset() forgets
      // the mark
      spill(hour);
      LOG.info(
          "the event ids of hour {} ({} rows) do not fit the memory budget of {} ids: they are"
              + " checked in event_ids (a larger heap keeps more in memory)",
          Instant.ofEpochMilli(hour),
          rows,
          budgetIds);
      return false;
    }
    load(c, hour);
    return true;
  }

  private void load(Connection c, long hour) throws SQLException {
    UuidSet set = new UuidSet();
    // The rows of the hour hold its regular ids; event_ids holds the others (and, after a
    // spill, all of them). Text order of lower-case UUIDs is the order of their first 48 bits.
    try (PreparedStatement rows =
        c.prepareStatement(
            "SELECT event_id FROM events WHERE timestamp = ? AND event_id IS NOT NULL")) {
      rows.setString(1, Instant.ofEpochMilli(hour).toString());
      addAll(set, rows, hour);
    }
    try (PreparedStatement ids =
        c.prepareStatement("SELECT event_id FROM event_ids WHERE event_id >= ? AND event_id < ?")) {
      ids.setString(1, prefix(hour));
      ids.setString(2, prefix(hour + HOUR_MILLIS));
      addAll(set, ids, hour);
    }
    partitions.put(hour, set);
    held += set.size();
  }

  private static void addAll(UuidSet set, PreparedStatement query, long hour) throws SQLException {
    try (ResultSet r = query.executeQuery()) {
      while (r.next()) {
        UUID id = parseOrNull(r.getString(1));
        if (id != null && partitionOf(id) == hour) {
          set.add(id.getMostSignificantBits(), id.getLeastSignificantBits());
        }
      }
    }
  }

  private static UUID parseOrNull(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      return null; // not written by the collector (a hand-made row): no id of ours can equal it
    }
  }

  /** The first 13 characters of the text of every UUID whose first 48 bits are {@code millis}. */
  private static String prefix(long millis) {
    return String.format("%08x-%04x", millis >>> 16, millis & 0xffff);
  }

  private void spill(long hour) {
    UuidSet set = partitions.remove(hour);
    if (set != null) {
      held -= set.size();
    }
    spilled.add(hour);
  }

  // ---------------------------------------------------------------- the open hour W

  private void loadOpenFrom(Connection c) throws SQLException {
    if (openFrom != NO_PARTITION) {
      return;
    }
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT open_from FROM event_id_state")) {
      if (!r.next()) {
        throw new SQLException("event_id_state is empty: the schema was not migrated");
      }
      openFrom = Instant.parse(r.getString(1)).toEpochMilli();
    }
  }

  private void seal(Connection c, long target) throws SQLException {
    long from = openFrom;
    inTransaction(
        c,
        () -> {
          copyToTable(c, from, target);
          try (PreparedStatement move =
              c.prepareStatement("UPDATE event_id_state SET open_from = ?")) {
            move.setString(1, Instant.ofEpochMilli(target).toString());
            move.executeUpdate();
          }
        });
    openFrom = target;
    for (Iterator<Map.Entry<Long, UuidSet>> i = partitions.entrySet().iterator(); i.hasNext(); ) {
      Map.Entry<Long, UuidSet> e = i.next();
      if (e.getKey() < target) {
        held -= e.getValue().size();
        i.remove();
      }
    }
    spilled.removeIf(hour -> hour < target);
  }

  /**
   * Copies the ids of the rows of the hours from {@code from} to before {@code to} into event_ids,
   * in id order.
   */
  private static void copyToTable(Connection c, long from, long to) throws SQLException {
    try (PreparedStatement copy =
        c.prepareStatement(
            "INSERT OR IGNORE INTO event_ids (event_id, timestamp) SELECT event_id, timestamp FROM"
                + " events WHERE timestamp >= ? AND timestamp < ? AND event_id IS NOT NULL ORDER BY"
                + " event_id")) {
      copy.setString(1, Instant.ofEpochMilli(from).toString());
      copy.setString(2, Instant.ofEpochMilli(to).toString());
      copy.executeUpdate();
    }
  }

  private interface SqlWork {
    void run() throws SQLException;
  }

  private static void inTransaction(Connection c, SqlWork work) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
    }
    boolean committed = false;
    try {
      work.run();
      try (Statement s = c.createStatement()) {
        s.execute("COMMIT");
      }
      committed = true;
    } finally {
      if (!committed) {
        try (Statement s = c.createStatement()) {
          s.execute("ROLLBACK");
        } catch (SQLException ignored) {
          // No transaction left to undo.
        }
      }
    }
  }
}
