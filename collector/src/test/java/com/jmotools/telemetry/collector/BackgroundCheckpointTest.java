package com.jmotools.telemetry.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With commits that never checkpoint (as {@code serve} opens SQLite), the server checkpoints in the
 * background.
 */
@Timeout(120)
class BackgroundCheckpointTest {

  @TempDir Path dir;

  @Test
  void committedPagesReachTheDatabaseFileWithoutCommitsCheckpointing() throws Exception {
    Path file = dir.resolve("wal.db");
    try (Database db = Database.builder(file.toString()).walAutocheckpoint(0).open();
        CollectorServer server =
            CollectorServer.builder(db)
                .port(0)
                .host("127.0.0.1")
                .rateLimit(0, 1)
                .purgeInterval(Duration.ZERO)
                .build()
                .start()) {
      assertThat(Rows.query(db, "PRAGMA wal_autocheckpoint", r -> r.getInt(1))).containsOnly(0);
      long before = Files.size(file);
      Http http = new Http(server.port());
      for (int i = 0; i < 20; i++) {
        List<ObjectNode> batch = new ArrayList<>();
        for (int j = 0; j < 100; j++) {
          batch.add(TestEvents.scanCompleted(Instant.now()));
        }
        assertThat(http.post("/v1/events", TestEvents.array(batch)).statusCode()).isEqualTo(200);
      }
      // The rows live in the WAL until a checkpoint copies them into the file itself.
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.size(file) > before + 100 * 1024);
      assertThat(Rows.count(db)).isEqualTo(2000);
    }
  }
}
