package com.jmotools.telemetry.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jmotools.telemetry.catalog.ValidatedEvent;
import com.jmotools.telemetry.collector.EventStore.Outcome;
import com.jmotools.telemetry.collector.internal.StoredEventIds;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class EventStoreTest {

  static final Instant NOW = Instant.parse("2026-11-26T14:00:00Z");
  private static final String D1_ID = "dddddddd-0000-4000-8000-000000000004";
  private static final String ERASED_ID = "eeeeeeee-0000-4000-8000-000000000005";

  @TempDir Path dir;

  @Test
  void sqlite() {
    check(dir.resolve("store.db").toString());
  }

  @Test
  void postgres() {
    String url = TestDatabases.freshPostgresSchema(TestDatabases.postgresUrlOrSkip());
    try {
      check(url);
    } finally {
      TestDatabases.dropPostgresSchema(url);
    }
  }

  @Test
  void sqliteImportedRowsAreCleaned() throws Exception {
    clean(dir.resolve("clean.db").toString());
  }

  @Test
  void postgresImportedRowsAreCleaned() throws Exception {
    String url = TestDatabases.freshPostgresSchema(TestDatabases.postgresUrlOrSkip());
    try {
      clean(url);
    } finally {
      TestDatabases.dropPostgresSchema(url);
    }
  }

  /**
   * Rows loaded from a D1 export (exact times, created_at, Darwin; one even with an event_id) are
   * rewritten in the collector's form under new ids; the collector's own rows are not touched.
   */
  private void clean(String location) throws Exception {
    try (Database db = Database.open(location)) {
      EventStore store = EventStore.of(db);
      UUID own = UUID.randomUUID();
      store.appendEvents(List.of(CollectorContractTest.event(own, NOW)), NOW);
      boolean pg = db.dialect() == Dialect.POSTGRESQL;
      String time = pg ? "CAST(? AS timestamptz)" : "?";
      try (java.sql.Connection c = db.dataSource().getConnection();
          java.sql.PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO events (event_id, event_type, version, platform, anonymous_id,"
                      + " metadata, \"timestamp\", created_at) VALUES ("
                      + (pg ? "CAST(? AS uuid)" : "?")
                      + ", 'report.generated', '0.7.0', ?, ?, "
                      + (pg ? "CAST(? AS jsonb)" : "?")
                      + ", "
                      + time
                      + ", "
                      + time
                      + ")")) {
        String[][] d1 = {
          {null, "Darwin", D1_ID, "2026-11-20T14:32:07.123456", "2026-11-20 14:32:08"},
          {"0190a000-0000-7000-8000-000000000001", "Linux", D1_ID, "2026-11-20T15:59:59", null},
          {
            null,
            "Linux",
            ERASED_ID.toUpperCase(java.util.Locale.ROOT),
            "2026-11-20T16:01:00",
            "2026-11-20 16:01:01"
          },
        };
        for (String[] r : d1) {
          ps.setString(1, r[0]);
          ps.setString(2, r[1]);
          ps.setString(3, r[2]);
          ps.setString(4, "{\"output_formats\":[\"json\"]}");
          ps.setString(5, r[3]);
          ps.setString(6, r[4]);
          ps.executeUpdate();
        }
      }
      // An installation erased before its D1 rows were loaded: the deletion endpoint stores the
      // keyed id in deleted_ids.
      StoredEventIds keys = StoredEventIds.of(db);
      store.erase(keys.anonymousId(UUID.fromString(ERASED_ID)), NOW);
      assertThat(store.cleanImported()).isEqualTo(new EventStore.Cleaning(2, 0, 1));
      try (java.sql.Connection c = db.dataSource().getConnection();
          java.sql.Statement st = c.createStatement();
          java.sql.ResultSet rs =
              st.executeQuery(
                  "SELECT id, platform, created_at, anonymous_id, \"timestamp\" FROM events ORDER"
                      + " BY id")) {
        List<String> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(
              rs.getLong(1)
                  + " "
                  + rs.getString(2)
                  + " "
                  + rs.getString(3)
                  + " "
                  + rs.getString(4).substring(0, 4)
                  + " "
                  + db.dialect().getTime(rs, "timestamp"));
        }
        String keyed = keys.anonymousId(UUID.fromString(D1_ID)).toString().substring(0, 4);
        assertThat(rows)
            .as(
                "a loaded row (created_at set) is stored with the keyed id, as the collector"
                    + " stores")
            .containsExactly(
                "1 Linux null " + own.toString().substring(0, 4) + " " + NOW,
                "5 macOS null " + keyed + " 2026-11-20T14:00:00Z",
                "6 Linux null dddd 2026-11-20T15:00:00Z");
      }
      assertThat(store.cleanImported()).isEqualTo(new EventStore.Cleaning(0, 0, 0));
    }
  }

  private void check(String location) {
    try (Database one = Database.open(location);
        Database two = Database.open(location)) {
      EventStore a = EventStore.of(one);
      EventStore b = EventStore.of(two); // as if in another process

      // Many rows across statement chunks, with duplicates of earlier rows at chunk boundaries.
      UUID id = UUID.randomUUID();
      List<ValidatedEvent> batch = new ArrayList<>();
      for (int i = 0; i < 123; i++) {
        batch.add(CollectorContractTest.event(id, NOW));
      }
      batch.add(49, batch.get(0));
      batch.add(batch.get(60));
      List<Outcome> outcomes = a.appendEvents(batch, NOW);
      assertThat(outcomes).hasSize(125);
      assertThat(outcomes.stream().filter(o -> o == Outcome.ACCEPTED)).hasSize(123);
      assertThat(outcomes.get(49)).isEqualTo(Outcome.DUPLICATE);
      assertThat(outcomes.get(124)).isEqualTo(Outcome.DUPLICATE);
      assertThat(b.appendEvents(batch.subList(0, 3), NOW)).containsOnly(Outcome.DUPLICATE);

      // Erasures by the other store are seen at once, also once a cache of them exists.
      UUID x = UUID.randomUUID();
      UUID y = UUID.randomUUID();
      a.appendEvents(List.of(CollectorContractTest.event(x, NOW)), NOW);
      assertThat(b.erase(x, NOW)).isEqualTo(1);
      assertThat(
              a.appendEvents(
                  List.of(CollectorContractTest.event(x, NOW), CollectorContractTest.event(y, NOW)),
                  NOW))
          .containsExactly(Outcome.DELETED_ID, Outcome.ACCEPTED);
      assertThat(b.erase(y, NOW)).isEqualTo(1);
      assertThat(a.appendEvents(List.of(CollectorContractTest.event(y, NOW)), NOW))
          .containsExactly(Outcome.DELETED_ID);
      assertThat(b.erase(y, NOW)).isZero();

      assertThatThrownBy(
              () ->
                  a.appendEvents(
                      List.of(CollectorContractTest.event(id, NOW).withEventId(null)), NOW))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(a.purgeBefore(NOW.plusSeconds(3600))).isEqualTo(123);
      assertThat(Rows.count(one)).isZero();
    }
  }
}
