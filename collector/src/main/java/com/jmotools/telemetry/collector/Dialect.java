package com.jmotools.telemetry.collector;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The SQL dialect of a {@link Database}, and how each stores the hour-truncated times of the {@code
 * events} table.
 *
 * <p>SQLite keeps {@code timestamp}, {@code received_at} and {@code deleted_at} as ISO-8601 text
 * {@code YYYY-MM-DDTHH:00:00Z} (so text order is time order and a D1 export loads as is);
 * PostgreSQL keeps them as {@code timestamptz}. Use {@link #setTime} and {@link #getTime} to bind
 * and read them without caring which.
 */
public enum Dialect {
  /** Embedded SQLite, one file in WAL mode. */
  SQLITE,
  /** PostgreSQL, for several collectors sharing one database. */
  POSTGRESQL;

  /**
   * Binds {@code time} (cut to the hour) to parameter {@code index} in this dialect's time type.
   */
  public void setTime(PreparedStatement statement, int index, Instant time) throws SQLException {
    if (time == null) {
      statement.setNull(index, this == SQLITE ? Types.VARCHAR : Types.TIMESTAMP_WITH_TIMEZONE);
      return;
    }
    Instant hour = time.truncatedTo(ChronoUnit.HOURS);
    if (this == SQLITE) {
      statement.setString(index, formatHour(hour));
    } else {
      statement.setObject(index, hour.atOffset(ZoneOffset.UTC));
    }
  }

  /**
   * Reads a time column written by {@link #setTime} (or imported from D1).
   *
   * @return the instant, or {@code null} if the column is NULL or (SQLite) not an ISO-8601 time
   */
  public Instant getTime(ResultSet rows, String column) throws SQLException {
    if (this == SQLITE) {
      String text = rows.getString(column);
      return text == null ? null : parseText(text);
    }
    OffsetDateTime time = rows.getObject(column, OffsetDateTime.class);
    return time == null ? null : time.toInstant();
  }

  /** The SQLite text form of an hour: {@code 2026-11-26T14:00:00Z}. */
  public static String formatHour(Instant time) {
    return time.truncatedTo(ChronoUnit.HOURS).toString();
  }

  private static Instant parseText(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      // D1 rows may hold the guide client's offset-less times ("2025-10-19T12:00:00.123456").
      return com.jmotools.telemetry.catalog.EventValidator.parseTimestamp(text.replace(' ', 'T'));
    }
  }
}
