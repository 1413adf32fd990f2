package com.jmotools.telemetry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jmotools.telemetry.collector.Database;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The stats, export and report commands end to end on a SQLite file. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JmoTelemetryTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-02-15T10:30:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;
  Path db;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void seed() throws Exception {
    db = dir.resolve("t.db");
    try (Database d = Database.open(db.toString());
        Connection c = d.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO events (event_id, event_type, version, platform, anonymous_id, "
                    + "metadata, \"timestamp\", received_at) VALUES (?,"
                    + " ?, '0.7.0', ?, ?, ?, ?, ?)")) {
      String[][] rows = {
        {
          "scan.started",
          "Linux",
          "{\"mode\":\"cli\",\"profile\":\"fast\",\"tools\""
              + ":[\"trivy\"],\"target_types\":{\"repos\":1,\"images\":0,\"urls\":0,\"iac\":0,"
              + "\"gitlab\":0,\"k8s\":0}}",
          "2026-02-10T09:00:00Z"
        },
        {
          "tool.failed",
          "Linux",
          "{\"tool\":\"trivy\",\"failure_type\":\"timeout\""
              + ",\"exit_code\":null,\"profile\":\"fast\"}",
          "2026-02-10T09:00:00Z"
        },
        {
          "scan.started",
          "macOS",
          "{\"mode\":\"wizard\",\"profile\":\"deep\",\"tools\":[\"trivy\",\"zap\"],"
              + "\"target_types\":{\"repos\":1,\"images\":0,\"urls\":0,\"iac\":0,\"gitlab"
              + "\":0,\"k8s\":0}}",
          "2026-01-20T09:00:00Z"
        },
        {
          "scan.started",
          "macOS",
          "{\"mode\":\"cli\",\"profile\":\"deep\",\"tools\""
              + ":[\"zap\"],\"target_types\":{\"repos\":1,\"images\":0,\"urls\":0,\"iac\":0,"
              + "\"gitlab\":0,\"k8s\":0}}",
          "2025-12-20T09:00:00Z"
        },
      };
      int i = 0;
      for (String[] r : rows) {
        ps.setString(1, "0190" + String.format("%04d", i) + "-0000-7000-8000-00000000000" + i);
        ps.setString(2, r[0]);
        ps.setString(3, r[1]);
        ps.setString(
            4,
            r[1].equals("Linux")
                ? "aaaaaaaa-0000-4000-8000-000000000001"
                : "bbbbbbbb-0000-4000-8000-000000000002");
        ps.setString(5, r[2]);
        ps.setString(6, r[3]);
        ps.setString(7, r[3]);
        ps.executeUpdate();
        i++;
      }
    }
  }

  private int run(String... args) {
    return JmoTelemetry.commandLine(CLOCK, out, new PrintWriter(err, true)).execute(args);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void statsDefaultsToTheLast30DaysAndPrintsJson() throws Exception {
    assertThat(run("stats", "--db", db.toString(), "--format", "json")).isEqualTo(0);
    JsonNode j = new ObjectMapper().readTree(stdout());
    // 2026-01-16T11:00Z to 2026-02-15T11:00Z: the events of 2026-01-20 and 2026-02-10.
    assertThat(j.get("period").get("from").asText()).isEqualTo("2026-01-16T11:00:00Z");
    assertThat(j.get("total_events").asLong()).isEqualTo(3);
    assertThat(j.get("tool_failures").get(0).get("tool").asText()).isEqualTo("trivy");
    assertThat(j.get("tool_failures").get(0).get("failure_rate").asDouble()).isEqualTo(0.5);
  }

  /**
   * Rows loaded from a D1 export as OPERATIONS says (its own ids, no event_id, the guide client's
   * exact offset-less times, an exact created_at, Darwin): statistics and export read them by the
   * hour at once, and {@code purge} rewrites them in the collector's form.
   */
  @Test
  void aLoadedD1ExportIsReadByTheHourAndPurgeStoresItAsTheCollectorWould() throws Exception {
    try (Database d = Database.open(db.toString());
        Connection c = d.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO events (id, event_type, version, platform, python_version,"
                    + " anonymous_id, metadata, \"timestamp\", created_at) VALUES (?,"
                    + " 'scan.started', '0.7.0', ?, '3.11', 'cccccccc-0000-4000-8000-000000000003',"
                    + " ?, ?, ?)")) {
      String[][] d1 = {
        {"1000", "Darwin", "2026-02-11T14:32:07.123456", "2026-02-11 14:32:07"},
        {"1001", "FreeBSD", "2026-02-11 15:05:59", "2026-02-11 15:06:00"},
      };
      for (String[] r : d1) {
        ps.setLong(1, Long.parseLong(r[0]));
        ps.setString(2, r[1]);
        ps.setString(
            3,
            "{\"mode\":\"cli\",\"profile\":\"fast\",\"tools\":[\"trivy\"],\"target_types\":"
                + "{\"repos\":1,\"images\":0,\"urls\":0,\"iac\":0,\"gitlab\":0,\"k8s\":0}}");
        ps.setString(4, r[2]);
        ps.setString(5, r[3]);
        ps.executeUpdate();
      }
    }
    String[] feb11 = {"--db", db.toString(), "--from", "2026-02-11", "--to", "2026-02-12"};
    // Read by the hour before any cleaning: export shows no exact time. (The row with a space
    // before the hour sorts before the day's first hour as text: only purge puts it in its day.)
    assertThat(run(concat("export", feb11))).isEqualTo(0);
    assertThat(stdout()).contains("\"timestamp\":\"2026-02-11T14:00:00Z\"").doesNotContain("14:32");
    out.reset();
    assertThat(run(concat("stats", feb11))).isEqualTo(0); // rolls 2026-02-11 up with Darwin
    assertThat(stdout()).contains("Darwin");
    out.reset();

    assertThat(run("purge", "--db", db.toString(), "--retention-days", "400")).isEqualTo(0);
    assertThat(stdout()).contains("cleaned 2 imported rows");
    try (Database d = Database.open(db.toString());
        Connection c = d.dataSource().getConnection();
        var st = c.createStatement();
        var rs =
            st.executeQuery(
                "SELECT id, platform, \"timestamp\", created_at, anonymous_id FROM events"
                    + " WHERE id >= 1000 ORDER BY id")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isGreaterThan(1001); // new ids: the rollup sees the day change
      assertThat(rs.getString(2)).isEqualTo("macOS");
      assertThat(rs.getString(3)).isEqualTo("2026-02-11T14:00:00Z");
      assertThat(rs.getString(4)).isNull();
      String keyed = rs.getString(5);
      assertThat(keyed)
          .as("stored keyed, as the collector stores every id")
          .isNotEqualTo("cccccccc-0000-4000-8000-000000000003");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(5)).as("one installation, one keyed id").isEqualTo(keyed);
      assertThat(rs.getString(2)).isEqualTo("Other");
      assertThat(rs.getString(3)).isEqualTo("2026-02-11T15:00:00Z");
      assertThat(rs.getString(4)).isNull();
      assertThat(rs.next()).isFalse();
    }
    out.reset();
    assertThat(run(concat("stats", feb11))).isEqualTo(0);
    assertThat(stdout()).contains("macOS", "Other").doesNotContain("Darwin", "FreeBSD");
    // A second purge has nothing left to clean.
    out.reset();
    assertThat(run("purge", "--db", db.toString(), "--retention-days", "400")).isEqualTo(0);
    assertThat(stdout()).contains("cleaned 0 imported rows");
  }

  private static String[] concat(String first, String... rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  @Test
  void statsPrintsTablesForAGivenPeriod() {
    assertThat(run("stats", "--db", db.toString(), "--from", "2025-12-01", "--to", "2026-03-01"))
        .isEqualTo(0);
    assertThat(stdout())
        .contains(
            "Events: 4   Unique installs: 2   Scans: 3",
            "Profiles (scan.started)",
            "deep",
            "trivy",
            "Unique installs per month",
            "2025-12");
  }

  @Test
  void exportWritesJsonlAndCsvFiles() throws Exception {
    Path jsonl = dir.resolve("e.jsonl");
    assertThat(
            run(
                "export",
                "--db",
                db.toString(),
                "--from",
                "2025-01-01",
                "--to",
                "2027-01-01",
                "-o",
                jsonl.toString()))
        .isEqualTo(0);
    assertThat(Files.readAllLines(jsonl))
        .hasSize(4)
        .first()
        .asString()
        .startsWith("{\"event\":\"scan.started\"");
    assertThat(err.toString()).contains("exported 4 events");
    out.reset();
    assertThat(run("export", "--db", db.toString(), "--format", "csv", "--from", "2026-02-01"))
        .isEqualTo(0);
    assertThat(stdout().lines())
        .hasSize(3)
        .first()
        .isEqualTo(com.jmotools.telemetry.reports.Exporter.CSV_HEADER);
  }

  @Test
  void aFailedExportSaysWhyInOneLineAndLeavesNoCopyOfTheEvents() throws Exception {
    Path target = Files.createDirectory(dir.resolve("exports"));
    assertThat(
            run("export", "--db", db.toString(), "--from", "2025-01-01", "-o", target.toString()))
        .isEqualTo(1);
    assertThat(err.toString().trim())
        .isEqualTo("jmo-telemetry export: cannot write " + target + ": it is a directory");
    Path missing = dir.resolve("nonexistent").resolve("e.jsonl");
    err.getBuffer().setLength(0);
    assertThat(
            run("export", "--db", db.toString(), "--from", "2025-01-01", "-o", missing.toString()))
        .isEqualTo(1);
    assertThat(err.toString().trim())
        .isEqualTo(
            "jmo-telemetry export: cannot write "
                + missing
                + ": no such directory "
                + missing.getParent());
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary export left behind")
          .noneMatch(n -> n.contains(".export-"));
    }
    assertThat(target).isEmptyDirectory();
  }

  @Test
  void anExportDeletesTheTemporaryFileAKilledExportToTheSameFileLeft() throws Exception {
    Path target = dir.resolve("e.jsonl");
    Path killed = Files.writeString(dir.resolve(".e.jsonl.export-123.tmp"), "{\"event\":1}\n");
    Path running = Files.writeString(dir.resolve(".e.jsonl.export-456.tmp"), "");
    Path otherTarget = Files.writeString(dir.resolve(".f.jsonl.export-789.tmp"), "");
    Files.setLastModifiedTime(
        killed, java.nio.file.attribute.FileTime.from(CLOCK.instant().minusSeconds(7200)));
    Files.setLastModifiedTime(
        otherTarget, java.nio.file.attribute.FileTime.from(CLOCK.instant().minusSeconds(7200)));
    Files.setLastModifiedTime(
        running, java.nio.file.attribute.FileTime.from(CLOCK.instant().minusSeconds(60)));
    assertThat(
            run("export", "--db", db.toString(), "--from", "2025-01-01", "-o", target.toString()))
        .isEqualTo(0);
    assertThat(killed).as("a killed export's copy of the events, hours old").doesNotExist();
    assertThat(running).as("an export in progress to the same file keeps its own").exists();
    assertThat(otherTarget).as("another file's export is not this one's to judge").exists();
    assertThat(Files.readAllLines(target)).hasSize(4);
  }

  @Test
  void reportWritesItsFiles() {
    Path outDir = dir.resolve("report");
    assertThat(
            run(
                "report",
                "--db",
                db.toString(),
                "--quarter",
                "2026Q1",
                "--k",
                "1",
                "--out",
                outDir.toString()))
        .isEqualTo(0);
    assertThat(outDir.resolve("transparency-2026q1.md")).exists();
    assertThat(outDir.resolve("transparency-2026q1.html")).exists();
    assertThat(outDir.resolve("transparency-2026q1.json")).exists();
    assertThat(outDir.resolve("sample-events-2026q1.json")).exists();
    assertThat(outDir.resolve("charts/2026q1-modes.png")).exists();
    assertThat(stdout()).contains("0 cells suppressed (k=1)");
  }

  @Test
  void reportRefusesAQuarterThatHasNotStarted() {
    Path outDir = dir.resolve("future");
    assertThat(
            run("report", "--db", db.toString(), "--quarter", "2099Q1", "--out", outDir.toString()))
        .isEqualTo(1);
    assertThat(err.toString().trim())
        .isEqualTo(
            "jmo-telemetry report: Q1 2099 has not started ye" + "t: there is nothing to report");
    assertThat(outDir).doesNotExist();
  }

  @Test
  void errorsAreOneLineWithAnExitCode() {
    assertThat(run("stats", "--db", dir.resolve("missing.db").toString())).isEqualTo(1);
    assertThat(err.toString().trim())
        .startsWith("jmo-telemetry stats: no such database file")
        .doesNotContain("\n", "Exception");
    assertThat(Files.exists(dir.resolve("missing.db"))).isFalse();
    assertThat(run("stats", "--db", db.toString(), "--format", "xml")).isEqualTo(2);
  }

  /** The last line of standard error, after a fresh run. */
  private String errorOf(int expectedExit, String... args) {
    err.getBuffer().setLength(0);
    assertThat(run(args)).as(String.join(" ", args)).isEqualTo(expectedExit);
    String e = err.toString().trim();
    assertThat(e).as("one line").doesNotContain("\n", "Exception");
    return e;
  }

  @Test
  void aWrongCommandLineExits2WithAClearMessageAndWritesNothing() {
    String d = db.toString();
    Path outDir = dir.resolve("report");
    String o = outDir.toString();
    assertThat(errorOf(2, "report", "--db", d, "--quarter", "2026Q9", "--out", o))
        .isEqualTo(
            "jmo-telemetry report: --quarter: not a quarter (expected like 2026Q1): 2026Q9"
                + " (see jmo-telemetry report --help)");
    assertThat(errorOf(2, "report", "--db", d, "--quarter", "0000Q1", "--out", o))
        .startsWith(
            "jmo-telemetry report: --quarter: not a quarter (expected like 2026Q1, a year from 2000"
                + " to 9999): 0000Q1");
    assertThat(errorOf(2, "report", "--db", d, "--quarter", "2026Q1", "--k", "0", "--out", o))
        .startsWith("jmo-telemetry report: --k must be at least 1: 0");
    assertThat(
            errorOf(
                2, "report", "--db", d, "--quarter", "2026Q1", "--retention-days", "0", "--out", o))
        .startsWith("jmo-telemetry report: --retention-days must be at least 1: 0");
    assertThat(outDir).doesNotExist();
    assertThat(errorOf(2, "stats", "--db", d, "--from", "2026-13-01"))
        .startsWith(
            "jmo-telemetry stats: --from: not a date or an ISO-8601 time: 2026-13-01 (expected"
                + " like 2026-01-31 or 2026-01-31T10:00:00Z)");
    assertThat(errorOf(2, "stats", "--db", d, "--from", "2026-03-01", "--to", "2026-02-01"))
        .startsWith("jmo-telemetry stats: period is empty");
    assertThat(errorOf(2, "export", "--db", d, "--to", "yesterday"))
        .startsWith("jmo-telemetry export: --to: not a date");
    assertThat(errorOf(2, "export", "--db", d, "--format", "xml"))
        .startsWith(
            "jmo-telemetry export: --format: unknown export format (use jsonl or csv): xml");
    assertThat(stdout()).isEmpty();
  }

  @Test
  void theReportStatesTheRetentionItIsGiven() throws Exception {
    Path outDir = dir.resolve("report");
    String[] args = {
      "report", "--db", db.toString(), "--quarter", "2026Q1", "--k", "1", "--out", outDir.toString()
    };
    assertThat(run(args)).isEqualTo(0);
    Path md = outDir.resolve("transparency-2026q1.md");
    assertThat(Files.readString(md))
        .contains(
            "rows older than 400 days are purged", "stored events are deleted after 400 days");
    String[] ninety = java.util.Arrays.copyOf(args, args.length + 2);
    ninety[args.length] = "--retention-days";
    ninety[args.length + 1] = "90";
    assertThat(run(ninety)).isEqualTo(0);
    assertThat(Files.readString(md))
        .contains("rows older than 90 days are purged", "stored events are deleted after 90 days")
        .doesNotContain("400 days");
    assertThat(Files.readString(outDir.resolve("transparency-2026q1.json")))
        .contains("\"retention_days\" : 90");
  }

  @Test
  void statsOverCenturiesAnswersAndABoundOutOfRangeIsAOneLineError() throws Exception {
    assertThat(
            run(
                "stats",
                "--db",
                db.toString(),
                "--from",
                "2000-01-01",
                "--to",
                "9999-12-31",
                "--format",
                "json"))
        .isEqualTo(0);
    assertThat(new ObjectMapper().readTree(stdout()).get("total_events").asLong()).isEqualTo(4);
    // a wrong command line: exit 2, one line that names the bound
    assertThat(run("stats", "--db", db.toString(), "--to", "+12000-01-01T00:00:00Z")).isEqualTo(2);
    assertThat(err.toString().trim())
        .doesNotContain("\n")
        .startsWith("jmo-telemetry stats: ")
        .contains("out of range (1970-01-01 to 10000-01-01)")
        .contains("+12000-01-01T00:00:00Z");
  }

  @Test
  void theCollectorsCommandsAreThereToo() {
    assertThat(run("serve", "--help")).isEqualTo(0);
    assertThat(run("purge", "--help")).isEqualTo(0);
  }
}
