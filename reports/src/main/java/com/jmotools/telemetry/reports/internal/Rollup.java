package com.jmotools.telemetry.reports.internal;

import com.jmotools.telemetry.collector.DatabaseException;
import com.jmotools.telemetry.collector.Dialect;
import com.jmotools.telemetry.reports.Period;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * A daily rollup of the events table, kept by the query layer in its own tables (a cache: dropping
 * them loses nothing): per UTC day and (event type, dimension, value), the events and the sorted
 * hashes of the distinct anonymous ids, so statistics over a quarter read a few thousand rows
 * instead of millions, and distinct counts stay exact.
 *
 * <p>{@link #refresh()} rolls up every finished day not rolled yet and re-rolls days that changed.
 * Each rolled day keeps a fingerprint of the rows it was rolled from, their count and the sum of
 * their row ids, which no mix of removed and added rows keeps: added rows take ids above every
 * rolled one (the collector never gives a row id twice, not even one whose row was erased), so as
 * many rows added as removed raise the sum. Late events are found by row id above the last
 * refresh's; erasures by the deleted-ids count, which makes every day's fingerprint be checked;
 * rows that an erasure deletes after a refresh already saw its id (the collector records the id
 * first) by a sweep that checks {@value #SWEEP_DAYS} days' fingerprints per refresh, so every day
 * is checked again within a few refreshes; purges by the oldest day (days before it are dropped).
 * The current day is rolled too, as an open day: its rows up to a row id (the {@code open_id}
 * state) are in the rollup, and each refresh adds only the rows above it, so the collector's
 * background refresh keeps it current at the cost of the rows that arrived since. Readers take the
 * open day from the rollup plus its rows above {@code open_id}, so new events still show at once.
 */
public final class Rollup {

  /**
   * Bumped when the rollup's content changes meaning; a mismatch re-rolls everything. 6: days that
   * SQLite's reused row ids (before collector migration 5) may have left wrong are rolled again.
   */
  static final long FORMAT = 6;

  /**
   * Rolled days whose fingerprint each refresh checks, in turn, when nothing else made it check.
   */
  static final int SWEEP_DAYS = 16;

  /**
   * On PostgreSQL, ids are assigned before commit, so rows below the last max id can still appear:
   * look back this far.
   */
  static final long POSTGRES_ID_LOOKBACK = 200_000;

  /** Row ids read per query when the open day's new rows are added. */
  static final long ID_SLICE = 50_000;

  /** The {@code open_day} state when no day is open. */
  private static final long NO_OPEN_DAY = Long.MIN_VALUE;

  private final DataSource dataSource;
  private final Sql sql;
  private final Clock clock;
  private volatile boolean tablesReady;

  private final boolean reuseRolledPart;

  private final int dayIds;

  /** The last day the sweep checked; the next refresh checks the days after it. */
  private String sweptUpTo = "";

  /**
   * @param reuseRolledPart whether {@link #cube} keeps the rolled part of the last period it read
   *     (a copy as large as it), for a server that answers the same periods again; a one-off
   *     command does not need the second copy
   * @param dayIds the most id hashes a day's totals keep, in memory while it is rolled and stored:
   *     a day with more distinct installations stores the {@code dayIds} smallest hashes, a sketch
   *     that estimates them (relative error about {@code 1 / sqrt(dayIds)})
   * @throws IllegalArgumentException if {@code dayIds < Cube.SKETCH_SIZE}
   */
  public Rollup(DataSource dataSource, Sql sql, Clock clock, boolean reuseRolledPart, int dayIds) {
    if (dayIds < Cube.SKETCH_SIZE) {
      throw new IllegalArgumentException("dayIds < " + Cube.SKETCH_SIZE + ": " + dayIds);
    }
    this.dataSource = dataSource;
    this.sql = sql;
    this.clock = clock;
    this.reuseRolledPart = reuseRolledPart;
    this.dayIds = dayIds;
  }

  /** A cube for rolling days up: its memory is bounded whatever a day holds. */
  private Cube rollingCube() {
    return new Cube(Cube.SKETCH_SIZE, dayIds);
  }

  private void ensureTables(Connection c) throws SQLException {
    if (tablesReady) {
      return;
    }
    String blob = sql.dialect() == Dialect.SQLITE ? "BLOB" : "BYTEA";
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS reports_daily (day TEXT NOT NULL, event_type TEXT NOT NULL,"
              + " dim TEXT NOT NULL, value TEXT NOT NULL, events BIGINT NOT NULL, ids "
              + blob
              + " NOT NULL, PRIMARY KEY (day, event_type, dim, value))");
      s.execute(
          "CREATE TABLE IF NOT EXISTS reports_days (day TEXT PRIMARY KEY, events BIGINT NOT NULL,"
              + " id_sum BIGINT NOT NULL DEFAULT 0)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS reports_state (name TEXT PRIMARY KEY, value BIGINT NOT"
              + " NULL)");
    }
    // A rollup of format 4 or older has no fingerprint column: add it (the format change re-rolls
    // every day, which fills it). Probed by a read, so that no lock is taken when it is there.
    try (Statement s = c.createStatement()) {
      s.executeQuery("SELECT id_sum FROM reports_days WHERE 1 = 0").close();
    } catch (SQLException noColumn) {
      try (Statement s = c.createStatement()) {
        s.execute("ALTER TABLE reports_days ADD COLUMN id_sum BIGINT NOT NULL DEFAULT 0");
      }
    }
    tablesReady = true;
  }

  /** The current day (UTC); the days before it are finished. */
  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  /**
   * Brings the rollup up to date with the events table.
   *
   * @return how many finished days were (re)rolled (adding the new rows of the open day is not
   *     counted)
   * @throws DatabaseException if the database cannot be read or written
   */
  public synchronized int refresh() {
    try (Connection c = dataSource.getConnection()) {
      ensureTables(c);
      c.setAutoCommit(true);
      return refresh(c);
    } catch (SQLException e) {
      throw new DatabaseException("cannot refresh the statistics rollup", e);
    }
  }

  /**
   * What a day's rows are: how many, and the sum of their row ids. Rows removed and rows added
   * (whose ids are above every rolled one) cannot leave both as they were.
   */
  record Fingerprint(long events, long idSum) {
    static final Fingerprint NONE = new Fingerprint(0, 0);

    Fingerprint plus(Fingerprint other) {
      return new Fingerprint(events + other.events, idSum + other.idSum);
    }
  }

  /** What the events table and the rollup held when a refresh began. */
  private record Snapshot(
      LocalDate today,
      Map<String, Long> state,
      long maxId,
      long deleted,
      String minDay,
      Map<String, Fingerprint> rolled) {

    long state(String name, long absent) {
      return state.getOrDefault(name, absent);
    }

    /**
     * Whether every rolled day's count must be checked: the format, the erasures or the ids went
     * back.
     */
    boolean mustVerify() {
      return state("format", -1L) != FORMAT
          || state("deleted", -1L) != deleted
          || state("max_id", 0L) > maxId;
    }

    long minEpochDay() {
      return minDay == null ? Long.MIN_VALUE : LocalDate.parse(minDay).toEpochDay();
    }

    /** The day rolled part way at the last refresh, or null. */
    String openDay() {
      long day = state("open_day", NO_OPEN_DAY);
      return day == NO_OPEN_DAY ? null : LocalDate.ofEpochDay(day).toString();
    }

    /** Whether today has been rolled up to the row id {@code upTo}. */
    boolean openDayCurrent(long upTo) {
      String day = today.toString();
      return minDay == null
          || (day.equals(openDay()) && rolled.containsKey(day) && state("open_id", -1L) == upTo);
    }
  }

  private Snapshot snapshot(Connection c) throws SQLException {
    Map<String, Long> state = state(c);
    long maxId = longOf(c, "SELECT coalesce(max(id), 0) FROM " + Sql.TABLE);
    long deleted = longOf(c, "SELECT count(*) FROM deleted_ids");
    // min("timestamp") is one index lookup; the day is derived from it.
    String minDay = stringOf(c, daysOfEdge("min"));
    return new Snapshot(today(), state, maxId, deleted, minDay, rolledDays(c));
  }

  private int refresh(Connection c) throws SQLException {
    Snapshot now = snapshot(c);
    boolean verify = now.mustVerify();
    Set<String> dirty = new TreeSet<>();
    Set<String> drop = new TreeSet<>();
    boolean openDayChanged = false;
    if (now.minDay == null) {
      drop.addAll(now.rolled.keySet());
    } else {
      dirty.addAll(verify ? daysWhoseRowsChanged(c, now) : daysWithNewRows(c, now));
      if (!verify) {
        openDayChanged = sweep(c, now, dirty);
      }
      planFromOldestDay(now, dirty, drop);
    }
    long openUpTo = openDayLimit(now.maxId);
    if (drop.isEmpty()
        && dirty.isEmpty()
        && !verify
        && !openDayChanged
        && now.state("max_id", -1L) == now.maxId
        && now.state("min_day", Long.MIN_VALUE) == now.minEpochDay()
        && now.openDayCurrent(openUpTo)) {
      return 0; // nothing to write: readers never take the write lock needlessly
    }
    for (String day : drop) {
      inTransaction(c, () -> delete(c, day));
    }
    for (String day : dirty) {
      roll(c, day, now.maxId);
    }
    rollOpenDay(c, now, verify || openDayChanged, verify, dirty, openUpTo);
    return dirty.size();
  }

  /** A step that writes the rollup. */
  private interface Writes {
    void run() throws SQLException;
  }

  /**
   * Runs {@code writes} in a short write transaction; the reading that prepared them ran before, in
   * auto-commit mode, so that the collector's writer never waits for an aggregation. On SQLite the
   * transaction takes the write lock first (a deferred one that read first would fail once the
   * collector committed since); on PostgreSQL an advisory lock serialises rollup writers.
   */
  private void inTransaction(Connection c, Writes writes) throws SQLException {
    boolean sqlite = sql.dialect() == Dialect.SQLITE;
    c.setAutoCommit(sqlite);
    try (Statement s = c.createStatement()) {
      s.execute(sqlite ? "BEGIN IMMEDIATE" : "SELECT pg_advisory_xact_lock(7267311)");
    }
    boolean done = false;
    try {
      writes.run();
      if (sqlite) {
        try (Statement s = c.createStatement()) {
          s.execute("COMMIT");
        }
      } else {
        c.commit();
      }
      done = true;
    } finally {
      if (!done) {
        if (sqlite) {
          try (Statement s = c.createStatement()) {
            s.execute("ROLLBACK");
          } catch (SQLException ignored) {
            // the transaction is gone already: nothing was written
          }
        } else {
          c.rollback();
        }
      }
      c.setAutoCommit(true);
    }
  }

  /**
   * The finished days whose rows differ from the rollup's by their fingerprint (after erasures, or
   * a new format: all). Each day is read on its own, a range of the time index: one GROUP BY over
   * every event would sort millions of rows in memory.
   */
  private Set<String> daysWhoseRowsChanged(Connection c, Snapshot now) throws SQLException {
    Set<String> dirty = new TreeSet<>();
    String today = now.today.toString();
    boolean newFormat = now.state("format", -1L) != FORMAT;
    for (Map.Entry<String, Fingerprint> day : now.rolled.entrySet()) {
      if (!day.getKey().equals(today)
          && (newFormat
              || !day.getValue().equals(fingerprintOf(c, day.getKey(), Long.MAX_VALUE)))) {
        dirty.add(day.getKey());
      }
    }
    return dirty;
  }

  /**
   * Checks the fingerprints of the next {@value #SWEEP_DAYS} rolled finished days after the last
   * ones checked (not yet marked dirty), adding those that changed to {@code dirty}; once per round
   * of every day it checks the open day's rows up to {@code open_id} too. An erasure records its id
   * before it deletes the rows, so a refresh in between sees the id but not yet the rows' removal:
   * the sweep finds it within a round.
   *
   * @return whether the open day's rolled rows changed (it must be rolled afresh)
   */
  private boolean sweep(Connection c, Snapshot now, Set<String> dirty) throws SQLException {
    String today = now.today.toString();
    String open = now.openDay();
    List<String> days = new ArrayList<>();
    for (String day : new TreeSet<>(now.rolled.keySet())) {
      if (day.compareTo(today) < 0 && !day.equals(open) && !dirty.contains(day)) {
        days.add(day);
      }
    }
    int start = 0;
    while (start < days.size() && days.get(start).compareTo(sweptUpTo) <= 0) {
      start++;
    }
    boolean newRound = start == days.size();
    if (newRound) {
      start = 0;
    }
    for (int i = start; i < Math.min(days.size(), start + SWEEP_DAYS); i++) {
      String day = days.get(i);
      if (!now.rolled.get(day).equals(fingerprintOf(c, day, Long.MAX_VALUE))) {
        dirty.add(day);
      }
      sweptUpTo = day;
    }
    if (days.isEmpty()) {
      sweptUpTo = "";
    }
    return (newRound || days.isEmpty())
        && today.equals(open)
        && now.rolled.containsKey(today)
        && !now.rolled.get(today).equals(fingerprintOf(c, today, now.state("open_id", 0L)));
  }

  /**
   * The finished days that received rows since the last refresh (late events), whatever their
   * count: rows added with rows erased can leave it as it was. On PostgreSQL the look-back finds
   * days already rolled too: those whose fingerprint did not change are left. The open day is left
   * out: its new rows are added, not re-rolled.
   */
  private Set<String> daysWithNewRows(Connection c, Snapshot now) throws SQLException {
    Set<String> dirty = new TreeSet<>();
    String open = now.openDay();
    long from =
        now.state("max_id", 0L) - (sql.dialect() == Dialect.POSTGRESQL ? POSTGRES_ID_LOOKBACK : 0);
    Set<String> touched = new TreeSet<>();
    // In slices of ids, each a short read (see withRows).
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT DISTINCT "
                + sql.day("e")
                + " FROM "
                + Sql.TABLE
                + " e WHERE e.id > ? AND e.id <= ?")) {
      for (long lo = Math.max(0, from); lo < now.maxId; lo += ID_SLICE) {
        ps.setLong(1, lo);
        ps.setLong(2, Math.min(now.maxId, lo + ID_SLICE));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            touched.add(rs.getString(1));
          }
        }
      }
    }
    for (String day : touched) {
      // A day that gained rows has a new fingerprint, however many rows it lost meanwhile.
      if (!day.equals(open)
          && now.rolled.containsKey(day)
          && !now.rolled.get(day).equals(fingerprintOf(c, day, Long.MAX_VALUE))) {
        dirty.add(day);
      }
    }
    return dirty;
  }

  /**
   * Adds the finished days not rolled yet and the oldest day cut by a purge; drops days before it.
   */
  private static void planFromOldestDay(Snapshot now, Set<String> dirty, Set<String> drop) {
    LocalDate first = LocalDate.parse(now.minDay);
    // A retention purge cuts the oldest day part way: re-roll it when the oldest day moved.
    if (now.state("min_day", Long.MIN_VALUE) != first.toEpochDay()
        && now.rolled.containsKey(now.minDay)
        && first.isBefore(now.today)) {
      dirty.add(now.minDay);
    }
    for (LocalDate d = first; d.isBefore(now.today); d = d.plusDays(1)) {
      if (!now.rolled.containsKey(d.toString())) {
        dirty.add(d.toString());
      }
    }
    for (String day : now.rolled.keySet()) {
      if (day.compareTo(now.minDay) < 0) {
        drop.add(day);
        dirty.remove(day);
      }
    }
  }

  /**
   * The row id up to which the open day is rolled: on PostgreSQL, rows just below the maximum may
   * still commit.
   */
  private long openDayLimit(long maxId) {
    return sql.dialect() == Dialect.POSTGRESQL ? Math.max(0, maxId - POSTGRES_ID_LOOKBACK) : maxId;
  }

  /**
   * Finishes the day that was open at the last refresh if it has ended (adding its rows above
   * {@code open_id}), then brings today up to {@code upTo}: from scratch when it was not open (or
   * {@code rollTodayAfresh}: its rolled rows changed), otherwise by adding the rows above {@code
   * open_id}; and records the state. If another process moved the open day meanwhile, only the
   * state of finished days is recorded.
   *
   * @param verify whether every finished day was checked (the ended open day among them)
   */
  private void rollOpenDay(
      Connection c,
      Snapshot now,
      boolean rollTodayAfresh,
      boolean verify,
      Set<String> rolledWhole,
      long upTo)
      throws SQLException {
    String today = now.today.toString();
    String open = now.openDay();
    long openId = now.state("open_id", 0L);
    DayCells finished = null;
    if (open != null
        && !open.equals(today)
        && !verify
        && !rolledWhole.contains(open)
        && now.rolled.containsKey(open)
        && now.minDay != null
        && open.compareTo(now.minDay) >= 0) {
      finished = withRows(c, open, now.rolled.get(open), openId, now.maxId);
    }
    DayCells current = null;
    long rolledUpTo = openId;
    if (now.minDay != null) {
      boolean fresh = rollTodayAfresh || !today.equals(open) || !now.rolled.containsKey(today);
      if (fresh || upTo > openId) {
        current =
            fresh
                ? withRows(c, today, Fingerprint.NONE, 0, upTo)
                : withRows(c, today, now.rolled.get(today), openId, upTo);
        rolledUpTo = upTo;
      }
    }
    DayCells finishedDay = finished;
    DayCells currentDay = current;
    long openIdAfter = rolledUpTo;
    inTransaction(
        c,
        () -> {
          Map<String, Long> state = state(c);
          boolean moved =
              state.getOrDefault("open_day", NO_OPEN_DAY) != now.state("open_day", NO_OPEN_DAY)
                  || state.getOrDefault("open_id", 0L) != openId;
          if (!moved) {
            for (DayCells day : new DayCells[] {finishedDay, currentDay}) {
              if (day != null && day.changed()) {
                delete(c, day.day());
                write(c, day.day(), day.cube(), day.rows());
              }
            }
            putState(c, "open_day", now.minDay == null ? NO_OPEN_DAY : now.today.toEpochDay());
            putState(c, "open_id", now.minDay == null ? 0 : openIdAfter);
          }
          putState(c, "max_id", now.maxId);
          putState(c, "deleted", now.deleted);
          putState(c, "format", FORMAT);
          // Every refresh that wrote anything: readers that keep answers know they are stale.
          putState(c, "version", now.state("version", 0L) + 1);
          putState(c, "min_day", now.minEpochDay());
        });
  }

  /** One day's cells to store, and whether they differ from the stored ones. */
  private record DayCells(String day, Cube cube, Fingerprint rows, boolean changed) {}

  /**
   * The cells of {@code day}: its rolled cells (when {@code afterId > 0}, rolled from the rows
   * {@code rolled}) plus its rows with {@code afterId < id <= upTo}.
   */
  private DayCells withRows(Connection c, String day, Fingerprint rolled, long afterId, long upTo)
      throws SQLException {
    LocalDate d = LocalDate.parse(day);
    Period whole =
        new Period(
            d.atStartOfDay(ZoneOffset.UTC).toInstant(),
            d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    Cube cube = rollingCube();
    if (afterId > 0) {
      readRolled(c, List.of(day), cube);
    }
    long from = afterId > 0 ? afterId : firstIdOf(c, whole) - 1;
    Fingerprint added = Fingerprint.NONE;
    // In slices of ids, each its own short read: a long one would keep the collector's WAL from
    // starting over for as long as it lasts.
    for (long lo = from; lo < upTo; lo += ID_SLICE) {
      added = added.plus(aggregate(c, whole, lo, Math.min(upTo, lo + ID_SLICE), cube));
    }
    return new DayCells(
        day,
        cube,
        (afterId > 0 ? rolled : Fingerprint.NONE).plus(added),
        afterId == 0 || added.events() > 0);
  }

  /** The smallest row id of {@code period}, or {@code Long.MAX_VALUE} when it has none. */
  private long firstIdOf(Connection c, Period period) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT min(e.id) FROM " + Sql.TABLE + " e WHERE " + sql.inPeriod("e"))) {
      sql.bindPeriod(ps, 1, period);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long first = rs.getLong(1);
        return rs.wasNull() ? Long.MAX_VALUE : first;
      }
    }
  }

  /**
   * Rolls {@code day} up from its rows with {@code id <= upTo}: rows above it are not in the
   * rollup, so readers add them (see {@link #cube}) and the next refresh rolls them.
   */
  private void roll(Connection c, String day, long upTo) throws SQLException {
    LocalDate d = LocalDate.parse(day);
    Cube cube = rollingCube();
    Fingerprint rows =
        aggregate(
            c,
            new Period(
                d.atStartOfDay(ZoneOffset.UTC).toInstant(),
                d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()),
            0,
            upTo,
            cube);
    inTransaction(
        c,
        () -> {
          delete(c, day);
          write(c, day, cube, rows);
        });
  }

  /** Stores the cells of one day (whose rows the caller deleted). */
  private static void write(Connection c, String day, Cube cube, Fingerprint rows)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO reports_daily (day, event_type, dim, value, events, ids) VALUES (?, ?, ?,"
                + " ?, ?, ?)")) {
      for (Map.Entry<Cube.Key, Cube.Agg> e : cube.cells().entrySet()) {
        ps.setString(1, day);
        ps.setString(2, e.getKey().type());
        ps.setString(3, e.getKey().dim());
        ps.setString(4, e.getKey().value());
        ps.setLong(5, e.getValue().events);
        // The daily totals keep every id up to the rollup's bound (exact installs per day, week,
        // month); other cells a sketch of SKETCH_SIZE.
        ps.setBytes(6, e.getValue().encode());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO reports_days (day, events, id_sum) VALUES (?, ?, ?)")) {
      ps.setString(1, day);
      ps.setLong(2, rows.events());
      ps.setLong(3, rows.idSum());
      ps.executeUpdate();
    }
  }

  private static void delete(Connection c, String day) throws SQLException {
    for (String table : List.of("reports_daily", "reports_days")) {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE day = ?")) {
        ps.setString(1, day);
        ps.executeUpdate();
      }
    }
  }

  /** Adds the raw events of {@code period} to {@code cube}; returns their fingerprint. */
  private Fingerprint aggregate(Connection c, Period period, Cube cube) throws SQLException {
    return aggregate(c, period, 0, Long.MAX_VALUE, cube);
  }

  /**
   * Adds the raw events of {@code period} with {@code afterId < id <= upTo} to {@code cube}
   * (afterId 0 and upTo {@code Long.MAX_VALUE}: every event of the period); returns their
   * fingerprint.
   */
  private Fingerprint aggregate(Connection c, Period period, long afterId, long upTo, Cube cube)
      throws SQLException {
    long n = 0;
    long idSum = 0;
    StringBuilder query =
        new StringBuilder("SELECT ")
            .append(sql.day("e"))
            .append(", e.event_type, e.platform, e.version, e.anonymous_id, ")
            .append(sql.metadataText("e"))
            .append(", e.id")
            .append(" FROM ")
            .append(Sql.TABLE)
            .append(" e WHERE ")
            // SQLite would rather read a whole day by its time index than a slice of ids: +column
            // is no index term.
            .append(
                afterId > 0 && sql.dialect() == Dialect.SQLITE
                    ? "+e.\"timestamp\" >= ? AND +e.\"timestamp\" < ?"
                    : sql.inPeriod("e"));
    // With a lower bound the rows are read by id (a slice of the newest); without one by time, the
    // upper bound (+id: not an index term on SQLite) only filtering.
    if (afterId > 0) {
      query.append(" AND e.id > ? AND e.id <= ?");
    } else if (upTo < Long.MAX_VALUE) {
      query.append(" AND +e.id <= ?");
    }
    try (PreparedStatement ps = c.prepareStatement(query.toString())) {
      ps.setFetchSize(5_000);
      int next = sql.bindPeriod(ps, 1, period);
      if (afterId > 0) {
        ps.setLong(next++, afterId);
      }
      if (afterId > 0 || upTo < Long.MAX_VALUE) {
        ps.setLong(next, upTo);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          addEvent(cube, rs);
          n++;
          idSum += rs.getLong(7);
        }
      }
    }
    return new Fingerprint(n, idSum);
  }

  /**
   * {@code period} cut to the days that can hold events: from the first stored event's day to the
   * end of tomorrow, or of the last stored event's day when that is later (two index lookups). A
   * period of centuries then costs no more than the stored days.
   *
   * @return the cut period, or empty when no stored event can fall inside it
   * @throws DatabaseException if the database cannot be read
   */
  public Optional<Period> withinData(Period period) {
    try (Connection c = dataSource.getConnection()) {
      return withinData(c, period);
    } catch (SQLException e) {
      throw new DatabaseException("cannot read the span of the events", e);
    }
  }

  private Optional<Period> withinData(Connection c, Period period) throws SQLException {
    String first = stringOf(c, daysOfEdge("min"));
    if (first == null) {
      return Optional.empty();
    }
    LocalDate last = LocalDate.parse(stringOf(c, daysOfEdge("max")));
    LocalDate tomorrow = today().plusDays(1);
    Instant from = LocalDate.parse(first).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to =
        (last.isAfter(tomorrow) ? last : tomorrow)
            .plusDays(1)
            .atStartOfDay(ZoneOffset.UTC)
            .toInstant();
    Instant start = period.from().isAfter(from) ? period.from() : from;
    Instant end = period.to().isBefore(to) ? period.to() : to;
    return start.isBefore(end) ? Optional.of(new Period(start, end)) : Optional.empty();
  }

  /** The day of the first ({@code min}) or last ({@code max}) event: one index lookup. */
  private String daysOfEdge(String edge) {
    return "SELECT "
        + sql.day("e")
        + " FROM (SELECT "
        + edge
        + "(\"timestamp\") AS \"timestamp\" FROM "
        + Sql.TABLE
        + ") e";
  }

  /**
   * The cube of {@code period}: rolled days from the rollup, the rest (partial days at the edges,
   * today, days not rolled yet) from the events table. Only the days that can hold events are
   * visited (see {@link #withinData}).
   *
   * @throws DatabaseException if the database cannot be read
   */
  public Cube cube(Period requested) {
    Cube cube = new Cube();
    try (Connection c = dataSource.getConnection()) {
      ensureTables(c);
      Optional<Period> within = withinData(c, requested);
      if (within.isEmpty()) {
        return cube;
      }
      Period period = within.get();
      LocalDate today = today();
      Map<String, Fingerprint> rolled = rolledDays(c);
      Map<String, Long> state = state(c);
      boolean todayOpen = state.getOrDefault("open_day", NO_OPEN_DAY) == today.toEpochDay();
      long openId = state.getOrDefault("open_id", 0L);
      Period openTail = null;
      // Finished rolled days, whose rows above max_id (late events since the last refresh) are
      // read raw below.
      Set<String> finishedRolled = new TreeSet<>();
      long rolledUpTo = state.getOrDefault("max_id", Long.MAX_VALUE);
      // Whole days of the period that are rolled, as one contiguous run from the rollup...
      List<String> fromRollup = new ArrayList<>();
      List<Period> fromRaw = new ArrayList<>();
      Instant cursor = period.from();
      while (cursor.isBefore(period.to())) {
        LocalDate day = LocalDate.ofInstant(cursor, ZoneOffset.UTC);
        Instant dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant dayEnd = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = dayEnd.isBefore(period.to()) ? dayEnd : period.to();
        boolean whole = cursor.equals(dayStart) && end.equals(dayEnd);
        if (whole && day.isBefore(today) && rolled.containsKey(day.toString())) {
          fromRollup.add(day.toString());
          finishedRolled.add(day.toString());
        } else if (whole && day.equals(today) && todayOpen && rolled.containsKey(day.toString())) {
          // The open day: its rolled rows, and below the rows that came after them.
          fromRollup.add(day.toString());
          openTail = new Period(cursor, end);
        } else {
          fromRaw.add(new Period(cursor, end));
        }
        cursor = end;
      }
      if (!fromRollup.isEmpty()) {
        // The rolled days of a period change only when the rollup is refreshed: keep the last ones,
        // so the dashboard's live refreshes and shifted periods only read the raw edges again.
        Fingerprint rows =
            fromRollup.stream().map(rolled::get).reduce(Fingerprint.NONE, Fingerprint::plus);
        String key =
            fromRollup.get(0)
                + "/"
                + fromRollup.get(fromRollup.size() - 1)
                + "/"
                + fromRollup.size()
                + "/"
                + rows
                + "/"
                + state;
        RolledPart part = lastRolled;
        if (part != null && part.key().equals(key)) {
          cube = part.cube().copy();
        } else {
          cube = new Cube();
          readRolled(c, fromRollup, cube);
          if (reuseRolledPart) {
            lastRolled = new RolledPart(key, cube.copy());
          }
        }
      }
      for (Period p : merge(fromRaw)) {
        aggregate(c, p, cube);
      }
      if (!finishedRolled.isEmpty()) {
        // The day that was open at the last refresh, if it has ended since, is rolled only up to
        // open_id.
        long openDay = state.getOrDefault("open_day", NO_OPEN_DAY);
        String endedOpenDay =
            openDay == NO_OPEN_DAY ? "" : LocalDate.ofEpochDay(openDay).toString();
        addRowsAbove(c, rolledUpTo, finishedRolled, endedOpenDay, openId, cube);
      }
      if (openTail != null) {
        aggregate(c, openTail, openId, Long.MAX_VALUE, cube);
      }
    } catch (SQLException e) {
      throw new DatabaseException("cannot read statistics for " + requested.label(), e);
    }
    return cube;
  }

  /**
   * Adds the rows with {@code id > afterId} of the {@code days} to {@code cube} (of {@code
   * partDay}, rolled part way: those with {@code id > partAfterId}): the rows that came since the
   * last refresh (an id range at the end of the table), so that late events of finished days count
   * at once.
   */
  private void addRowsAbove(
      Connection c, long afterId, Set<String> days, String partDay, long partAfterId, Cube cube)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + sql.day("e")
                + ", e.event_type, e.platform, e.version, e.anonymous_id, "
                + sql.metadataText("e")
                + ", e.id FROM "
                + Sql.TABLE
                + " e WHERE e.id > ?")) {
      ps.setFetchSize(5_000);
      ps.setLong(1, days.contains(partDay) ? Math.min(afterId, partAfterId) : afterId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String day = rs.getString(1);
          if (days.contains(day) && rs.getLong(7) > (day.equals(partDay) ? partAfterId : afterId)) {
            addEvent(cube, rs);
          }
        }
      }
    }
  }

  /**
   * A number that changes whenever a refresh writes the rollup: answers computed before it may be
   * stale.
   *
   * @throws DatabaseException if the database cannot be read
   */
  public long version() {
    try (Connection c = dataSource.getConnection()) {
      ensureTables(c);
      return state(c).getOrDefault("version", 0L);
    } catch (SQLException e) {
      throw new DatabaseException("cannot read the rollup's version", e);
    }
  }

  private record RolledPart(String key, Cube cube) {}

  private volatile RolledPart lastRolled;

  /** Merges the stored cells of the days {@code fromRollup} into {@code cube}. */
  private static void readRolled(Connection c, List<String> fromRollup, Cube cube)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT day, event_type, dim, value, events, ids FROM reports_daily "
                + "WHERE day >= ? AND day <= ?")) {
      ps.setFetchSize(5_000);
      ps.setString(1, fromRollup.get(0));
      ps.setString(2, fromRollup.get(fromRollup.size() - 1));
      Set<String> wanted = new TreeSet<>(fromRollup);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (wanted.contains(rs.getString(1))) {
            cube.merge(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getLong(5),
                rs.getBytes(6));
          }
        }
      }
    }
  }

  /** Joins adjacent raw ranges so each is read with one query. */
  private static List<Period> merge(List<Period> ranges) {
    List<Period> out = new ArrayList<>();
    for (Period p : ranges) {
      if (!out.isEmpty() && out.get(out.size() - 1).to().equals(p.from())) {
        Period last = out.remove(out.size() - 1);
        out.add(new Period(last.from(), p.to()));
      } else {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * The fingerprint of the rows of {@code day} with {@code id <= upTo}: a range of the time index,
   * which on SQLite holds the row id too, so the table itself is not read.
   */
  private Fingerprint fingerprintOf(Connection c, String day, long upTo) throws SQLException {
    LocalDate d = LocalDate.parse(day);
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT count(*), coalesce(sum(e.id), 0) FROM "
                + Sql.TABLE
                + " e WHERE "
                + sql.inPeriod("e")
                + (upTo < Long.MAX_VALUE ? " AND +e.id <= ?" : ""))) {
      int next =
          sql.bindPeriod(
              ps,
              1,
              new Period(
                  d.atStartOfDay(ZoneOffset.UTC).toInstant(),
                  d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
      if (upTo < Long.MAX_VALUE) {
        ps.setLong(next, upTo);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Fingerprint(rs.getLong(1), rs.getLong(2));
      }
    }
  }

  private static Map<String, Fingerprint> rolledDays(Connection c) throws SQLException {
    Map<String, Fingerprint> m = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT day, events, id_sum FROM reports_days")) {
      while (rs.next()) {
        m.put(rs.getString(1), new Fingerprint(rs.getLong(2), rs.getLong(3)));
      }
    }
    return m;
  }

  private static Map<String, Long> state(Connection c) throws SQLException {
    Map<String, Long> m = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name, value FROM reports_state")) {
      while (rs.next()) {
        m.put(rs.getString(1), rs.getLong(2));
      }
    }
    return m;
  }

  private static void putState(Connection c, String name, long value) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO reports_state (name, value) VALUES (?, ?) "
                + "ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
      ps.setString(1, name);
      ps.setLong(2, value);
      ps.executeUpdate();
    }
  }

  private static long longOf(Connection c, String query) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String stringOf(Connection c, String query) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Adds the event of the current row: columns 1 to 6 as {@link Cube#addEvent} takes them. */
  private static void addEvent(Cube cube, ResultSet rs) throws SQLException {
    cube.addEvent(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6));
  }
}
