package com.jmotools.telemetry.reports.internal;

import com.jmotools.telemetry.collector.Dialect;
import com.jmotools.telemetry.reports.Period;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Draws a report's sample events: per event type, contents (version, platform, runtime,
 * python_version and metadata) at random, every event of the period equally likely among those
 * whose whole content is shared by at least k installations, each content at most once.
 *
 * <p>By rejection first: a random row id between the period's first and last (the lowest and
 * highest id of its events), kept when that row exists, is of the type, lies in the period and has
 * a content not drawn yet (so every such event is equally likely, whatever gaps the ids have); then
 * kept when the database finds k installations with its content, reading that content's events only
 * until it has seen k. Some tens to hundreds of indexed reads (as many as the id range has rows per
 * event of the type) instead of a pass over the period, which a quarter of 10 million events makes
 * take seconds. The range and every read's outcome depend on the period's events only, so events of
 * other periods, arriving or purged, leave the draw of a seed unchanged.
 *
 * <p>When the type's events are too rare among the table's ids for this to find one soon, or the
 * drawn event's content is shared by fewer than k installations, the type's contents are counted
 * (in memory, or grouped by the database beyond a bound) and one is drawn weighted by its events.
 * Either way an event is drawn with the same probability: the rejection step, when it succeeds,
 * draws uniformly among the qualifying events, and the counting draws from exactly that
 * distribution, so their mixture is that distribution too.
 */
public final class SampleDraw {

  /** An event's whole content but its type, id and times. */
  public record Content(
      String version, String platform, String runtime, String pythonVersion, String metadata) {

    /** The order the weighted draw walks: the same whatever order the rows were read in. */
    static final Comparator<Content> ORDER =
        Comparator.comparing(Content::version)
            .thenComparing(Content::platform)
            .thenComparing(Content::runtime, Comparator.nullsFirst(String::compareTo))
            .thenComparing(Content::pythonVersion, Comparator.nullsFirst(String::compareTo))
            .thenComparing(Content::metadata);
  }

  /** A content and how many events of the period have it. */
  private record Counted(Content content, long events) {}

  /** Events of one content, and its distinct installations until there are k of them. */
  private static final class Tally {
    long events;
    LongSet ids = new LongSet(4);
  }

  /** Separates the values of a content in {@link #contentText}: no stored value holds it. */
  private static final char SEPARATOR = '\u0001';

  /** Stands for SQL NULL in {@link #contentText}: no stored value is this. */
  private static final String NULL = "\u0002";

  private static final Duration ONE_DAY = Duration.ofDays(1);

  /** Rows a stream of a content's events fetches at a time: k of them are often enough. */
  private static final int STREAMED_ROWS = 100;

  private final Sql sql;
  private final Period period;
  private final int k;
  private final int maxGroups;
  private final int maxProbes;

  /**
   * The lowest and highest row id of the period's events, read once; null until read, empty if the
   * period has none.
   */
  private long[] ids;

  /**
   * @param maxGroups the most distinct contents of a type counted in memory; beyond, the database
   *     groups them
   * @param maxProbes the most row ids read to find one event of a type by rejection; a type whose
   *     events are expected to need more than a tenth of this is counted instead
   */
  public SampleDraw(Sql sql, Period period, int k, int maxGroups, int maxProbes) {
    this.sql = Objects.requireNonNull(sql, "sql");
    this.period = Objects.requireNonNull(period, "period");
    this.k = k;
    this.maxGroups = maxGroups;
    this.maxProbes = maxProbes;
  }

  /**
   * Up to {@code count} contents of {@code type}, drawn with {@code random}: fewer when fewer are
   * shared by k installations.
   *
   * @param typeEvents about how many events of the type the period holds (from the statistics): it
   *     only chooses between the two ways of drawing
   */
  public List<Content> draw(
      Connection c, String type, long typeEvents, int count, SplittableRandom random)
      throws SQLException {
    List<Content> drawn = new ArrayList<>();
    boolean postgres = sql.dialect() == Dialect.POSTGRESQL;
    // PostgreSQL streams a result by the fetch size only inside a transaction: the draw's reads
    // share one, read only.
    c.setAutoCommit(!postgres);
    try {
      while (drawn.size() < count) {
        Content next = byRejection(c, type, typeEvents, drawn, random);
        if (next == null) {
          drawFromCounts(c, type, count, drawn, random);
          break;
        }
        drawn.add(next);
      }
    } finally {
      if (postgres) {
        c.rollback();
        c.setAutoCommit(true);
      }
    }
    return drawn;
  }

  /**
   * A content drawn by rejection, or null when this way gives up (the caller then counts): the type
   * is too rare among the ids, no event of it turned up within {@code maxProbes} reads, or the
   * event found has a content shared by fewer than k installations.
   */
  private Content byRejection(
      Connection c, String type, long typeEvents, List<Content> drawn, SplittableRandom random)
      throws SQLException {
    long[] range = periodIds(c);
    if (range.length == 0 || typeEvents <= 0) {
      return null;
    }
    long span = range[1] - range[0] + 1;
    // The reads expected to find one event of the type; at a tenth of the bound, running out of
    // reads is about as likely as e^-10.
    if (span / typeEvents > maxProbes / 10) {
      return null;
    }
    String probe =
        "SELECT e.version, e.platform, e.runtime, e.python_version, "
            + sql.metadataText("e")
            + ", "
            + sql.timeText("e")
            + " FROM "
            + Sql.TABLE
            + " e WHERE e.id = ? AND e.event_type = ? AND "
            + sql.inPeriod("e");
    try (PreparedStatement ps = c.prepareStatement(probe)) {
      ps.setString(2, type);
      sql.bindPeriod(ps, 3, period);
      for (int i = 0; i < maxProbes; i++) {
        ps.setLong(1, range[0] + random.nextLong(span));
        Content found = null;
        Instant at = null;
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            found =
                new Content(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5));
            at = Instant.parse(rs.getString(6));
          }
        }
        if (found != null && !drawn.contains(found)) {
          return sharedByK(c, type, found, at) ? found : null;
        }
      }
    }
    return null;
  }

  /**
   * The lowest and highest row id of the period's events. On SQLite, without a pass over the
   * period: the timestamp index keeps each hour's rows in id order, so the period's distinct hours
   * are walked one index seek apart and each gives its lowest and highest id at once (three seeks
   * an hour: some thousands for a quarter). PostgreSQL's index does not keep ids in order: it reads
   * the period's ids from the index and the rows.
   */
  private long[] periodIds(Connection c) throws SQLException {
    if (ids == null) {
      String t = "\"timestamp\"";
      String query =
          sql.dialect() == Dialect.SQLITE
              ? "WITH RECURSIVE hours(t) AS (SELECT (SELECT min("
                  + t
                  + ") FROM "
                  + Sql.TABLE
                  + " WHERE "
                  + t
                  + " >= ? AND "
                  + t
                  + " < ?) UNION ALL SELECT (SELECT min("
                  + t
                  + ") FROM "
                  + Sql.TABLE
                  + " WHERE "
                  + t
                  + " > hours.t AND "
                  + t
                  + " < ?) FROM hours WHERE hours.t IS NOT NULL)"
                  + " SELECT min((SELECT min(id) FROM "
                  + Sql.TABLE
                  + " WHERE "
                  + t
                  + " = hours.t)), max((SELECT max(id) FROM "
                  + Sql.TABLE
                  + " WHERE "
                  + t
                  + " = hours.t)) FROM hours WHERE hours.t IS NOT NULL"
              : "SELECT min(e.id), max(e.id) FROM " + Sql.TABLE + " e WHERE " + sql.inPeriod("e");
      try (PreparedStatement ps = c.prepareStatement(query)) {
        int next = sql.bindPeriod(ps, 1, period);
        if (sql.dialect() == Dialect.SQLITE) {
          sql.bindTime(ps, next, period.to());
        }
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          long low = rs.getLong(1);
          ids = rs.wasNull() ? new long[0] : new long[] {low, rs.getLong(2)};
        }
      }
    }
    return ids;
  }

  /**
   * Whether at least k installations sent events of {@code type} with this content in the period.
   * The content's events are read as a stream and only until k distinct ids have turned up (no
   * DISTINCT in the query: PostgreSQL would hash the whole period before the first row). They are
   * read from the drawn event's hour on first, where that content is known to be, and the hours
   * before only if they must: a content of a version released late in the quarter is not looked for
   * through its first weeks.
   */
  private boolean sharedByK(Connection c, String type, Content content, Instant at)
      throws SQLException {
    String query =
        "SELECT e.anonymous_id FROM "
            + Sql.TABLE
            + " e WHERE e.event_type = ? AND "
            + sql.inPeriod("e")
            + " AND e.version = ? AND e.platform = ? AND "
            + sql.sameAs("e.runtime")
            + " AND "
            + sql.sameAs("e.python_version")
            + " AND "
            + sql.metadataText("e")
            + " = ?";
    Set<String> installations = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(query)) {
      ps.setFetchSize(STREAMED_ROWS);
      ps.setString(1, type);
      int i = 4;
      ps.setString(i++, content.version());
      ps.setString(i++, content.platform());
      ps.setString(i++, content.runtime());
      ps.setString(i++, content.pythonVersion());
      ps.setString(i, content.metadata());
      Instant[][] parts = {{at, period.to()}, {period.from(), at}};
      for (Instant[] part : parts) {
        if (part[0].isBefore(part[1])) {
          sql.bindPeriod(ps, 2, new Period(part[0], part[1]));
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              installations.add(rs.getString(1));
              if (installations.size() >= k) {
                return true;
              }
            }
          }
        }
      }
    }
    return false;
  }

  /**
   * Draws the rest of {@code count} from the type's counted contents, weighted by events, without
   * the ones already drawn.
   */
  private void drawFromCounts(
      Connection c, String type, int count, List<Content> drawn, SplittableRandom random)
      throws SQLException {
    List<Counted> groups = countInMemory(c, type);
    if (groups == null) {
      groups = countWithSql(c, type);
    }
    groups = new ArrayList<>(groups);
    groups.removeIf(g -> drawn.contains(g.content()));
    groups.sort(Comparator.comparing(Counted::content, Content.ORDER));
    while (drawn.size() < count && !groups.isEmpty()) {
      long total = groups.stream().mapToLong(Counted::events).sum();
      long pick = (long) Math.floor(random.nextDouble() * total);
      int i = 0;
      while (pick >= groups.get(i).events()) {
        pick -= groups.get(i++).events();
      }
      drawn.add(groups.remove(i).content());
    }
  }

  /**
   * A content as one text, built by the database: version, platform, runtime, python_version and
   * metadata, separated by {@link #SEPARATOR} (JSON text escapes control characters; the other
   * columns are validated), NULL as {@link #NULL}. One column to read and one string to compare.
   */
  private String contentText() {
    String sep = sql.dialect() == Dialect.SQLITE ? "char(1)" : "chr(1)";
    String nul = sql.dialect() == Dialect.SQLITE ? "char(2)" : "chr(2)";
    return String.join(
        " || " + sep + " || ",
        "e.version",
        "e.platform",
        "coalesce(e.runtime, " + nul + ")",
        "coalesce(e.python_version, " + nul + ")",
        sql.metadataText("e"));
  }

  /**
   * The type's contents shared by k installations, counted in one pass over its events of the
   * period, a day at a time (each a short read); or null when it holds more than {@code maxGroups}
   * distinct contents, whose tallies would not fit the memory this pass may take.
   */
  private List<Counted> countInMemory(Connection c, String type) throws SQLException {
    Map<String, Tally> tallies = new HashMap<>();
    String query =
        "SELECT "
            + contentText()
            + ", e.anonymous_id FROM "
            + Sql.TABLE
            + " e WHERE e.event_type = ? AND "
            + sql.inPeriod("e");
    try (PreparedStatement ps = c.prepareStatement(query)) {
      ps.setFetchSize(5_000);
      ps.setString(1, type);
      for (Instant from = period.from(); from.isBefore(period.to()); from = from.plus(ONE_DAY)) {
        Instant to = from.plus(ONE_DAY);
        sql.bindPeriod(ps, 2, new Period(from, to.isBefore(period.to()) ? to : period.to()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String content = rs.getString(1);
            Tally t = tallies.get(content);
            if (t == null) {
              if (tallies.size() >= maxGroups) {
                return null;
              }
              t = new Tally();
              tallies.put(content, t);
            }
            t.events++;
            // Past k installations the content is shared enough: its ids are not read any more.
            if (t.ids != null) {
              t.ids.add(LongSet.hash(rs.getString(2)));
              if (t.ids.size() >= k) {
                t.ids = null;
              }
            }
          }
        }
      }
    }
    List<Counted> out = new ArrayList<>();
    tallies.forEach(
        (content, t) -> {
          if (t.ids == null) {
            String[] v = content.split(String.valueOf(SEPARATOR), 5);
            out.add(
                new Counted(
                    new Content(
                        v[0],
                        v[1],
                        v[2].equals(NULL) ? null : v[2],
                        v[3].equals(NULL) ? null : v[3],
                        v[4]),
                    t.events));
          }
        });
    return out;
  }

  /**
   * The type's contents shared by k installations, grouped by the database (which sorts on disk
   * when it must): the way for a type with too many distinct contents to count in memory.
   */
  private List<Counted> countWithSql(Connection c, String type) throws SQLException {
    String meta = sql.metadataText("e");
    String query =
        "SELECT e.version, e.platform, e.runtime, e.python_version, "
            + meta
            + " AS m, count(*) FROM "
            + Sql.TABLE
            + " e WHERE e.event_type = ? AND "
            + sql.inPeriod("e")
            + " GROUP BY e.version, e.platform, e.runtime, e.python_version, "
            + meta
            + " HAVING count(DISTINCT e.anonymous_id) >= ?";
    List<Counted> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(query)) {
      ps.setString(1, type);
      sql.bindPeriod(ps, 2, period);
      ps.setInt(4, k);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Counted(
                  new Content(
                      rs.getString(1),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getString(4),
                      rs.getString(5)),
                  rs.getLong(6)));
        }
      }
    }
    return out;
  }
}
