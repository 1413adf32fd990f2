package com.jmotools.telemetry.reports;

import com.jmotools.telemetry.catalog.Catalog;
import com.jmotools.telemetry.collector.DatabaseException;
import com.jmotools.telemetry.collector.Dialect;
import com.jmotools.telemetry.reports.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Computes {@link Stats} from the collector's {@code events} table, with SQL written for each
 * dialect (SQLite's {@code json_extract}/{@code json_each}, PostgreSQL's jsonb operators). It only
 * reads, so it runs while a collector writes to the same database.
 */
public final class TelemetryStats {

  private static final String EVENTS = Sql.TABLE + " e";
  private static final Comparator<Cell> BY_EVENTS =
      Comparator.comparingLong(Cell::events).reversed().thenComparing(Cell::key);
  private static final Comparator<Cell> BY_KEY = Comparator.comparing(Cell::key);

  private final DataSource dataSource;
  private final Sql sql;

  private TelemetryStats(Builder b) {
    this.dataSource = b.dataSource;
    this.sql = new Sql(b.dialect);
  }

  /** A builder; both the data source and the dialect are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The dialect the queries are written in. */
  public Dialect dialect() {
    return sql.dialect();
  }

  /**
   * All statistics over {@code period}.
   *
   * @throws DatabaseException if the database cannot be read
   */
  public Stats compute(Period period) {
    try (Connection c = dataSource.getConnection()) {
      return compute(c, period);
    } catch (SQLException e) {
      throw new DatabaseException("cannot compute statistics for " + period.label(), e);
    }
  }

  private Stats compute(Connection c, Period p) throws SQLException {
    String in = sql.inPeriod("e");
    long[] totals = totals(c, p);
    List<Cell> byType = cells(c, p, "SELECT e.event_type, count(*), count(DISTINCT e.anonymous_id) FROM " + EVENTS
        + " WHERE " + in + " GROUP BY e.event_type", BY_EVENTS);
    List<Cell> profiles = dimension(c, p, "scan.started", "profile");
    List<Cell> modes = dimension(c, p, "scan.started", "mode");
    List<Cell> platforms = cells(c, p, "SELECT e.platform, count(*), count(DISTINCT e.anonymous_id) FROM " + EVENTS
        + " WHERE " + in + " GROUP BY e.platform", BY_EVENTS);
    List<Cell> versions = cells(c, p, "SELECT e.version, count(*), count(DISTINCT e.anonymous_id) FROM " + EVENTS
        + " WHERE " + in + " GROUP BY e.version", BY_EVENTS);
    List<Cell> weeks = cells(c, p, "SELECT " + sql.week("e") + " AS k, count(*), count(DISTINCT e.anonymous_id) FROM "
        + EVENTS + " WHERE " + in + " GROUP BY k", BY_KEY);
    List<Cell> months = cells(c, p, "SELECT " + sql.month("e") + " AS k, count(*), count(DISTINCT e.anonymous_id) FROM "
        + EVENTS + " WHERE " + in + " GROUP BY k", BY_KEY);
    List<ToolFailures> tools = toolFailures(c, p);
    Stats.Wizard wizard = new Stats.Wizard(
        byType.stream().filter(x -> x.key().equals("wizard.completed")).mapToLong(Cell::events).sum(),
        byType.stream().filter(x -> x.key().equals("wizard.completed")).mapToLong(Cell::ids).sum(),
        dimension(c, p, "wizard.completed", "artifact_generated"),
        dimension(c, p, "wizard.completed", "execution_mode"),
        dimension(c, p, "wizard.completed", "profile_selected"));
    List<Cell> formats = cells(c, p, "SELECT j.value, count(*), count(DISTINCT e.anonymous_id) FROM " + EVENTS
        + sql.eachElement("e", "output_formats") + " WHERE e.event_type = 'report.generated' AND " + in
        + " GROUP BY j.value", BY_EVENTS);
    return new Stats(p, totals[0], totals[1], byType, profiles, modes, platforms, versions, weeks, months, tools,
        wizard, formats,
        inBucketOrder(dimension(c, p, "scan.completed", "total_findings_bucket"), "findings"),
        inBucketOrder(dimension(c, p, "report.generated", "findings_bucket"), "findings"),
        inBucketOrder(dimension(c, p, "scan.completed", "duration_bucket"), "duration"));
  }

  /** Sorts cells of a bucketed field from the lowest bucket to the highest, as the catalog lists them. */
  private static List<Cell> inBucketOrder(List<Cell> cells, String scheme) {
    List<String> labels = Catalog.standard().bucket(scheme).labels();
    List<Cell> out = new ArrayList<>(cells);
    out.sort(Comparator.comparingInt((Cell x) -> {
      int i = labels.indexOf(x.key());
      return i < 0 ? Integer.MAX_VALUE : i;
    }).thenComparing(Cell::key));
    return out;
  }

  private long[] totals(Connection c, Period p) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*), count(DISTINCT e.anonymous_id) FROM " + EVENTS
        + " WHERE " + sql.inPeriod("e"))) {
      sql.bindPeriod(ps, 1, p);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  /** Events of one type by one metadata field; a JSON null counts as {@code none}. */
  private List<Cell> dimension(Connection c, Period p, String eventType, String field) throws SQLException {
    String value = sql.text("e", field);
    return cells(c, p, "SELECT coalesce(" + value + ", 'none') AS k, count(*), count(DISTINCT e.anonymous_id) FROM "
        + EVENTS + " WHERE e.event_type = '" + eventType + "' AND " + sql.inPeriod("e") + " GROUP BY k", BY_EVENTS);
  }

  private List<Cell> cells(Connection c, Period p, String query, Comparator<Cell> order) throws SQLException {
    List<Cell> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(query)) {
      sql.bindPeriod(ps, 1, p);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String key = rs.getString(1);
          out.add(new Cell(key == null ? "none" : key, rs.getLong(2), rs.getLong(3)));
        }
      }
    }
    out.sort(order);
    return out;
  }

  private List<ToolFailures> toolFailures(Connection c, Period p) throws SQLException {
    String in = sql.inPeriod("e");
    Map<String, long[]> scans = new TreeMap<>();
    for (Cell cell : cells(c, p, "SELECT j.value, count(*), count(DISTINCT e.anonymous_id) FROM " + EVENTS
        + sql.eachElement("e", "tools") + " WHERE e.event_type = 'scan.started' AND " + in + " GROUP BY j.value", BY_KEY)) {
      scans.put(cell.key(), new long[] {cell.events(), cell.ids()});
    }
    Map<String, Map<String, Long>> failures = new TreeMap<>();
    Map<String, Map<String, Long>> failureIds = new TreeMap<>();
    String query = "SELECT " + sql.text("e", "tool") + ", " + sql.text("e", "failure_type")
        + ", count(*), count(DISTINCT e.anonymous_id) FROM " + EVENTS + " WHERE e.event_type = 'tool.failed' AND " + in
        + " GROUP BY 1, 2";
    try (PreparedStatement ps = c.prepareStatement(query)) {
      sql.bindPeriod(ps, 1, p);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String tool = Objects.requireNonNullElse(rs.getString(1), "none");
          String type = Objects.requireNonNullElse(rs.getString(2), "none");
          failures.computeIfAbsent(tool, t -> new LinkedHashMap<>()).put(type, rs.getLong(3));
          failureIds.computeIfAbsent(tool, t -> new LinkedHashMap<>()).put(type, rs.getLong(4));
        }
      }
    }
    List<ToolFailures> out = new ArrayList<>();
    TreeMap<String, Boolean> tools = new TreeMap<>();
    scans.keySet().forEach(t -> tools.put(t, true));
    failures.keySet().forEach(t -> tools.put(t, true));
    for (String tool : tools.keySet()) {
      long[] s = scans.getOrDefault(tool, new long[2]);
      out.add(new ToolFailures(tool, s[0], s[1], failures.getOrDefault(tool, Map.of()),
          failureIds.getOrDefault(tool, Map.of())));
    }
    out.sort(Comparator.comparingDouble(ToolFailures::totalRate).reversed()
        .thenComparing(Comparator.comparingLong(ToolFailures::totalFailures).reversed())
        .thenComparing(ToolFailures::tool));
    return out;
  }

  /** Builds {@link TelemetryStats}. */
  public static final class Builder {
    private DataSource dataSource;
    private Dialect dialect;

    private Builder() {}

    /** The database to read. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /** The database's dialect. */
    public Builder dialect(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * @throws IllegalStateException if the data source or dialect is missing
     */
    public TelemetryStats build() {
      if (dataSource == null || dialect == null) {
        throw new IllegalStateException("dataSource and dialect are required");
      }
      return new TelemetryStats(this);
    }
  }
}
