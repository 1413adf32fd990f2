package com.jmotools.telemetry.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under load, the collector (a JVM of its own, on SQLite with durable acknowledgements) is killed
 * with SIGKILL and restarted: every event whose request was acknowledged is in the database.
 */
@Timeout(300)
class CrashTest {

  @TempDir Path dir;

  @Test
  void everyAcknowledgedEventSurvivesSigkill() throws Exception {
    String db = dir.resolve("crash.db").toString();
    Set<String> acknowledged;
    Load load;
    try (CollectorProcess collector =
        CollectorProcess.start(dir.resolve("run1.log"), db, "--rate-limit", "0")) {
      load = new Load(List.of(collector.port()), 6);
      await().atMost(Duration.ofSeconds(120)).until(() -> load.acknowledged.size() >= 3_000);
      collector.kill(); // SIGKILL in the middle of the load
    }
    load.close();
    acknowledged = Set.copyOf(load.acknowledged);
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(3_000);

    // Restart on the same file: it recovers and serves again.
    try (CollectorProcess again =
        CollectorProcess.start(dir.resolve("run2.log"), db, "--rate-limit", "0")) {
      Http http = new Http(again.port());
      assertThat(http.post("/", TestEvents.scanCompleted(Instant.now()).toString()).body())
          .isEqualTo("OK");
      // Clients whose answers were lost in the crash send everything again: what was
      // acknowledged before is a duplicate now (the restarted collector knows its ids), and
      // nothing is stored twice (checked below).
      List<ObjectNode> resend = List.copyOf(load.sentEvents);
      for (int from = 0; from < resend.size(); from += 100) {
        List<ObjectNode> batch = resend.subList(from, Math.min(resend.size(), from + 100));
        JsonNode answer =
            TestEvents.JSON.readTree(http.post("/v1/events", TestEvents.array(batch)).body());
        for (JsonNode r : answer.get("results")) {
          String id = r.get("event_id").asText();
          assertThat(r.get("status").asText()).as(id).isIn("accepted", "duplicate");
          if (acknowledged.contains(id)) {
            assertThat(r.get("status").asText()).as(id).isEqualTo("duplicate");
          }
        }
      }
      // SIGTERM: the JVM's conventional exit status 143 after a clean stop.
      assertThat(again.terminate()).isEqualTo(143);
      assertThat(CollectorProcess.readLog(again.log())).contains("stopped");
    }
    try (Database database = Database.open(db)) {
      Set<String> stored = Rows.eventIds(database);
      assertThat(stored).containsAll(acknowledged);
      // Nothing was stored that was not sent, and nothing twice.
      assertThat(Rows.count(database)).isEqualTo(stored.size());
      assertThat(stored.size() - 1)
          .isEqualTo(load.sent.size()); // every event sent, once, and the one above
      System.out.println(
          "crash: "
              + acknowledged.size()
              + " acknowledged, "
              + stored.size()
              + " stored, "
              + load.failures.get()
              + " requests failed");
    }
  }

  @Test
  void sigtermUnderLoadStopsCleanlyWithEveryAcknowledgedEventStored() throws Exception {
    String db = dir.resolve("term.db").toString();
    Load load;
    try (CollectorProcess collector =
        CollectorProcess.start(dir.resolve("term.log"), db, "--rate-limit", "0")) {
      load = new Load(List.of(collector.port()), 6);
      await().atMost(Duration.ofSeconds(120)).until(() -> load.acknowledged.size() >= 1_000);
      assertThat(collector.terminate()).isEqualTo(143);
      assertThat(CollectorProcess.readLog(collector.log()))
          .contains("stopping: committing queued events")
          .contains("stopped");
    }
    load.close();
    try (Database database = Database.open(db)) {
      assertThat(Rows.eventIds(database)).containsAll(load.acknowledged);
    }
  }
}
