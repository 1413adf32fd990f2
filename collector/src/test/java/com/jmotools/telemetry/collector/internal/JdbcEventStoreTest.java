package com.jmotools.telemetry.collector.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jmotools.telemetry.catalog.EventIds;
import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.collector.DatabaseException;
import com.jmotools.telemetry.collector.EventRow;
import com.jmotools.telemetry.collector.EventStore.Outcome;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class JdbcEventStoreTest {

  static final Instant NOW = Instant.parse("2026-11-26T14:00:00Z");

  @TempDir Path dir;

  @Test
  void erasureDeletesInSlicesAcrossTheWholeTable() throws Exception {
    try (Database db = Database.open(dir.resolve("slices.db").toString())) {
      JdbcEventStore store = new JdbcEventStore(db.dataSource(), db.dialect(), 7, 1_000_000);
      UUID erased = UUID.randomUUID();
      List<EventRow> rows = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        rows.add(row(i % 3 == 0 ? erased : UUID.randomUUID()));
      }
      assertThat(store.append(rows, NOW)).containsOnly(Outcome.ACCEPTED);
      assertThat(store.erase(erased, NOW)).isEqualTo(34); // rows 0, 3, ..., 99 in 15 slices of 7
      assertThat(count(db, "SELECT COUNT(*) FROM events WHERE anonymous_id = '" + erased + "'"))
          .isZero();
      assertThat(count(db, "SELECT COUNT(*) FROM events")).isEqualTo(66);
      assertThat(store.append(List.of(row(erased)), NOW)).containsExactly(Outcome.DELETED_ID);
    }
  }

  @Test
  void aTransactionTheDatabaseAbortedIsRunAgainInsideTheCollector() throws Exception {
    try (Database db = Database.open(dir.resolve("retry.db").toString())) {
      // A deadlock victim, then a serialization failure: both rolled back whole by PostgreSQL.
      DataSource flaky = failingFirst(db.dataSource(), "40P01", "40001");
      JdbcEventStore store = new JdbcEventStore(flaky, db.dialect(), 7, 1_000_000);
      assertThat(store.append(List.of(row(UUID.randomUUID())), NOW))
          .containsExactly(Outcome.ACCEPTED);
      assertThat(store.retries()).isEqualTo(2);
      assertThat(count(db, "SELECT COUNT(*) FROM events")).isEqualTo(1);
    }
  }

  @Test
  void otherFailuresAndTooManyAbortsReachTheCaller() throws Exception {
    try (Database db = Database.open(dir.resolve("no-retry.db").toString())) {
      JdbcEventStore diskFull =
          new JdbcEventStore(failingFirst(db.dataSource(), "53100"), db.dialect(), 7, 1_000_000);
      assertThatThrownBy(() -> diskFull.append(List.of(row(UUID.randomUUID())), NOW))
          .isInstanceOf(DatabaseException.class);
      assertThat(diskFull.retries()).as("not a conflict: not retried").isZero();
      String[] always = new String[JdbcEventStore.MAX_ATTEMPTS];
      java.util.Arrays.fill(always, "40P01");
      JdbcEventStore deadlocked =
          new JdbcEventStore(failingFirst(db.dataSource(), always), db.dialect(), 7, 1_000_000);
      assertThatThrownBy(() -> deadlocked.append(List.of(row(UUID.randomUUID())), NOW))
          .isInstanceOf(DatabaseException.class);
      assertThat(deadlocked.retries()).as("bounded").isEqualTo(JdbcEventStore.MAX_ATTEMPTS - 1);
      assertThat(count(db, "SELECT COUNT(*) FROM events")).isZero();
    }
  }

  /**
   * A data source whose first connections fail with these SQL states, one each, then {@code
   * real}'s.
   */
  private static DataSource failingFirst(DataSource real, String... states) {
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    return (DataSource)
        java.lang.reflect.Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getConnection")) {
                int call = calls.getAndIncrement();
                if (call < states.length) {
                  throw new SQLException("aborted by the database", states[call]);
                }
              }
              try {
                return method.invoke(real, args);
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  static EventRow row(UUID anonymousId) {
    return new EventRow(
        EventIds.newId(NOW).toString(),
        "scan.started",
        "0.7.0",
        "Linux",
        null,
        "java-17",
        anonymousId.toString(),
        "{\"profile\":\"fast\"}",
        "2026-11-26T14:00:00Z");
  }

  static long count(Database db, String sql) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
