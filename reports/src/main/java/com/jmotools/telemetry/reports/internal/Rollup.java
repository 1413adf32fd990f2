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
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * A daily rollup of the events table, kept by the query layer in its own tables (a cache: dropping
 * them loses nothing): per finished UTC day and (event type, dimension, value), the events and the
 * sorted hashes of the distinct anonymous ids, so statistics over a quarter read a few thousand rows
 * instead of millions, and distinct counts stay exact.
 *
 * <p>{@link #refresh()} rolls up every finished day not rolled yet and re-rolls days that changed:
 * late events (found by row id above the last refresh's), erasures (the deleted-ids count changed:
 * every day's count is checked) and purges (days before the oldest event are dropped). The current
 * day is never rolled; it is always read from the events table, so new events show at once.
 */
public final class Rollup {

  /** Bumped when the rollup's content changes meaning; a mismatch re-rolls everything. */
  static final long FORMAT = 3;
  /** On PostgreSQL, ids are assigned before commit, so rows below the last max id can still appear: look back this far. */
  static final long POSTGRES_ID_LOOKBACK = 200_000;

  private final DataSource dataSource;
  private final Sql sql;
  private final Clock clock;
  private volatile boolean tablesReady;

  public Rollup(DataSource dataSource, Sql sql, Clock clock) {
    this.dataSource = dataSource;
    this.sql = sql;
    this.clock = clock;
  }

  private void ensureTables(Connection c) throws SQLException {
    if (tablesReady) {
      return;
    }
    String blob = sql.dialect() == Dialect.SQLITE ? "BLOB" : "BYTEA";
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS reports_daily (day TEXT NOT NULL, event_type TEXT NOT NULL, dim TEXT NOT NULL, "
          + "value TEXT NOT NULL, events BIGINT NOT NULL, ids " + blob + " NOT NULL, PRIMARY KEY (day, event_type, dim, value))");
      s.execute("CREATE TABLE IF NOT EXISTS reports_days (day TEXT PRIMARY KEY, events BIGINT NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS reports_state (name TEXT PRIMARY KEY, value BIGINT NOT NULL)");
    }
    tablesReady = true;
  }

  /** The finished days (before today, UTC). */
  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  /**
   * Brings the rollup up to date with the events table.
   *
   * @return how many days were (re)rolled
   * @throws DatabaseException if the database cannot be read or written
   */
  public synchronized int refresh() {
    try (Connection c = dataSource.getConnection()) {
      ensureTables(c);
      boolean auto = c.getAutoCommit();
      try {
        return refresh(c);
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw new DatabaseException("cannot refresh the statistics rollup", e);
    }
  }

  private int refresh(Connection c) throws SQLException {
    LocalDate today = today();
    Map<String, Long> state = state(c);
    long maxId = longOf(c, "SELECT coalesce(max(id), 0) FROM " + Sql.TABLE);
    long deleted = longOf(c, "SELECT count(*) FROM deleted_ids");
    // min("timestamp") is one index lookup; the day is derived from it.
    String minDay = stringOf(c, "SELECT " + sql.day("e") + " FROM (SELECT min(\"timestamp\") AS \"timestamp\" FROM "
        + Sql.TABLE + ") e");
    Map<String, Long> rolled = rolledDays(c);
    Set<String> dirty = new TreeSet<>();
    Set<String> drop = new TreeSet<>();
    boolean verify = state.getOrDefault("format", -1L) != FORMAT || state.getOrDefault("deleted", -1L) != deleted
        || state.getOrDefault("max_id", 0L) > maxId;
    if (minDay == null) {
      drop.addAll(rolled.keySet());
    } else if (verify) {
      Map<String, Long> counts = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + sql.day("e") + " AS d, count(*) FROM " + Sql.TABLE
          + " e WHERE e.\"timestamp\" < ? GROUP BY d")) {
        sql.bindTime(ps, 1, today.atStartOfDay(ZoneOffset.UTC).toInstant());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            counts.put(rs.getString(1), rs.getLong(2));
          }
        }
      }
      rolled.forEach((day, n) -> {
        if (!n.equals(counts.getOrDefault(day, 0L))) {
          dirty.add(day);
        }
      });
      if (state.getOrDefault("format", -1L) != FORMAT) {
        dirty.addAll(rolled.keySet());
      }
    } else {
      long from = state.getOrDefault("max_id", 0L) - (sql.dialect() == Dialect.POSTGRESQL ? POSTGRES_ID_LOOKBACK : 0);
      try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT " + sql.day("e") + " FROM " + Sql.TABLE
          + " e WHERE e.id > ?")) {
        ps.setLong(1, from);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String day = rs.getString(1);
            // A day is re-rolled only if its count changed (the look-back on PostgreSQL finds days already rolled).
            if (rolled.containsKey(day) && rolled.get(day) != countOf(c, day)) {
              dirty.add(day);
            }
          }
        }
      }
    }
    if (minDay != null) {
      LocalDate first = LocalDate.parse(minDay);
      // A retention purge cuts the oldest day part way: re-roll it when the oldest day moved.
      if (state.getOrDefault("min_day", Long.MIN_VALUE) != first.toEpochDay() && rolled.containsKey(minDay)) {
        dirty.add(minDay);
      }
      for (LocalDate d = first; d.isBefore(today); d = d.plusDays(1)) {
        if (!rolled.containsKey(d.toString())) {
          dirty.add(d.toString());
        }
      }
      for (String day : rolled.keySet()) {
        if (day.compareTo(minDay) < 0) {
          drop.add(day);
          dirty.remove(day);
        }
      }
    }
    long minEpochDay = minDay == null ? Long.MIN_VALUE : LocalDate.parse(minDay).toEpochDay();
    if (drop.isEmpty() && dirty.isEmpty() && state.getOrDefault("max_id", -1L) == maxId
        && state.getOrDefault("min_day", Long.MIN_VALUE) == minEpochDay
        && state.getOrDefault("deleted", -1L) == deleted && state.getOrDefault("format", -1L) == FORMAT) {
      return 0; // nothing to write: readers never take the write lock needlessly
    }
    c.setAutoCommit(false);
    for (String day : drop) {
      lock(c);
      delete(c, day);
      c.commit();
    }
    for (String day : dirty) {
      lock(c);
      roll(c, day);
      c.commit();
    }
    putState(c, "max_id", maxId);
    putState(c, "deleted", deleted);
    putState(c, "format", FORMAT);
    putState(c, "min_day", minEpochDay);
    c.commit();
    return dirty.size();
  }

  /** On PostgreSQL, serialises rollup writers of several processes for the transaction. */
  private void lock(Connection c) throws SQLException {
    if (sql.dialect() == Dialect.POSTGRESQL) {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(7267311)");
      }
    }
  }

  private void roll(Connection c, String day) throws SQLException {
    LocalDate d = LocalDate.parse(day);
    Cube cube = new Cube();
    long events = aggregate(c, new Period(d.atStartOfDay(ZoneOffset.UTC).toInstant(),
        d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()), cube);
    delete(c, day);
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO reports_daily (day, event_type, dim, value, events, ids) VALUES (?, ?, ?, ?, ?, ?)")) {
      for (Map.Entry<Cube.Key, Cube.Agg> e : cube.cells().entrySet()) {
        ps.setString(1, day);
        ps.setString(2, e.getKey().type());
        ps.setString(3, e.getKey().dim());
        ps.setString(4, e.getKey().value());
        ps.setLong(5, e.getValue().events);
        // The daily totals keep every id (exact installs per day, week, month); other cells a sketch.
        boolean totals = e.getKey().type().equals(Cube.ANY) && e.getKey().dim().equals(Cube.ALL);
        ps.setBytes(6, e.getValue().encode(!totals));
        ps.addBatch();
      }
      ps.executeBatch();
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO reports_days (day, events) VALUES (?, ?)")) {
      ps.setString(1, day);
      ps.setLong(2, events);
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

  /** Adds the raw events of {@code period} to {@code cube}; returns how many there were. */
  private long aggregate(Connection c, Period period, Cube cube) throws SQLException {
    long n = 0;
    String query = "SELECT " + sql.day("e") + ", e.event_type, e.platform, e.version, e.anonymous_id, "
        + sql.metadataText("e") + " FROM " + Sql.TABLE + " e WHERE " + sql.inPeriod("e");
    try (PreparedStatement ps = c.prepareStatement(query)) {
      ps.setFetchSize(5_000);
      sql.bindPeriod(ps, 1, period);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          cube.addEvent(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6));
          n++;
        }
      }
    }
    return n;
  }

  /**
   * The cube of {@code period}: rolled days from the rollup, the rest (partial days at the edges,
   * today, days not rolled yet) from the events table.
   *
   * @throws DatabaseException if the database cannot be read
   */
  public Cube cube(Period period) {
    Cube cube = new Cube();
    try (Connection c = dataSource.getConnection()) {
      ensureTables(c);
      LocalDate today = today();
      Map<String, Long> rolled = rolledDays(c);
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
        } else {
          fromRaw.add(new Period(cursor, end));
        }
        cursor = end;
      }
      if (!fromRollup.isEmpty()) {
        // The rolled days of a period change only when the rollup is refreshed: keep the last ones,
        // so the dashboard's live refreshes and shifted periods only read the raw edges again.
        long rolledEvents = fromRollup.stream().mapToLong(rolled::get).sum();
        String key = fromRollup.get(0) + "/" + fromRollup.get(fromRollup.size() - 1) + "/" + fromRollup.size() + "/"
            + rolledEvents + "/" + state(c);
        RolledPart part = lastRolled;
        if (part != null && part.key().equals(key)) {
          cube = part.cube().copy();
        } else {
          cube = readRolled(c, fromRollup);
          lastRolled = new RolledPart(key, cube.copy());
        }
      }
      for (Period p : merge(fromRaw)) {
        aggregate(c, p, cube);
      }
    } catch (SQLException e) {
      throw new DatabaseException("cannot read statistics for " + period.label(), e);
    }
    return cube;
  }

  private record RolledPart(String key, Cube cube) {}

  private volatile RolledPart lastRolled;

  private Cube readRolled(Connection c, List<String> fromRollup) throws SQLException {
    Cube cube = new Cube();
    {
      {
        try (PreparedStatement ps = c.prepareStatement("SELECT day, event_type, dim, value, events, ids FROM reports_daily "
            + "WHERE day >= ? AND day <= ?")) {
          ps.setFetchSize(5_000);
          ps.setString(1, fromRollup.get(0));
          ps.setString(2, fromRollup.get(fromRollup.size() - 1));
          Set<String> wanted = new TreeSet<>(fromRollup);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              if (wanted.contains(rs.getString(1))) {
                cube.merge(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getBytes(6));
              }
            }
          }
        }
      }
    }
    return cube;
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

  private long countOf(Connection c, String day) throws SQLException {
    LocalDate d = LocalDate.parse(day);
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + Sql.TABLE + " e WHERE " + sql.inPeriod("e"))) {
      sql.bindPeriod(ps, 1, new Period(d.atStartOfDay(ZoneOffset.UTC).toInstant(), d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static Map<String, Long> rolledDays(Connection c) throws SQLException {
    Map<String, Long> m = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT day, events FROM reports_days")) {
      while (rs.next()) {
        m.put(rs.getString(1), rs.getLong(2));
      }
    }
    return m;
  }

  private static Map<String, Long> state(Connection c) throws SQLException {
    Map<String, Long> m = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name, value FROM reports_state")) {
      while (rs.next()) {
        m.put(rs.getString(1), rs.getLong(2));
      }
    }
    return m;
  }

  private static void putState(Connection c, String name, long value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO reports_state (name, value) VALUES (?, ?) "
        + "ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
      ps.setString(1, name);
      ps.setLong(2, value);
      ps.executeUpdate();
    }
  }

  private static long longOf(Connection c, String query) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String stringOf(Connection c, String query) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
