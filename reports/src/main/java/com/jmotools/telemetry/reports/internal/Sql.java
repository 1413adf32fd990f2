package com.jmotools.telemetry.reports.internal;

import com.jmotools.telemetry.collector.Dialect;
import com.jmotools.telemetry.reports.Period;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * The SQL fragments that differ between SQLite (JSON text, ISO-8601 text times) and PostgreSQL
 * (jsonb, timestamptz), so each statistic is written once per dialect from the same pieces.
 */
public final class Sql {

  /** The table the collector writes. */
  public static final String TABLE = "events";

  private static final Pattern FIELD = Pattern.compile("[a-z_]{1,40}");
  private static final DateTimeFormatter SQLITE_HOUR =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:00:00'Z'").withZone(ZoneOffset.UTC);

  private final Dialect dialect;

  public Sql(Dialect dialect) {
    this.dialect = dialect;
  }

  public Dialect dialect() {
    return dialect;
  }

  /** The condition that keeps the rows of a period; binds two parameters ({@link #bindPeriod}). */
  public String inPeriod(String alias) {
    return alias + ".\"timestamp\" >= ? AND " + alias + ".\"timestamp\" < ?";
  }

  /** Binds a period's bounds at {@code index} and {@code index + 1}; returns the next index. */
  public int bindPeriod(PreparedStatement ps, int index, Period period) throws SQLException {
    bindTime(ps, index, period.from());
    bindTime(ps, index + 1, period.to());
    return index + 2;
  }

  /** Binds one time in the stored representation. */
  public void bindTime(PreparedStatement ps, int index, Instant t) throws SQLException {
    if (dialect == Dialect.SQLITE) {
      ps.setString(index, SQLITE_HOUR.format(t));
    } else {
      ps.setObject(index, t.atOffset(ZoneOffset.UTC));
    }
  }

  /** The condition that {@code column} equals one bound parameter, NULL equal to NULL. */
  public String sameAs(String column) {
    return column + (dialect == Dialect.SQLITE ? " IS ?" : " IS NOT DISTINCT FROM ?");
  }

  /** A metadata field as text (SQL NULL when absent or JSON null). */
  public String text(String alias, String field) {
    checkField(field);
    return dialect == Dialect.SQLITE
        ? "json_extract(" + alias + ".metadata, '$." + field + "')"
        : alias + ".metadata->>'" + field + "'";
  }

  /** A join that yields one row per element of a metadata list, its text in {@code j.value}. */
  public String eachElement(String alias, String field) {
    checkField(field);
    return dialect == Dialect.SQLITE
        ? ", json_each(" + alias + ".metadata, '$." + field + "') j"
        : " CROSS JOIN LATERAL jsonb_array_elements_text("
            + alias
            + ".metadata->'"
            + field
            + "') AS j(value)";
  }

  /**
   * A join that yields one row per entry of a metadata object, its name in {@code j.key} and value
   * as text in {@code j.value}.
   */
  public String eachEntry(String alias, String field) {
    checkField(field);
    return dialect == Dialect.SQLITE
        ? ", json_each(" + alias + ".metadata, '$." + field + "') j"
        : " CROSS JOIN LATERAL jsonb_each_text("
            + alias
            + ".metadata->'"
            + field
            + "') AS j(key, value)";
  }

  /**
   * A boolean metadata field as {@code 'true'} or {@code 'false'} (SQLite's JSON functions read it
   * as 1 or 0).
   */
  public String booleanText(String alias, String field) {
    return "CASE CAST("
        + text(alias, field)
        + " AS TEXT) WHEN 'true' THEN 'true' WHEN '1' THEN 'true' "
        + "WHEN 'false' THEN 'false' WHEN '0' THEN 'false' END";
  }

  /** The ISO date ({@code 2026-01-05}) of the Monday of the time's ISO week. */
  public String week(String alias) {
    return dialect == Dialect.SQLITE
        ? "date(substr(" + alias + ".\"timestamp\", 1, 10), 'weekday 0', '-6 days')"
        : "to_char(date_trunc('week', "
            + alias
            + ".\"timestamp\" AT TIME ZONE 'UTC'), 'YYYY-MM-DD')";
  }

  /** The month ({@code 2026-01}) of the time. */
  public String month(String alias) {
    return dialect == Dialect.SQLITE
        ? "substr(" + alias + ".\"timestamp\", 1, 7)"
        : "to_char(" + alias + ".\"timestamp\" AT TIME ZONE 'UTC', 'YYYY-MM')";
  }

  /** The day ({@code 2026-01-31}) of the time. */
  public String day(String alias) {
    return dialect == Dialect.SQLITE
        ? "substr(" + alias + ".\"timestamp\", 1, 10)"
        : "to_char(" + alias + ".\"timestamp\" AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
  }

  /**
   * The hour ({@code 2026-01-31T10:00:00Z}) of the time. On SQLite it is cut from the text, not
   * read as stored: rows loaded from a D1 export hold the guide client's exact times ({@code
   * 2026-01-31T10:32:07.123456}, or with a space before the hour) until {@code jmo-telemetry purge}
   * rewrites them.
   */
  public String hour(String alias) {
    String t = alias + ".\"timestamp\"";
    return dialect == Dialect.SQLITE
        ? "substr(" + t + ", 1, 10) || 'T' || substr(" + t + ", 12, 2) || ':00:00Z'"
        : "to_char("
            + alias
            + ".\"timestamp\" AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:00:00\"Z\"')";
  }

  /** The stored time as ISO-8601 text in UTC. */
  public String timeText(String alias) {
    return hour(alias);
  }

  /** The metadata as JSON text. */
  public String metadataText(String alias) {
    return dialect == Dialect.SQLITE ? alias + ".metadata" : alias + ".metadata::text";
  }

  private static void checkField(String field) {
    if (!FIELD.matcher(field).matches()) {
      throw new IllegalArgumentException("not a metadata field name: " + field);
    }
  }
}
