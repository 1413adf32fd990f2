package com.jmotools.telemetry.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class DatabaseTest {

  @TempDir Path dir;

  @Test
  void opensAFilePathAsSqliteWithTheSchemaMigrated() throws Exception {
    Path file = dir.resolve("t.db");
    try (Database db = Database.open(file.toString())) {
      assertThat(db.dialect()).isEqualTo(Dialect.SQLITE);
      assertThat(db.description()).contains(file.toString());
      try (Connection c = db.dataSource().getConnection();
          Statement s = c.createStatement()) {
        try (ResultSet r = s.executeQuery("PRAGMA journal_mode")) {
          r.next();
          assertThat(r.getString(1)).isEqualToIgnoringCase("wal");
        }
        try (ResultSet r = s.executeQuery("PRAGMA synchronous")) {
          r.next();
          assertThat(r.getInt(1)).isEqualTo(2); // FULL
        }
        try (ResultSet r = s.executeQuery("PRAGMA wal_autocheckpoint")) {
          r.next();
          assertThat(r.getInt(1)).isEqualTo(Database.SQLITE_WAL_AUTOCHECKPOINT_PAGES);
        }
        try (ResultSet r = s.executeQuery("PRAGMA cache_size")) {
          r.next();
          assertThat(r.getInt(1)).isEqualTo(-Database.SQLITE_CACHE_KIB);
        }
        // No file mapped into memory: mapped pages would grow the resident memory with the file.
        try (ResultSet r = s.executeQuery("PRAGMA mmap_size")) {
          r.next();
          assertThat(r.getLong(1)).isEqualTo(Database.SQLITE_MMAP_BYTES);
        }
        try (ResultSet r = s.executeQuery("PRAGMA journal_size_limit")) {
          r.next();
          assertThat(r.getInt(1)).isEqualTo(Database.SQLITE_JOURNAL_SIZE_LIMIT_BYTES);
        }
        // No unique index on event_id on SQLite: the collector keeps recent ids in memory and
        // older ones in event_ids (see SqliteEventIds), so inserts do not land on random pages.
        try (ResultSet r =
            s.executeQuery(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER"
                    + " BY name")) {
          r.next();
          assertThat(r.getString(1)).isEqualTo("events_timestamp");
          assertThat(r.next()).isFalse();
        }
        try (ResultSet r =
            s.executeQuery(
                "SELECT (SELECT COUNT(*) FROM event_ids), open_from FROM event_id_state")) {
          r.next();
          assertThat(r.getLong(1)).isZero();
          assertThat(Instant.parse(r.getString(2)))
              .isBeforeOrEqualTo(Instant.now())
              .isAfter(Instant.now().minusSeconds(3700));
        }
      }
    }
    // Reopening an up-to-date database migrates nothing and keeps it usable.
    try (Database db = Database.open("jdbc:sqlite:" + file)) {
      assertThat(db.dialect()).isEqualTo(Dialect.SQLITE);
    }
  }

  @Test
  void loadsTheGuidesD1RowsAsIs() throws Exception {
    try (Database db = Database.open(dir.resolve("d1.db").toString());
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      // The shape of `wrangler d1 export` for the guide's table.
      s.executeUpdate(
          "INSERT INTO events (id, event_type, version, platform, python_version, anonymous_id,"
              + " metadata, timestamp, created_at) VALUES (7, 'scan.started', '0.8.0', 'Linux',"
              + " '3.11', 'test-uuid', '{\"profile\":\"balanced\"}', '2025-10-19T12:00:00Z',"
              + " '2025-10-19 12:00:01')");
      try (ResultSet r = s.executeQuery("SELECT event_type, timestamp FROM events WHERE id = 7")) {
        assertThat(r.next()).isTrue();
        assertThat(Dialect.SQLITE.getTime(r, "timestamp"))
            .isEqualTo(Instant.parse("2025-10-19T12:00:00Z"));
      }
    }
  }

  @Test
  void sqliteTimesAreHourTextThatSortsAsTime() throws Exception {
    try (Database db = Database.open(dir.resolve("h.db").toString());
        Connection c = db.dataSource().getConnection();
        PreparedStatement p = c.prepareStatement("SELECT ?")) {
      Dialect.SQLITE.setTime(p, 1, Instant.parse("2026-11-26T14:32:09.5Z"));
      try (ResultSet r = p.executeQuery()) {
        r.next();
        assertThat(r.getString(1)).isEqualTo("2026-11-26T14:00:00Z");
      }
    }
  }

  @Test
  void refusesUnsupportedLocationsClearly() {
    assertThatThrownBy(() -> Database.open("jdbc:mysql://localhost/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported database URL");
    assertThatThrownBy(() -> Database.open("jdbc:sqlite::memory:"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be a file");
    assertThatThrownBy(() -> Database.open(dir.resolve("missing/dir/x.db").toString()))
        .isInstanceOf(DatabaseException.class)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> Database.open(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void describesPostgresWithoutCredentials() {
    assertThat(Database.dialectOf("jdbc:postgresql://db:5432/t?user=u&password=secret"))
        .isEqualTo(Dialect.POSTGRESQL);
  }
}
