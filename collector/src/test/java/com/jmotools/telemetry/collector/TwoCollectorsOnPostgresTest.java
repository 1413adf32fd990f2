package com.jmotools.telemetry.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two collector processes on one PostgreSQL database, each receiving every batch (as when a
 * client retries through a load balancer): no event is lost, none stored twice, and each is
 * accepted by exactly one of them. Skipped without {@code -Djmo.test.postgres.url}.
 */
@Timeout(300)
class TwoCollectorsOnPostgresTest {

  @TempDir Path dir;
  private String url;

  @AfterEach
  void dropSchema() {
    if (url != null) {
      TestDatabases.dropPostgresSchema(url);
    }
  }

  @Test
  void twoProcessesIngestConcurrentlyWithoutLossOrDuplicates() throws Exception {
    url = TestDatabases.freshPostgresSchema(TestDatabases.postgresUrlOrSkip());
    Database.open(url).close(); // migrate once, before the two race
    Load load;
    try (CollectorProcess a = CollectorProcess.start(dir.resolve("a.log"), url, "--rate-limit", "0");
        CollectorProcess b = CollectorProcess.start(dir.resolve("b.log"), url, "--rate-limit", "0")) {
      load = new Load(List.of(a.port(), b.port()), 4);
      await().atMost(Duration.ofSeconds(120)).until(() -> load.acknowledged.size() >= 3_000);
      load.close();
      assertThat(a.terminate()).isEqualTo(143);
      assertThat(b.terminate()).isEqualTo(143);
    }
    assertThat(load.failures.get()).isZero();
    try (Database db = Database.open(url)) {
      Set<String> stored = Rows.eventIds(db);
      assertThat(Rows.count(db)).isEqualTo(stored.size());
      assertThat(stored).isEqualTo(load.sent);
      assertThat(stored).containsAll(load.acknowledged);
      // Both saw every event: exactly one of them accepted it, the other answered duplicate.
      assertThat(load.acceptedCount.get()).isEqualTo(stored.size());
      System.out.println("two collectors: " + stored.size() + " events, " + load.acceptedCount.get() + " accepted");
    }
  }
}
