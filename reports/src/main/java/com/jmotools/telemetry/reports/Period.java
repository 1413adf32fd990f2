package com.jmotools.telemetry.reports;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A half-open period of time {@code [from, to)} in UTC, cut to whole hours (the stored resolution).
 *
 * @param from the first instant included
 * @param to the first instant excluded; after {@code from}
 */
public record Period(Instant from, Instant to) {

  /** The length of the default period of the maintainer commands: {@value} days. */
  public static final int DEFAULT_DAYS = 30;

  /** The first year a quarter may be of: {@value} (the last is 9999, four digits). */
  public static final int MIN_QUARTER_YEAR = 2000;

  private static final Pattern QUARTER = Pattern.compile("(\\d{4})-?Q([1-4])");

  public Period {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    from = from.truncatedTo(ChronoUnit.HOURS);
    Instant cut = to.truncatedTo(ChronoUnit.HOURS);
    to = cut.equals(to) ? cut : cut.plus(Duration.ofHours(1));
    if (!to.isAfter(from)) {
      throw new IllegalArgumentException(
          "period is empty: from " + from + " is not before to " + to);
    }
  }

  /** The {@value #DEFAULT_DAYS} days up to the end of the current hour. */
  public static Period lastDays(Clock clock, int days) {
    if (days < 1) {
      throw new IllegalArgumentException("days < 1: " + days);
    }
    Instant end = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    return new Period(end.minus(Duration.ofDays(days)), end);
  }

  /**
   * A calendar quarter such as {@code 2026Q1} or {@code 2026-q1} (case does not matter), of a year
   * from {@value #MIN_QUARTER_YEAR} to 9999.
   *
   * @throws IllegalArgumentException if {@code text} is not such a quarter
   */
  public static Period quarter(String text) {
    Matcher m = QUARTER.matcher(text.trim().toUpperCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("not a quarter (expected like 2026Q1): " + text);
    }
    int year = Integer.parseInt(m.group(1));
    if (year < MIN_QUARTER_YEAR) {
      throw new IllegalArgumentException(
          "not a quarter (expected like 2026Q1, a year from "
              + MIN_QUARTER_YEAR
              + " to 9999): "
              + text);
    }
    int q = Integer.parseInt(m.group(2));
    LocalDate start = LocalDate.of(year, (q - 1) * 3 + 1, 1);
    return new Period(
        start.atStartOfDay(ZoneOffset.UTC).toInstant(),
        start.plusMonths(3).atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  /** The earliest bound {@link #parseBound} accepts: {@code 1970-01-01T00:00:00Z}. */
  public static final Instant EARLIEST_BOUND = Instant.EPOCH;

  /**
   * The latest bound {@link #parseBound} accepts: {@code 10000-01-01T00:00:00Z}, the end of the
   * last year the stored times can spell with four digits.
   */
  public static final Instant LATEST_BOUND = Instant.parse("+10000-01-01T00:00:00Z");

  /**
   * Reads a period bound: a date ({@code 2026-01-31}, its start of day in UTC) or an ISO-8601
   * instant ({@code 2026-01-31T10:00:00Z}), from 1970-01-01 to 10000-01-01 (so {@code --to
   * 9999-12-31} is fine).
   *
   * @throws IllegalArgumentException if it is neither, or out of that range
   */
  public static Instant parseBound(String text) {
    String t = text.trim();
    Instant bound;
    try {
      bound =
          t.length() == 10
              ? LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant()
              : java.time.OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      try {
        bound = Instant.parse(t);
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException("not a date or an ISO-8601 time: " + text, e2);
      }
    }
    if (bound.isBefore(EARLIEST_BOUND) || bound.isAfter(LATEST_BOUND)) {
      throw new IllegalArgumentException(
          "out of range (1970-01-01 to 10000-01-01): " + text.trim());
    }
    return bound;
  }

  /**
   * The period of the same length that ends where this one starts; for a quarter, the previous
   * quarter.
   */
  public Period previous() {
    LocalDate f = LocalDate.ofInstant(from, ZoneOffset.UTC);
    if (isQuarter()) {
      return new Period(f.minusMonths(3).atStartOfDay(ZoneOffset.UTC).toInstant(), from);
    }
    Duration length = Duration.between(from, to);
    return new Period(from.minus(length), from);
  }

  /** Whether this period is exactly one calendar quarter. */
  public boolean isQuarter() {
    LocalDate f = LocalDate.ofInstant(from, ZoneOffset.UTC);
    return f.getDayOfMonth() == 1
        && (f.getMonthValue() - 1) % 3 == 0
        && from.equals(f.atStartOfDay(ZoneOffset.UTC).toInstant())
        && to.equals(f.plusMonths(3).atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  /** The quarter's name such as {@code Q1 2026}, or {@code from – to} for other periods. */
  public String label() {
    LocalDate f = LocalDate.ofInstant(from, ZoneOffset.UTC);
    if (isQuarter()) {
      return "Q" + ((f.getMonthValue() - 1) / 3 + 1) + " " + f.getYear();
    }
    return from + " – " + to;
  }

  /** Whether {@code t} falls inside the period. */
  public boolean contains(Instant t) {
    return !t.isBefore(from) && t.isBefore(to);
  }
}
