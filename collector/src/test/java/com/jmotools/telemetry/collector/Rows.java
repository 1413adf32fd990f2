package com.jmotools.telemetry.collector;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads the events table in tests, the same way on both dialects. */
final class Rows {

  record Row(
      String eventId,
      String eventType,
      String anonymousId,
      String metadata,
      Instant timestamp,
      Instant receivedAt,
      String runtime,
      String pythonVersion,
      String version,
      String platform) {}

  private Rows() {}

  static long count(Database db) {
    return query(db, "SELECT COUNT(*) AS n FROM events", r -> r.getLong("n")).get(0);
  }

  static List<Row> all(Database db) {
    return query(
        db,
        "SELECT event_id, event_type, anonymous_id, metadata, timestamp, received_at, runtime,"
            + " python_version, version, platform FROM events ORDER BY id",
        r ->
            new Row(
                r.getString("event_id"),
                r.getString("event_type"),
                r.getString("anonymous_id"),
                r.getString("metadata"),
                db.dialect().getTime(r, "timestamp"),
                db.dialect().getTime(r, "received_at"),
                r.getString("runtime"),
                r.getString("python_version"),
                r.getString("version"),
                r.getString("platform")));
  }

  static Set<String> eventIds(Database db) {
    return new HashSet<>(query(db, "SELECT event_id FROM events", r -> r.getString("event_id")));
  }

  interface Mapper<T> {
    T map(ResultSet r) throws SQLException;
  }

  static <T> List<T> query(Database db, String sql, Mapper<T> mapper) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement p = c.prepareStatement(sql);
        ResultSet r = p.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (r.next()) {
        out.add(mapper.map(r));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static void execute(Database db, String sql) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement p = c.prepareStatement(sql)) {
      p.execute();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
