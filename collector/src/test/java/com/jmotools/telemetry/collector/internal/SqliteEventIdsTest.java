package com.jmotools.telemetry.collector.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jmotools.telemetry.catalog.EventIds;
import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.collector.DatabaseException;
import com.jmotools.telemetry.collector.Dialect;
import com.jmotools.telemetry.collector.EventRow;
import com.jmotools.telemetry.collector.EventStore.Outcome;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each event is stored once on SQLite, where recent ids live in memory and older ones in {@code
 * event_ids} ({@link SqliteEventIds}): across restarts, sealed hours, ids outside their hour, a
 * small memory budget and a failed commit.
 */
@Timeout(120)
class SqliteEventIdsTest {

  private static final long BUDGET = 1_000_000;

  @TempDir Path dir;
  private Database db;

  /** An hour after the database's open hour (set to the current hour when it was created). */
  private Instant hour;

  @BeforeEach
  void open() {
    db = Database.open(dir.resolve("ids.db").toString());
    hour = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(2));
  }

  @org.junit.jupiter.api.AfterEach
  void close() {
    db.close();
  }

  private JdbcEventStore store(long budget) {
    return new JdbcEventStore(db.dataSource(), Dialect.SQLITE, JdbcEventStore.ERASE_SLICE, budget);
  }

  @Test
  void idsOfTheOpenHoursAreFoundAfterARestart() throws Exception {
    List<EventRow> batch = rows(hour, 300);
    assertThat(store(BUDGET).append(batch, hour)).containsOnly(Outcome.ACCEPTED);
    // A new store reads the hour's ids from its rows: nothing is taken twice, new ids are.
    JdbcEventStore restarted = store(BUDGET);
    assertThat(restarted.append(batch, hour)).containsOnly(Outcome.DUPLICATE);
    assertThat(restarted.append(rows(hour, 5), hour)).containsOnly(Outcome.ACCEPTED);
    assertThat(count("SELECT COUNT(*) FROM events")).isEqualTo(305);
    assertThat(count("SELECT COUNT(*) FROM event_ids"))
        .as("regular ids of an open hour stay out of the table")
        .isZero();
  }

  @Test
  void aSealedHourKeepsItsIdsInTheTableAndTakesLateEventsOnce() throws Exception {
    JdbcEventStore store = store(BUDGET);
    List<EventRow> early = rows(hour, 250);
    store.append(early, hour);
    // Three hours later the hour is sealed: its ids are copied to event_ids, the open hour moves.
    Instant later = hour.plus(Duration.ofHours(3));
    assertThat(store.append(rows(later, 1), later)).containsOnly(Outcome.ACCEPTED);
    assertThat(count("SELECT COUNT(*) FROM event_ids")).isEqualTo(250);
    assertThat(text("SELECT open_from FROM event_id_state"))
        .isEqualTo(later.minus(Duration.ofHours(1)).toString());
    assertThat(store.append(early, later)).containsOnly(Outcome.DUPLICATE);
    // A late event of the sealed hour goes into the table at once; its resend is a duplicate.
    List<EventRow> late = rows(hour, 1);
    assertThat(store.append(late, later)).containsExactly(Outcome.ACCEPTED);
    assertThat(store.append(late, later)).containsExactly(Outcome.DUPLICATE);
    assertThat(store(BUDGET).append(late, later)).containsExactly(Outcome.DUPLICATE);
    assertThat(store(BUDGET).append(early.subList(0, 10), later)).containsOnly(Outcome.DUPLICATE);
    assertThat(count("SELECT COUNT(*) FROM events")).isEqualTo(252);
  }

  @Test
  void aRestartAfterDowntimeSealsTheHoursItMissed() throws Exception {
    List<EventRow> before = rows(hour, 40);
    store(BUDGET).append(before, hour);
    Instant dayLater = hour.plus(Duration.ofDays(1));
    JdbcEventStore restarted = store(BUDGET);
    assertThat(restarted.append(before, dayLater)).containsOnly(Outcome.DUPLICATE);
    assertThat(count("SELECT COUNT(*) FROM event_ids")).isEqualTo(40);
  }

  @Test
  void anIdIsOneEventWhateverItsTimestampOrVersion() throws Exception {
    JdbcEventStore store = store(BUDGET);
    UUID v7 = EventIds.newId(hour);
    UUID v4 = UUID.randomUUID();
    Instant otherHour = hour.plus(Duration.ofHours(5));
    // First seen with a timestamp of another hour than its own (kept in the table as well)...
    assertThat(store.append(List.of(row(v7, otherHour), row(v4, hour)), hour))
        .containsExactly(Outcome.ACCEPTED, Outcome.ACCEPTED);
    // ...then with its own hour, or yet another: the same event, in this store and after a restart.
    assertThat(store.append(List.of(row(v7, hour), row(v4, otherHour)), hour))
        .containsOnly(Outcome.DUPLICATE);
    assertThat(store(BUDGET).append(List.of(row(v7, hour), row(v4, hour)), hour))
        .containsOnly(Outcome.DUPLICATE);
    // The same once the id's hour is sealed.
    Instant later = otherHour.plus(Duration.ofHours(3));
    assertThat(store(BUDGET).append(List.of(row(v7, hour), row(v7, otherHour)), later))
        .containsOnly(Outcome.DUPLICATE);
    // A v7 id of an hour far ahead, sent with a current timestamp, is found again once its hour is
    // open.
    UUID ahead = EventIds.newId(hour.plus(Duration.ofDays(30)));
    assertThat(store.append(List.of(row(ahead, hour)), hour)).containsExactly(Outcome.ACCEPTED);
    Instant thatDay = hour.plus(Duration.ofDays(30));
    assertThat(store(BUDGET).append(List.of(row(ahead, thatDay)), thatDay))
        .containsExactly(Outcome.DUPLICATE);
    assertThat(count("SELECT COUNT(*) FROM events")).isEqualTo(3);
  }

  @Test
  void overItsBudgetMemorySpillsToTheTableAndStillFindsEveryId() throws Exception {
    JdbcEventStore store = store(100);
    List<EventRow> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      List<EventRow> batch = rows(hour, 120);
      all.addAll(batch);
      assertThat(store.append(batch, hour)).containsOnly(Outcome.ACCEPTED);
    }
    assertThat(count("SELECT COUNT(*) FROM event_ids"))
        .as("the hour was spilled")
        .isGreaterThanOrEqualTo(360);
    assertThat(store.append(all, hour)).containsOnly(Outcome.DUPLICATE);
    assertThat(store(100).append(all, hour)).containsOnly(Outcome.DUPLICATE);
    assertThat(store.append(rows(hour, 3), hour)).containsOnly(Outcome.ACCEPTED);
    assertThat(count("SELECT COUNT(*) FROM events")).isEqualTo(483);
  }

  @Test
  void aFailedCommitForgetsWhatItClaimed() throws Exception {
    AtomicBoolean failNextCommit = new AtomicBoolean();
    JdbcEventStore store =
        new JdbcEventStore(
            failingCommits(db.dataSource(), failNextCommit),
            Dialect.SQLITE,
            JdbcEventStore.ERASE_SLICE,
            BUDGET);
    store.append(rows(hour, 10), hour); // the hour's partition is in memory now
    List<EventRow> batch = rows(hour, 20);
    failNextCommit.set(true);
    assertThatThrownBy(() -> store.append(batch, hour)).isInstanceOf(DatabaseException.class);
    // The client retries: its events are new, not duplicates of what was never stored.
    assertThat(store.append(batch, hour)).containsOnly(Outcome.ACCEPTED);
    assertThat(store.append(batch, hour)).containsOnly(Outcome.DUPLICATE);
    assertThat(count("SELECT COUNT(*) FROM events")).isEqualTo(30);
  }

  @Test
  void aStatementTheDriverFinalisedOnFailureIsPreparedAgain() throws Exception {
    // The driver finalises a statement that fails with an error other than "busy"; the writer
    // keeps its statements across batches, so it must not use that one again.
    AtomicBoolean failNextBegin = new AtomicBoolean();
    JdbcEventStore store =
        new JdbcEventStore(
            finalisingBegins(db.dataSource(), failNextBegin),
            Dialect.SQLITE,
            JdbcEventStore.ERASE_SLICE,
            BUDGET);
    assertThat(store.append(rows(hour, 5), hour)).containsOnly(Outcome.ACCEPTED);
    failNextBegin.set(true);
    assertThatThrownBy(() -> store.append(rows(hour, 5), hour))
        .isInstanceOf(DatabaseException.class);
    assertThat(store.append(rows(hour, 5), hour)).containsOnly(Outcome.ACCEPTED);
    assertThat(count("SELECT COUNT(*) FROM events")).isEqualTo(10);
  }

  @Test
  void theRetentionPurgeRemovesOldIdsFromTheTable() throws Exception {
    JdbcEventStore store = store(BUDGET);
    Instant old = Instant.parse("2025-01-01T10:00:00Z");
    store.append(rows(old, 30), hour); // a past hour: its ids go straight to the table
    store.append(rows(hour, 5), hour);
    assertThat(count("SELECT COUNT(*) FROM event_ids")).isEqualTo(30);
    assertThat(store.purgeBefore(old.plus(Duration.ofHours(1)))).isEqualTo(30);
    assertThat(count("SELECT COUNT(*) FROM event_ids")).isZero();
    assertThat(count("SELECT COUNT(*) FROM events")).isEqualTo(5);
  }

  // ---------------------------------------------------------------- helpers

  private static List<EventRow> rows(Instant time, int n) {
    List<EventRow> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rows.add(row(EventIds.newId(time), time));
    }
    return rows;
  }

  private static EventRow row(UUID eventId, Instant time) {
    return new EventRow(
        eventId.toString(),
        "scan.started",
        "0.7.0",
        "Linux",
        null,
        "java-17",
        UUID.randomUUID().toString(),
        "{\"profile\":\"fast\"}",
        Dialect.formatHour(time));
  }

  private long count(String sql) throws SQLException {
    return Long.parseLong(text(sql));
  }

  private String text(String sql) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        var r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  /**
   * A data source whose connections fail a {@code COMMIT} statement while {@code fail} is set,
   * once.
   */
  private static DataSource failingCommits(DataSource real, AtomicBoolean fail) {
    return (DataSource)
        Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              Object result = invoke(method, real, args);
              return result instanceof Connection c && method.getName().equals("getConnection")
                  ? connection(c, fail)
                  : result;
            });
  }

  private static Connection connection(Connection real, AtomicBoolean fail) {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("isWrapperFor")) {
                return false; // the store's statements go through this proxy, not around it
              }
              Object result = invoke(method, real, args);
              if (result instanceof PreparedStatement s
                  && method.getName().equals("prepareStatement")
                  && "COMMIT".equals(args[0])) {
                return Proxy.newProxyInstance(
                    PreparedStatement.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class},
                    (p, m, a) -> {
                      if (m.getName().equals("execute") && fail.compareAndSet(true, false)) {
                        throw new SQLException("disk I/O error (injected)");
                      }
                      return invoke(m, s, a);
                    });
              }
              if (result instanceof Statement s && method.getName().equals("createStatement")) {
                return Proxy.newProxyInstance(
                    Statement.class.getClassLoader(),
                    new Class<?>[] {Statement.class},
                    (p, m, a) -> {
                      if (m.getName().equals("execute")
                          && "COMMIT".equals(a[0])
                          && fail.compareAndSet(true, false)) {
                        throw new SQLException("disk I/O error (injected)");
                      }
                      return invoke(m, s, a);
                    });
              }
              return result;
            });
  }

  /**
   * A data source whose connections unwrap to one stable connection per pooled one (as the pool's
   * do), where a prepared BEGIN fails once when {@code fail} is set and is finalised from then on,
   * as the SQLite driver does after an I/O error.
   */
  private static DataSource finalisingBegins(DataSource real, AtomicBoolean fail) {
    java.util.Map<Connection, Connection> stable = new java.util.IdentityHashMap<>();
    return (DataSource)
        Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              Object result = invoke(method, real, args);
              if (!(result instanceof Connection pooled)) {
                return result;
              }
              Connection raw = pooled.unwrap(Connection.class);
              Connection unwrapped = stable.computeIfAbsent(raw, r -> finalisingBegin(r, fail));
              return Proxy.newProxyInstance(
                  Connection.class.getClassLoader(),
                  new Class<?>[] {Connection.class},
                  (p, m, a) -> m.getName().equals("unwrap") ? unwrapped : invoke(m, pooled, a));
            });
  }

  private static Connection finalisingBegin(Connection raw, AtomicBoolean fail) {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              Object result = invoke(method, raw, args);
              if (result instanceof PreparedStatement s
                  && method.getName().equals("prepareStatement")
                  && "BEGIN IMMEDIATE".equals(args[0])) {
                AtomicBoolean finalised = new AtomicBoolean();
                return Proxy.newProxyInstance(
                    PreparedStatement.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class},
                    (p, m, a) -> {
                      if (m.getName().equals("execute")) {
                        if (finalised.get()) {
                          throw new SQLException("statement is not executing (finalised)");
                        }
                        if (fail.compareAndSet(true, false)) {
                          finalised.set(true);
                          throw new SQLException("disk I/O error (injected)");
                        }
                      }
                      return invoke(m, s, a);
                    });
              }
              return result;
            });
  }

  private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
