package com.jmotools.telemetry.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jmotools.telemetry.catalog.EventIds;
import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.collector.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Writes rows into the collector's events table the way the collector stores them. */
public final class Seeder {

  public static final ObjectMapper JSON = new ObjectMapper();

  /** One stored row. */
  public record Row(
      String type,
      String version,
      String platform,
      String anonymousId,
      String time,
      String metadata) {
    public Instant instant() {
      return Instant.parse(time);
    }
  }

  private final List<Row> rows = new ArrayList<>();
  private final Random random = new Random(5);

  public Seeder add(
      String type, String id, String platform, String version, String time, String metadata) {
    rows.add(new Row(type, version, platform, id, time, metadata));
    return this;
  }

  public List<Row> rows() {
    return rows;
  }

  public void writeTo(Database db) {
    insert(db, rows, random);
  }

  public static void insert(Database db, List<Row> rows, Random random) {
    boolean pg = db.dialect() == Dialect.POSTGRESQL;
    String sql =
        "INSERT INTO events (event_id, event_type, version, platform, runtime, anonymous_id,"
            + " metadata, \"timestamp\", received_at) VALUES ("
            + (pg ? "CAST(? AS uuid)" : "?")
            + ", ?, ?, ?, 'java-17', ?, "
            + (pg ? "CAST(? AS jsonb)" : "?")
            + ", ?, ?)";
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (Row r : rows) {
          ObjectNode check = (ObjectNode) JSON.readTree(r.metadata());
          ps.setString(1, EventIds.newId(r.instant(), random).toString());
          ps.setString(2, r.type());
          ps.setString(3, r.version());
          ps.setString(4, r.platform());
          ps.setString(5, r.anonymousId());
          ps.setString(6, check.toString());
          db.dialect().setTime(ps, 7, r.instant());
          db.dialect().setTime(ps, 8, r.instant());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
    } catch (SQLException | java.io.IOException e) {
      throw new IllegalStateException("cannot seed", e);
    }
  }
}
