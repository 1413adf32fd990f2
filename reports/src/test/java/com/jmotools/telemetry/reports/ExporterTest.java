package com.jmotools.telemetry.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.collector.Dialect;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExporterTest {

  /** The guide's "Example analysis" commands, verbatim. */
  static final String COUNT_BY_TYPE = "jq -r '.event' telemetry-events.jsonl | sort | uniq -c";

  static final String PROFILES =
      "jq -r 'select(.event == \"scan.started\") | .metadata.profile' telemetry-events.jsonl | sort"
          + " | uniq -c | sort -rn";
  static final String FAILURES_BY_TOOL =
      "jq -r 'select(.event == \"tool.failed\") | .metadata.tool' telemetry-events.jsonl | sort |"
          + " uniq -c | sort -rn";
  static final String PLATFORMS = "jq -r '.platform' telemetry-events.jsonl | sort | uniq -c";
  static final String MODES =
      "jq -r 'select(.event == \"scan.started\") | .metadata.mode' telemetry-events.jsonl | sort |"
          + " uniq -c";

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void jsonlHasTheGuidesEventShapeAndOnlyThePeriod(Dialect dialect) throws IOException {
    List<JsonNode> lines;
    try (Database db = TestDatabases.open(dialect, dir)) {
      Fixtures.quarter().writeTo(db);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      long n =
          new Exporter(db.dataSource(), db.dialect())
              .export(Fixtures.Q1, Exporter.Format.JSONL, out);
      assertThat(n).isEqualTo(14);
      // One JSON object per line, from the first column: line-oriented tools (grep '^{', split,
      // a loader that reads a line as a record) see no leading space.
      assertThat(out.toString(StandardCharsets.UTF_8).lines())
          .hasSize(14)
          .allSatisfy(l -> assertThat(l).startsWith("{").endsWith("}"));
      lines =
          out.toString(StandardCharsets.UTF_8)
              .lines()
              .map(
                  l -> {
                    try {
                      return Seeder.JSON.readTree(l);
                    } catch (IOException e) {
                      throw new AssertionError(l, e);
                    }
                  })
              .toList();
    }
    assertThat(lines).hasSize(14);
    JsonNode first = lines.get(0);
    assertThat(first.get("event").asText()).isEqualTo("scan.started");
    assertThat(first.get("platform").asText()).isEqualTo("Linux");
    assertThat(first.get("version").asText()).isEqualTo("0.7.0");
    assertThat(first.get("anonymous_id").asText()).isEqualTo(Fixtures.A);
    assertThat(first.get("timestamp").asText()).isEqualTo("2026-01-05T10:00:00Z");
    assertThat(first.get("metadata").get("tools")).hasSize(2);
    assertThat(first.get("metadata").get("target_types").get("repos").asInt()).isEqualTo(1);
    assertThat(lines).allSatisfy(l -> assertThat(l.get("timestamp").asText()).startsWith("2026-0"));
    assertThat(lines).extracting(l -> l.get("timestamp").asText()).isSorted();
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void theGuidesJqCommandsRunUnchangedAndAgreeWithStats(Dialect dialect) throws Exception {
    assumeThat(Files.isExecutable(Path.of("/usr/bin/jq")))
        .as("jq is not installed (Debian package jq)")
        .isTrue();
    Stats stats;
    try (Database db = TestDatabases.open(dialect, dir)) {
      Fixtures.quarter().writeTo(db);
      try (var out = Files.newOutputStream(dir.resolve("telemetry-events.jsonl"))) {
        new Exporter(db.dataSource(), db.dialect()).export(Fixtures.Q1, Exporter.Format.JSONL, out);
      }
      stats =
          TelemetryStats.builder()
              .dataSource(db.dataSource())
              .dialect(db.dialect())
              .build()
              .compute(Fixtures.Q1);
    }
    assertThat(uniqC(run(COUNT_BY_TYPE))).isEqualTo(events(stats.eventsByType())).hasSize(5);
    assertThat(uniqC(run(PROFILES)))
        .isEqualTo(events(stats.profiles()))
        .containsEntry("balanced", 3L);
    assertThat(uniqC(run(PLATFORMS)))
        .isEqualTo(events(stats.platforms()))
        .containsEntry("Linux", 7L);
    assertThat(uniqC(run(MODES))).isEqualTo(events(stats.modes())).containsEntry("cli", 3L);
    Map<String, Long> failures =
        stats.toolFailures().stream()
            .filter(t -> t.totalFailures() > 0)
            .collect(
                Collectors.toMap(
                    ToolFailures::tool, ToolFailures::totalFailures, (a, b) -> a, TreeMap::new));
    assertThat(uniqC(run(FAILURES_BY_TOOL))).isEqualTo(failures).containsEntry("trivy", 2L);
    // sort -rn: the most frequent profile comes first.
    assertThat(run(PROFILES).get(0).trim()).isEqualTo("3 balanced");
  }

  @Test
  void csvQuotesTheMetadataAndHasAHeader() throws IOException {
    String csv;
    try (Database db = TestDatabases.open(Dialect.SQLITE, dir)) {
      Fixtures.quarter().writeTo(db);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new Exporter(db.dataSource(), db.dialect()).export(Fixtures.Q1, Exporter.Format.CSV, out);
      csv = out.toString(StandardCharsets.UTF_8);
    }
    List<String> rows = csv.lines().toList();
    assertThat(rows).hasSize(15);
    assertThat(rows.get(0)).isEqualTo(Exporter.CSV_HEADER);
    assertThat(rows.get(1))
        .contains(
            ",scan.started,0.7.0,Linux,java-17,,"
                + Fixtures.A
                + ",2026-01-05T10:00:00Z,\"{\"\"mode\"\":\"\"cli\"\"");
    assertThat(Exporter.csv("a,b")).isEqualTo("\"a,b\"");
    assertThat(Exporter.csv("say \"x\"")).isEqualTo("\"say \"\"x\"\"\"");
    assertThat(Exporter.csv(null)).isEmpty();
  }

  @Test
  void formatNamesAreCheckedWithAClearMessage() {
    assertThat(Exporter.Format.parse("JSONL")).isEqualTo(Exporter.Format.JSONL);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Exporter.Format.parse("xml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jsonl or csv");
  }

  private List<String> run(String command) throws Exception {
    Process p =
        new ProcessBuilder("bash", "-c", command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().toList();
  }

  /** Parses {@code uniq -c} output (" 3 balanced") into value to count. */
  private static Map<String, Long> uniqC(List<String> lines) {
    Map<String, Long> m = new TreeMap<>();
    for (String l : lines) {
      String t = l.trim();
      int space = t.indexOf(' ');
      m.put(t.substring(space + 1), Long.parseLong(t.substring(0, space)));
    }
    return m;
  }

  private static Map<String, Long> events(List<Cell> cells) {
    return cells.stream()
        .collect(Collectors.toMap(Cell::key, Cell::events, (a, b) -> a, TreeMap::new));
  }
}
