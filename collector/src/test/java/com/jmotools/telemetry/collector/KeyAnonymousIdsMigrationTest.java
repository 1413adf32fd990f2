package com.jmotools.telemetry.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.jmotools.telemetry.catalog.EventIds;
import com.jmotools.telemetry.collector.internal.StoredEventIds;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The upgrade that keys the anonymous ids a database already holds, from a database as the version
 * before it left it (its schema, every id stored as sent), on SQLite and PostgreSQL.
 */
@Timeout(120)
class KeyAnonymousIdsMigrationTest {

  static final Instant NOW = Instant.parse("2026-11-26T14:32:09Z");
  static final Instant HOUR = Instant.parse("2026-11-26T09:00:00Z");
  static final UUID A = UUID.fromString("a7f3c8e2-4b1d-4f9e-8c3a-2d5e7f9b1a3c");
  static final UUID B = UUID.fromString("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
  static final UUID ERASED = UUID.fromString("11111111-2222-4333-8444-555555555555");

  @TempDir Path dir;

  private final List<String> schemas = new ArrayList<>();

  @AfterEach
  void dropSchemas() {
    schemas.forEach(TestDatabases::dropPostgresSchema);
  }

  private String location(Dialect dialect) {
    if (dialect == Dialect.SQLITE) {
      return dir.resolve("upgrade.db").toString();
    }
    String url = TestDatabases.freshPostgresSchema(TestDatabases.postgresUrlOrSkip());
    schemas.add(url);
    return url;
  }

  /**
   * Makes the database the version before keying left: its schema, three events of A (one with the
   * id in upper case, as a D1 export may hold it), two of B, and ERASED recorded as erased.
   */
  private static void storeAsBeforeKeying(String location) {
    try (Database db = Database.builder(location).migrate(false).open()) {
      boolean sqlite = db.dialect() == Dialect.SQLITE;
      Flyway.configure(Database.class.getClassLoader())
          .dataSource(db.dataSource())
          .locations(
              "classpath:com/jmotools/telemetry/collector/db/" + (sqlite ? "sqlite" : "postgresql"))
          .target(sqlite ? "3" : "2")
          .load()
          .migrate();
      String[] ids = {
        A.toString(),
        A.toString(),
        A.toString().toUpperCase(Locale.ROOT),
        B.toString(),
        B.toString()
      };
      try (Connection c = db.dataSource().getConnection();
          PreparedStatement events =
              c.prepareStatement(
                  "INSERT INTO events (event_id, event_type, version, platform, anonymous_id,"
                      + " metadata, timestamp) VALUES ("
                      + (sqlite ? "?" : "CAST(? AS uuid)")
                      + ", 'scan.started', '0.7.0', 'Linux', ?, "
                      + (sqlite ? "?" : "CAST(? AS jsonb)")
                      + ", ?)");
          PreparedStatement erased =
              c.prepareStatement(
                  "INSERT INTO deleted_ids (anonymous_id, deleted_at) VALUES (?, ?)")) {
        for (String id : ids) {
          events.setString(1, EventIds.newId(HOUR).toString());
          events.setString(2, id);
          events.setString(3, "{\"profile\":\"fast\"}");
          db.dialect().setTime(events, 4, HOUR);
          events.executeUpdate();
        }
        erased.setString(1, ERASED.toString());
        db.dialect().setTime(erased, 2, HOUR);
        erased.executeUpdate();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static List<String> storedIds(Database db) {
    return Rows.query(db, "SELECT anonymous_id FROM events ORDER BY id", r -> r.getString(1));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void storedIdsAreKeyedAndInstallationsDeletionAndRefusalsWorkAsBefore(Dialect dialect) {
    String location = location(dialect);
    storeAsBeforeKeying(location);
    try (Database db = Database.open(location)) {
      StoredEventIds keys = StoredEventIds.of(db);
      String a = keys.anonymousId(A).toString();
      String b = keys.anonymousId(B).toString();
      assertThat(storedIds(db)).containsExactly(a, a, a, b, b);
      assertThat(Rows.query(db, "SELECT anonymous_id FROM deleted_ids", r -> r.getString(1)))
          .containsExactly(keys.anonymousId(ERASED).toString());
      assertThat(
              Rows.query(db, "SELECT count(DISTINCT anonymous_id) FROM events", r -> r.getLong(1)))
          .as("installations")
          .containsExactly(2L);

      CollectorServer server =
          CollectorServer.builder(db)
              .port(0)
              .host("127.0.0.1")
              .rateLimit(0, 1)
              .purgeInterval(Duration.ZERO)
              .clock(Clock.fixed(NOW, ZoneOffset.UTC))
              .build()
              .start();
      try {
        Http http = new Http(server.port());
        // An id erased before the upgrade stays refused.
        JsonNode refused =
            CollectorContractTest.json(
                http.post(
                    "/v1/events",
                    TestEvents.array(List.of(TestEvents.scanCompleted(ERASED, NOW)))));
        assertThat(refused.get("rejected").asInt()).isEqualTo(1);
        // B's next event is stored under the same id as its earlier ones: still one installation.
        assertThat(http.post("/", TestEvents.scanCompleted(B, NOW).toString()).body())
            .isEqualTo("OK");
        // A deletion request for the id on A's machine erases every row of it, the upper-case one
        // included.
        assertThat(
                http.post("/v1/deletion-request", "{\"anonymous_id\":\"" + A + "\"}").statusCode())
            .isEqualTo(200);
      } finally {
        server.close();
      }
      assertThat(storedIds(db)).containsExactly(b, b, b);
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void theMigrationKeysEachIdOnceEvenWhenRunAgain(Dialect dialect) {
    String location = location(dialect);
    storeAsBeforeKeying(location);
    List<String> keyed;
    try (Database db = Database.open(location)) {
      keyed = storedIds(db);
      assertThat(keyed).doesNotContain(A.toString(), B.toString());
      // As if Flyway had not recorded it or any migration after it (a crash between the two, a
      // history table restored from before the upgrade): they all run again.
      Rows.execute(
          db,
          "DELETE FROM flyway_schema_history WHERE installed_rank >= (SELECT installed_rank FROM"
              + " flyway_schema_history WHERE description = 'key anonymous ids')");
    }
    try (Database db = Database.open(location)) {
      assertThat(
              Rows.query(
                  db,
                  "SELECT count(*) FROM flyway_schema_history WHERE description = 'key anonymous"
                      + " ids'",
                  r -> r.getLong(1)))
          .containsExactly(1L);
      assertThat(storedIds(db)).isEqualTo(keyed);
    }
    try (Database db = Database.open(location)) {
      assertThat(storedIds(db)).as("a third open").isEqualTo(keyed);
    }
  }
}
