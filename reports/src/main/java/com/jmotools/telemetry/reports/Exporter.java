package com.jmotools.telemetry.reports;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.jmotools.telemetry.collector.DatabaseException;
import com.jmotools.telemetry.collector.Dialect;
import com.jmotools.telemetry.reports.internal.Sql;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Streams the stored events of a period, oldest first, as JSONL in the guide's event shape (so the
 * guide's {@code jq} analyses run on it unchanged) or as CSV. Rows are read with a cursor, so
 * memory use does not grow with the number of events.
 */
public final class Exporter {

  /** Rows fetched per round trip on PostgreSQL: {@value}. */
  public static final int DEFAULT_FETCH_SIZE = 5_000;

  /** The CSV header; {@code metadata} holds the event's metadata as JSON. */
  public static final String CSV_HEADER =
      "event_id,event,version,platform,runtime,python_version,anonymous_id,timestamp,metadata";

  /** The export formats. */
  public enum Format {
    /** One JSON object per line, the guide's event shape. */
    JSONL,
    /** RFC 4180 CSV with a header line. */
    CSV;

    /**
     * The format of that name, in any case.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Format parse(String name) {
      for (Format f : values()) {
        if (f.name().equalsIgnoreCase(name.trim())) {
          return f;
        }
      }
      throw new IllegalArgumentException("unknown export format (use jsonl or csv): " + name);
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final DataSource dataSource;
  private final Sql sql;

  /** An exporter reading {@code dataSource}, written in {@code dialect}. */
  public Exporter(DataSource dataSource, Dialect dialect) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.sql = new Sql(Objects.requireNonNull(dialect, "dialect"));
  }

  /**
   * Writes the events of {@code period} to {@code out} in {@code format}; does not close {@code
   * out}.
   *
   * @return how many events were written
   * @throws DatabaseException if the database cannot be read
   * @throws UncheckedIOException if {@code out} cannot be written
   */
  public long export(Period period, Format format, OutputStream out) {
    String query =
        "SELECT e.event_id, e.event_type, e.version, e.platform, e.runtime, e.python_version,"
            + " e.anonymous_id, "
            + sql.timeText("e")
            + ", "
            + sql.metadataText("e")
            + " FROM "
            + Sql.TABLE
            + " e WHERE "
            + sql.inPeriod("e")
            + " ORDER BY e.\"timestamp\", e.id";
    long n = 0;
    try (Connection c = dataSource.getConnection()) {
      boolean auto = c.getAutoCommit();
      if (sql.dialect() == Dialect.POSTGRESQL) {
        c.setAutoCommit(false); // PostgreSQL only streams with a cursor inside a transaction
      }
      try (PreparedStatement ps = c.prepareStatement(query)) {
        ps.setFetchSize(DEFAULT_FETCH_SIZE);
        sql.bindPeriod(ps, 1, period);
        try (ResultSet rs = ps.executeQuery()) {
          n = format == Format.JSONL ? writeJsonl(rs, out) : writeCsv(rs, out);
        }
      } finally {
        if (sql.dialect() == Dialect.POSTGRESQL) {
          c.rollback();
          c.setAutoCommit(auto);
        }
      }
    } catch (SQLException e) {
      throw new DatabaseException("cannot export the events of " + period.label(), e);
    }
    return n;
  }

  private static long writeJsonl(ResultSet rs, OutputStream out) throws SQLException {
    long n = 0;
    try (JsonGenerator g =
        new JsonFactory()
            // Each object ends its own line: no root separator (Jackson's default is a space).
            .setRootValueSeparator(null)
            .createGenerator(out)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
      while (rs.next()) {
        g.writeStartObject();
        g.writeStringField("event", rs.getString(2));
        g.writeStringField("version", rs.getString(3));
        g.writeStringField("platform", rs.getString(4));
        writeIfPresent(g, "runtime", rs.getString(5));
        writeIfPresent(g, "python_version", rs.getString(6));
        g.writeStringField("anonymous_id", rs.getString(7));
        writeIfPresent(g, "event_id", rs.getString(1));
        g.writeStringField("timestamp", rs.getString(8));
        g.writeFieldName("metadata");
        g.writeRawValue(rs.getString(9)); // validated JSON, written by the collector
        g.writeEndObject();
        g.writeRaw('\n');
        n++;
      }
      g.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the export", e);
    }
    return n;
  }

  private static void writeIfPresent(JsonGenerator g, String name, String value)
      throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  private static long writeCsv(ResultSet rs, OutputStream out) throws SQLException {
    long n = 0;
    try {
      Writer w =
          new java.io.BufferedWriter(
              new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8),
              1 << 16);
      w.write(CSV_HEADER);
      w.write("\r\n");
      while (rs.next()) {
        w.write(csv(rs.getString(1)));
        for (int i : new int[] {2, 3, 4, 5, 6, 7, 8, 9}) {
          w.write(',');
          w.write(csv(rs.getString(i)));
        }
        w.write("\r\n");
        n++;
      }
      w.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the export", e);
    }
    return n;
  }

  /**
   * One CSV field: quoted when it holds a comma, quote, or line break (RFC 4180); empty for null.
   */
  static String csv(String value) {
    if (value == null) {
      return "";
    }
    if (value.indexOf(',') < 0
        && value.indexOf('"') < 0
        && value.indexOf('\n') < 0
        && value.indexOf('\r') < 0) {
      return value;
    }
    return '"' + value.replace("\"", "\"\"") + '"';
  }
}
