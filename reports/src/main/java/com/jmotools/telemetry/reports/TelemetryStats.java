package com.jmotools.telemetry.reports;

import com.jmotools.telemetry.collector.DatabaseException;
import com.jmotools.telemetry.collector.Dialect;
import com.jmotools.telemetry.reports.internal.CubeStats;
import com.jmotools.telemetry.reports.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Computes {@link Stats} from the collector's {@code events} table.
 *
 * <p>Two paths give the same numbers. {@link #compute} reads a daily rollup that the query layer
 * keeps in its own cache tables ({@code reports_daily}, {@code reports_days}, {@code
 * reports_state}; see {@link #refreshRollup()}), plus the current day's events that came since the
 * last refresh and the raw events of partial days, so a quarter of millions of events is answered
 * in a second or two with exact distinct counts. {@link #computeWithSql} runs one SQL query per
 * statistic on the events table, written for each dialect (SQLite's {@code json_extract}/{@code
 * json_each}, PostgreSQL's jsonb operators): the reference the rollup is tested against. Both only
 * read the events table, so they run while a collector writes to it.
 */
public final class TelemetryStats {

  private static final String EVENTS = Sql.TABLE + " e";
  private static final Comparator<Cell> BY_EVENTS =
      Comparator.comparingLong(Cell::events).reversed().thenComparing(Cell::key);
  private static final Comparator<Cell> BY_KEY = Comparator.comparing(Cell::key);

  /**
   * The most distinct installations a day's totals in the rollup keep exactly: {@value}. Rolling a
   * day up holds at most twice as many 64-bit id hashes in memory (about 8 MiB in hash tables at
   * the default) and stores at most this many (2 MiB); a day with more distinct installations
   * stores the smallest hashes, a sketch whose estimate of that day's (and its week's, month's and
   * period's) installations is off by about {@code 1 / sqrt(n)} (0.2 % at the default).
   */
  public static final int DEFAULT_ROLLUP_DAY_IDS = 1 << 18;

  /** How long a computed period is reused while the database has not changed: {@code 10 s}. */
  public static final java.time.Duration DEFAULT_CACHE_TIME = java.time.Duration.ofSeconds(10);

  private final DataSource dataSource;
  private final Sql sql;
  private final com.jmotools.telemetry.reports.internal.Rollup rollup;
  private final boolean refreshBeforeCompute;
  private final java.time.Clock clock;
  private volatile Cached cached;

  private record Cached(
      Period period,
      String token,
      java.time.Instant at,
      com.jmotools.telemetry.reports.internal.Cube cube) {}

  private TelemetryStats(Builder b) {
    this.dataSource = b.dataSource;
    this.sql = new Sql(b.dialect);
    this.clock = b.clock;
    this.rollup =
        new com.jmotools.telemetry.reports.internal.Rollup(
            b.dataSource, sql, b.clock, b.reuseRolledPart, b.rollupDayIds);
    this.refreshBeforeCompute = b.refreshBeforeCompute;
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
   * All statistics over {@code period}, from the rollup (brought up to date first unless the
   * builder said otherwise) and the raw events it does not cover.
   *
   * @throws DatabaseException if the database cannot be read
   */
  public Stats compute(Period period) {
    return com.jmotools.telemetry.reports.internal.CubeStats.toStats(period, cube(period));
  }

  /**
   * Rolls up the finished days not rolled yet, re-rolls days that changed (late events, erasures,
   * purges) and adds the current day's new rows. The first call on a large database reads every
   * event once (35-55 s for 10 million on SQLite); later calls read only what changed.
   *
   * @return how many days were rolled
   * @throws DatabaseException if the database cannot be read or written
   */
  public int refreshRollup() {
    return rollup.refresh();
  }

  // Synchronized: the dashboard asks for several charts of one period at once; one computes, the
  // others reuse it.
  private synchronized com.jmotools.telemetry.reports.internal.Cube cube(Period period) {
    String token = changeToken();
    java.time.Instant now = clock.instant();
    Cached c = cached;
    if (c != null
        && c.period().equals(period)
        && c.token().equals(token)
        && java.time.Duration.between(c.at(), now).compareTo(DEFAULT_CACHE_TIME) < 0) {
      return c.cube();
    }
    if (refreshBeforeCompute) {
      rollup.refresh();
    }
    com.jmotools.telemetry.reports.internal.Cube cube = rollup.cube(period);
    cached = new Cached(period, token, now, cube);
    return cube;
  }

  /**
   * All statistics over {@code period}, one SQL query per statistic on the events table. Slower
   * than {@link #compute} on large databases; the same numbers.
   *
   * @throws DatabaseException if the database cannot be read
   */
  public Stats computeWithSql(Period period) {
    try (Connection c = dataSource.getConnection()) {
      return compute(c, period);
    } catch (SQLException e) {
      throw new DatabaseException("cannot compute statistics for " + period.label(), e);
    }
  }

  /** The statistics that are lists of cells, each one query per dialect. */
  public enum Breakdown {
    /** Events by {@code event}. */
    EVENTS_BY_TYPE,
    /** {@code scan.started} by profile. */
    PROFILES,
    /** {@code scan.started} by mode. */
    MODES,
    /** Events by platform. */
    PLATFORMS,
    /** Events by version. */
    VERSIONS,
    /** Distinct ids per day ({@code 2026-01-31}). */
    INSTALLS_BY_DAY,
    /** Distinct ids per ISO week, keyed by its Monday. */
    INSTALLS_BY_WEEK,
    /** Distinct ids per month ({@code 2026-01}). */
    INSTALLS_BY_MONTH,
    /** {@code report.generated} by each output format listed. */
    OUTPUT_FORMATS,
    /** {@code wizard.completed} by artifact ({@code none} for null). */
    WIZARD_ARTIFACTS,
    /** {@code wizard.completed} by execution mode. */
    WIZARD_EXECUTION_MODES,
    /** {@code wizard.completed} by profile selected. */
    WIZARD_PROFILES,
    /** {@code scan.completed} by findings bucket. */
    SCAN_FINDINGS,
    /** {@code report.generated} by findings bucket. */
    REPORT_FINDINGS,
    /** {@code scan.completed} by duration bucket. */
    DURATIONS,
    /** {@code scan.started} by each tool listed (tool popularity). */
    TOOLS,
    /** {@code wizard.completed} by range of duration. */
    WIZARD_DURATIONS,
    /** {@code report.generated} by {@code suppressions_used}. */
    REPORT_SUPPRESSIONS,
    /** {@code report.generated} by {@code compliance_enabled}. */
    REPORT_COMPLIANCE
  }

  /**
   * One statistic over {@code period}.
   *
   * @throws DatabaseException if the database cannot be read
   */
  public List<Cell> breakdown(Breakdown breakdown, Period period) {
    if (breakdown == Breakdown.INSTALLS_BY_DAY) {
      return com.jmotools.telemetry.reports.internal.CubeStats.days(cube(period));
    }
    Stats s = compute(period);
    return switch (breakdown) {
      case EVENTS_BY_TYPE -> s.eventsByType();
      case PROFILES -> s.profiles();
      case MODES -> s.modes();
      case PLATFORMS -> s.platforms();
      case VERSIONS -> s.versions();
      case INSTALLS_BY_DAY -> throw new AssertionError();
      case INSTALLS_BY_WEEK -> s.installsByWeek();
      case INSTALLS_BY_MONTH -> s.installsByMonth();
      case OUTPUT_FORMATS -> s.outputFormats();
      case WIZARD_ARTIFACTS -> s.wizard().artifacts();
      case WIZARD_EXECUTION_MODES -> s.wizard().executionModes();
      case WIZARD_PROFILES -> s.wizard().profiles();
      case SCAN_FINDINGS -> s.scanFindings();
      case REPORT_FINDINGS -> s.reportFindings();
      case DURATIONS -> s.durations();
      case TOOLS -> s.tools();
      case WIZARD_DURATIONS -> s.wizard().durations();
      case REPORT_SUPPRESSIONS -> s.reportSuppressions();
      case REPORT_COMPLIANCE -> s.reportCompliance();
    };
  }

  /**
   * One statistic over {@code period}, by its own SQL query on the events table.
   *
   * @throws DatabaseException if the database cannot be read
   */
  public List<Cell> breakdownWithSql(Breakdown breakdown, Period period) {
    try (Connection c = dataSource.getConnection()) {
      return breakdown(c, breakdown, period);
    } catch (SQLException e) {
      throw new DatabaseException("cannot compute " + breakdown + " for " + period.label(), e);
    }
  }

  /**
   * Per tool, failures per run of the tool, over {@code period} (see {@link ToolFailures} for
   * runs).
   *
   * @throws DatabaseException if the database cannot be read
   */
  public List<ToolFailures> toolFailures(Period period) {
    return com.jmotools.telemetry.reports.internal.CubeStats.toolFailures(cube(period));
  }

  /**
   * As {@link #toolFailures}, by SQL on the events table.
   *
   * @throws DatabaseException if the database cannot be read
   */
  public List<ToolFailures> toolFailuresWithSql(Period period) {
    try (Connection c = dataSource.getConnection()) {
      return toolFailures(c, period);
    } catch (SQLException e) {
      throw new DatabaseException("cannot compute tool failures for " + period.label(), e);
    }
  }

  /**
   * Events per time slot and type: {@code time} is the hour ({@code 2026-01-31T10:00:00Z}) when
   * {@code hourly}, else the day ({@code 2026-01-31}).
   *
   * @param time the slot
   * @param eventType the event's name
   * @param events how many
   */
  public record TimePoint(String time, String eventType, long events) {}

  /**
   * Events over time by type, sorted by time then type.
   *
   * @throws DatabaseException if the database cannot be read
   */
  public List<TimePoint> timeline(Period period, boolean hourly) {
    if (!hourly) {
      List<TimePoint> out = new ArrayList<>();
      cube(period)
          .timeline()
          .forEach(
              (day, types) -> types.forEach((type, n) -> out.add(new TimePoint(day, type, n))));
      return out;
    }
    String slot = sql.hour("e");
    String query =
        "SELECT "
            + slot
            + " AS t, e.event_type, count(*) FROM "
            + EVENTS
            + " WHERE "
            + sql.inPeriod("e")
            + " GROUP BY t, e.event_type ORDER BY t, e.event_type";
    List<TimePoint> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(query)) {
      sql.bindPeriod(ps, 1, period);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new TimePoint(rs.getString(1), rs.getString(2), rs.getLong(3)));
        }
      }
    } catch (SQLException e) {
      throw new DatabaseException("cannot compute the timeline for " + period.label(), e);
    }
    return out;
  }

  /**
   * A value that changes whenever events are added or erased, and whenever the rollup's refresh
   * changed what {@link #compute} answers (an erasure's rows leave the rollup there); cheap (index
   * lookups only), for polling clients such as the dashboard.
   *
   * @throws DatabaseException if the database cannot be read
   */
  public String changeToken() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT max(id) FROM "
                    + Sql.TABLE
                    + "), (SELECT count(*) FROM deleted_ids)")) {
      rs.next();
      return rs.getLong(1) + "-" + rs.getLong(2) + "-" + rollup.version();
    } catch (SQLException e) {
      throw new DatabaseException("cannot read the change token", e);
    }
  }

  private Stats compute(Connection c, Period p) throws SQLException {
    long[] totals = totals(c, p);
    List<Cell> byType = breakdown(c, Breakdown.EVENTS_BY_TYPE, p);
    Cell wizardCell =
        Stats.find(byType, "wizard.completed").orElse(new Cell("wizard.completed", 0, 0));
    Stats.Wizard wizard =
        new Stats.Wizard(
            wizardCell.events(),
            wizardCell.ids(),
            breakdown(c, Breakdown.WIZARD_ARTIFACTS, p),
            breakdown(c, Breakdown.WIZARD_EXECUTION_MODES, p),
            breakdown(c, Breakdown.WIZARD_PROFILES, p),
            breakdown(c, Breakdown.WIZARD_DURATIONS, p));
    return new Stats(
        p,
        totals[0],
        totals[1],
        byType,
        breakdown(c, Breakdown.PROFILES, p),
        breakdown(c, Breakdown.MODES, p),
        breakdown(c, Breakdown.PLATFORMS, p),
        breakdown(c, Breakdown.VERSIONS, p),
        breakdown(c, Breakdown.INSTALLS_BY_WEEK, p),
        breakdown(c, Breakdown.INSTALLS_BY_MONTH, p),
        toolFailures(c, p),
        wizard,
        breakdown(c, Breakdown.OUTPUT_FORMATS, p),
        breakdown(c, Breakdown.SCAN_FINDINGS, p),
        breakdown(c, Breakdown.REPORT_FINDINGS, p),
        breakdown(c, Breakdown.DURATIONS, p),
        breakdown(c, Breakdown.TOOLS, p),
        breakdown(c, Breakdown.REPORT_SUPPRESSIONS, p),
        breakdown(c, Breakdown.REPORT_COMPLIANCE, p));
  }

  private List<Cell> breakdown(Connection c, Breakdown b, Period p) throws SQLException {
    String in = sql.inPeriod("e");
    return switch (b) {
      case EVENTS_BY_TYPE -> column(c, p, "e.event_type");
      case PLATFORMS -> column(c, p, "e.platform");
      case VERSIONS -> column(c, p, "e.version");
      case PROFILES -> dimension(c, p, "scan.started", "profile");
      case MODES -> dimension(c, p, "scan.started", "mode");
      case INSTALLS_BY_DAY -> series(c, p, sql.day("e"));
      case INSTALLS_BY_WEEK -> series(c, p, sql.week("e"));
      case INSTALLS_BY_MONTH -> series(c, p, sql.month("e"));
      case OUTPUT_FORMATS ->
          cells(
              c,
              p,
              "SELECT j.value, count(*), count(DISTINCT e.anonymous_id) FROM "
                  + EVENTS
                  + sql.eachElement("e", "output_formats")
                  + " WHERE e.event_type = 'report.generated' AND "
                  + in
                  + " GROUP BY j.value",
              BY_EVENTS);
      case WIZARD_ARTIFACTS -> dimension(c, p, "wizard.completed", "artifact_generated");
      case WIZARD_EXECUTION_MODES -> dimension(c, p, "wizard.completed", "execution_mode");
      case WIZARD_PROFILES -> dimension(c, p, "wizard.completed", "profile_selected");
      case SCAN_FINDINGS ->
          CubeStats.inBucketOrder(
              dimension(c, p, "scan.completed", "total_findings_bucket"), "findings");
      case REPORT_FINDINGS ->
          CubeStats.inBucketOrder(
              dimension(c, p, "report.generated", "findings_bucket"), "findings");
      case DURATIONS ->
          CubeStats.inBucketOrder(dimension(c, p, "scan.completed", "duration_bucket"), "duration");
      case TOOLS ->
          cells(
              c,
              p,
              "SELECT j.value, count(*), count(DISTINCT e.anonymous_id) FROM "
                  + EVENTS
                  + sql.eachElement("e", "tools")
                  + " WHERE e.event_type = 'scan.started' AND "
                  + in
                  + " GROUP BY j.value",
              BY_EVENTS);
      case WIZARD_DURATIONS ->
          CubeStats.ordered(
              expression(c, p, "wizard.completed", wizardRange()),
              List.copyOf(Stats.WIZARD_DURATION_RANGES.keySet()));
      case REPORT_SUPPRESSIONS ->
          expression(c, p, "report.generated", sql.booleanText("e", "suppressions_used"));
      case REPORT_COMPLIANCE ->
          expression(c, p, "report.generated", sql.booleanText("e", "compliance_enabled"));
    };
  }

  private List<Cell> column(Connection c, Period p, String column) throws SQLException {
    return cells(
        c,
        p,
        "SELECT "
            + column
            + ", count(*), count(DISTINCT e.anonymous_id) FROM "
            + EVENTS
            + " WHERE "
            + sql.inPeriod("e")
            + " GROUP BY "
            + column,
        BY_EVENTS);
  }

  private List<Cell> series(Connection c, Period p, String slot) throws SQLException {
    return cells(
        c,
        p,
        "SELECT "
            + slot
            + " AS k, count(*), count(DISTINCT e.anonymous_id) FROM "
            + EVENTS
            + " WHERE "
            + sql.inPeriod("e")
            + " GROUP BY k",
        BY_KEY);
  }

  /**
   * {@code period} cut to the days that can hold events: from the first stored event's day to the
   * end of tomorrow, or of the last stored event's day when that is later. Statistics of a period
   * of centuries visit only these days.
   *
   * @return the cut period, or empty when no stored event can fall inside it
   * @throws DatabaseException if the database cannot be read
   */
  public java.util.Optional<Period> withinData(Period period) {
    return rollup.withinData(period);
  }

  /**
   * The most days {@link #installsByEveryDay} shows one by one even where no event can be: about
   * ten years, far more than any chart of the dashboard asks for.
   */
  public static final int MAX_DAYS_SHOWN_WHOLE = 3_700;

  /**
   * Distinct ids per day, days without events included as zero: every day of {@code period} when it
   * has at most {@value #MAX_DAYS_SHOWN_WHOLE} days (a chart of the last 90 days has 90 bars, even
   * before the first event), else only the days that can hold events ({@link #withinData}), so that
   * a period of centuries costs no more than the stored days.
   *
   * @throws DatabaseException if the database cannot be read
   */
  public List<Cell> installsByEveryDay(Period period) {
    java.util.Optional<Period> data = withinData(period);
    List<Cell> days = data.map(p -> breakdown(Breakdown.INSTALLS_BY_DAY, p)).orElse(List.of());
    if (java.time.Duration.between(period.from(), period.to()).toDays() <= MAX_DAYS_SHOWN_WHOLE) {
      return everyDay(days, period);
    }
    return data.map(p -> everyDay(days, p)).orElse(List.of());
  }

  /**
   * Every day of {@code p}, in order: days without events are days with zero installations, so a
   * chart shows them as zero, not as a line across a gap. One cell per day of {@code p}: for a
   * period that may be long, use {@link #installsByEveryDay}.
   */
  public static List<Cell> everyDay(List<Cell> days, Period p) {
    Map<String, Cell> byDay = new LinkedHashMap<>();
    days.forEach(c -> byDay.put(c.key(), c));
    List<Cell> out = new java.util.ArrayList<>();
    for (java.time.LocalDate d = java.time.LocalDate.ofInstant(p.from(), java.time.ZoneOffset.UTC);
        d.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().isBefore(p.to());
        d = d.plusDays(1)) {
      out.add(byDay.getOrDefault(d.toString(), new Cell(d.toString(), 0, 0)));
    }
    return out;
  }

  private long[] totals(Connection c, Period p) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT count(*), count(DISTINCT e.anonymous_id) FROM "
                + EVENTS
                + " WHERE "
                + sql.inPeriod("e"))) {
      sql.bindPeriod(ps, 1, p);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  /** Events of one type by one metadata field; a JSON null counts as {@code none}. */
  private List<Cell> dimension(Connection c, Period p, String eventType, String field)
      throws SQLException {
    return expression(c, p, eventType, sql.text("e", field));
  }

  /** The SQL twin of {@link Stats#wizardDurationRange}. */
  private String wizardRange() {
    StringBuilder b = new StringBuilder("CASE");
    String seconds = "CAST(" + sql.text("e", "duration_seconds") + " AS BIGINT)";
    Stats.WIZARD_DURATION_RANGES.forEach(
        (label, upper) ->
            b.append(
                upper == 0
                    ? " ELSE '" + label + "'"
                    : " WHEN coalesce(" + seconds + ", 0) < " + upper + " THEN '" + label + "'"));
    return b.append(" END").toString();
  }

  /**
   * Events of one type by the value of an SQL expression over {@code e}; NULL counts as {@code
   * none}.
   */
  private List<Cell> expression(Connection c, Period p, String eventType, String value)
      throws SQLException {
    return cells(
        c,
        p,
        "SELECT coalesce("
            + value
            + ", 'none') AS k, count(*), count(DISTINCT e.anonymous_id) FROM "
            + EVENTS
            + " WHERE e.event_type = '"
            + eventType
            + "' AND "
            + sql.inPeriod("e")
            + " GROUP BY k",
        BY_EVENTS);
  }

  private List<Cell> cells(Connection c, Period p, String query, Comparator<Cell> order)
      throws SQLException {
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
    for (Cell cell :
        cells(
            c,
            p,
            "SELECT j.value, count(*), count(DISTINCT e.anonymous_id) FROM "
                + EVENTS
                + sql.eachElement("e", "tools")
                + " WHERE e.event_type = 'scan.started' AND "
                + in
                + " GROUP BY j.value",
            BY_KEY)) {
      scans.put(cell.key(), new long[] {cell.events(), cell.ids()});
    }
    Map<String, long[]> reported = new TreeMap<>();
    String runs =
        "SELECT j.key, sum(CAST(j.value AS BIGINT)), count(*) FROM "
            + EVENTS
            + sql.eachEntry("e", "tool_runs")
            + " WHERE e.event_type = 'scan.completed' AND "
            + in
            + " GROUP BY j.key";
    try (PreparedStatement ps = c.prepareStatement(runs)) {
      sql.bindPeriod(ps, 1, p);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          reported.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
        }
      }
    }
    Map<String, Map<String, Long>> failures = new TreeMap<>();
    Map<String, Map<String, Long>> failureIds = new TreeMap<>();
    String query =
        "SELECT "
            + sql.text("e", "tool")
            + ", "
            + sql.text("e", "failure_type")
            + ", count(*), count(DISTINCT e.anonymous_id) FROM "
            + EVENTS
            + " WHERE e.event_type = 'tool.failed' AND "
            + in
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
    return com.jmotools.telemetry.reports.internal.CubeStats.toolFailures(
        scans, reported, failures, failureIds);
  }

  /** Builds {@link TelemetryStats}. */
  public static final class Builder {
    private DataSource dataSource;
    private Dialect dialect;
    private java.time.Clock clock = java.time.Clock.systemUTC();
    private boolean refreshBeforeCompute = true;
    private boolean reuseRolledPart;
    private int rollupDayIds = DEFAULT_ROLLUP_DAY_IDS;

    private Builder() {}

    /**
     * The most distinct installations a day of the rollup keeps exactly, and so the bound of its
     * memory per day; default {@value TelemetryStats#DEFAULT_ROLLUP_DAY_IDS}.
     *
     * @throws IllegalArgumentException if {@code ids < 1024} (the sketch size of the other cells)
     */
    public Builder rollupDayIds(int ids) {
      if (ids < com.jmotools.telemetry.reports.internal.Cube.SKETCH_SIZE) {
        throw new IllegalArgumentException(
            "rollupDayIds < "
                + com.jmotools.telemetry.reports.internal.Cube.SKETCH_SIZE
                + ": "
                + ids);
      }
      this.rollupDayIds = ids;
      return this;
    }

    /** The clock that says which days are finished; default the system's, in UTC. */
    public Builder clock(java.time.Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Whether {@link TelemetryStats#compute} brings the rollup up to date first; default true. A
     * server that refreshes it in the background sets false, so no request waits for a refresh.
     */
    public Builder refreshBeforeCompute(boolean refresh) {
      this.refreshBeforeCompute = refresh;
      return this;
    }

    /**
     * Whether {@link TelemetryStats#compute} keeps a copy of the rolled part of the last period it
     * read, so that the same period asked again reads only its raw edges; default false. A server
     * that answers the same periods again (the dashboard) sets true; a one-off command does not
     * need the copy.
     */
    public Builder reuseRolledPart(boolean reuse) {
      this.reuseRolledPart = reuse;
      return this;
    }

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
     * Builds the statistics.
     *
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
