package com.jmotools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jmotools.telemetry.collector.CollectorServer;
import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.testing.RecordingCollector;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only our collector's per-event answer may drop an event. The real {@code jmo} first talks to
 * something on the way that is not a collector (a proxy's 404 and 407, a captive portal's HTML 200,
 * an empty 200, a redirect): every event stays queued and {@code show} says so. Then it reaches the
 * real collector, which then answers at the same address (events go only to the collector they were
 * recorded for): every event arrives exactly once, and {@code show} lists them as delivered.
 */
@Timeout(180)
class StrangerAnswersEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private RecordingCollector stranger;
  private Database database;
  private CollectorServer server;
  private CliFixture f;

  @BeforeEach
  void setUp() {
    stranger = RecordingCollector.start();
    database = Database.open(tmp.resolve("collector.db").toString());
    f = new CliFixture(tmp.resolve("cli")).endpoint(stranger.baseUrl());
    FakeTools.semgrepFinds(f, 1);
    f.repo("app");
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    database.close();
    stranger.close();
  }

  private List<String> storedEventIds() throws Exception {
    List<String> ids = new ArrayList<>();
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT event_id FROM events")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  /** The event ids under one heading of {@code jmo telemetry show}. */
  private List<String> shown(String heading) throws Exception {
    List<String> ids = new ArrayList<>();
    boolean in = false;
    for (String line : f.jmo("telemetry", "show").out().split("\n")) {
      if (line.startsWith("#")) {
        in = line.startsWith(heading);
      } else if (in && !line.isBlank()) {
        JsonNode event = JSON.readTree(line);
        ids.add(
            event.has("event") && event.get("event").isObject()
                ? event.path("event").path("event_id").asText()
                : event.path("event_id").asText());
      }
    }
    return ids;
  }

  @Test
  void aStrangersAnswerKeepsEveryEventAndTheRealCollectorGetsEachExactlyOnce() throws Exception {
    assertThat(f.jmo("telemetry", "enable").code()).isZero();
    stranger.mode(RecordingCollector.Mode.PROXY_NOT_FOUND);
    CliFixture.Run scan = f.jmo("scan", "--repo", "app", "--tools", "semgrep");
    assertThat(scan.code()).as(scan.toString()).isZero();

    int attempts = 0;
    for (RecordingCollector.Mode mode :
        List.of(
            RecordingCollector.Mode.PROXY_NOT_FOUND,
            RecordingCollector.Mode.PROXY_AUTHENTICATION,
            RecordingCollector.Mode.CAPTIVE_PORTAL,
            RecordingCollector.Mode.EMPTY_OK,
            RecordingCollector.Mode.REDIRECT,
            RecordingCollector.Mode.FOREIGN_JSON)) {
      stranger.mode(mode);
      int before = stranger.requests();
      CliFixture.Run flush = f.jmo("telemetry", "flush", "--wait", "5");
      assertThat(stranger.requests()).as(mode + " was asked").isGreaterThan(before);
      assertThat(flush.code()).as(mode + ": " + flush).isEqualTo(5);
      assertThat(flush.out())
          .as(mode.toString())
          .contains("delivered 0, rejected 0, dropped 0, still waiting 2")
          .contains("the events stay queued")
          .doesNotContain("Exception");
      assertThat(shown("# waiting")).as(mode.toString()).hasSize(2);
      assertThat(shown("# delivered")).as(mode.toString()).isEmpty();
      attempts++;
    }
    assertThat(attempts).isEqualTo(6);
    List<String> waiting = shown("# waiting");

    // a second scan while the stranger still answers, then the real collector
    CliFixture.Run again = f.jmo("scan", "--repo", "app", "--tools", "semgrep");
    assertThat(again.code()).isZero();
    // the way to the collector is clear now: the real one answers at the same address
    int port = stranger.port();
    stranger.close();
    server =
        CollectorServer.builder(database)
            .host("127.0.0.1")
            .port(port)
            .purgeInterval(Duration.ZERO)
            .build()
            .start();
    CliFixture.Run flush = f.jmo("telemetry", "flush", "--wait", "30");
    assertThat(flush.code()).as(flush.toString()).isZero();
    assertThat(flush.out())
        .as(flush.toString())
        .contains("delivered 4, rejected 0, dropped 0, still waiting 0");

    List<String> stored = storedEventIds();
    assertThat(stored).hasSize(4).doesNotHaveDuplicates();
    List<String> delivered = shown("# delivered");
    assertThat(delivered).hasSize(4).doesNotHaveDuplicates().containsAll(waiting);
    // The collector stores an id derived from each sent one, never the sent one itself.
    assertThat(stored).doesNotContainAnyElementsOf(delivered);
    assertThat(shown("# waiting")).isEmpty();
    assertThat(shown("# rejected")).isEmpty();
    // nothing more arrives later: a flush finds nothing left to send
    assertThat(f.jmo("telemetry", "flush").out()).contains("delivered 0");
    assertThat(new HashSet<>(storedEventIds())).isEqualTo(Set.copyOf(stored));
    assertThat(storedEventIds()).hasSize(4);
  }
}
