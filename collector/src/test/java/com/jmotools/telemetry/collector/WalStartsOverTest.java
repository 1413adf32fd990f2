package com.jmotools.telemetry.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.jmotools.telemetry.catalog.ValidatedEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer that commits without pause, with commits that never checkpoint (as {@code serve} opens
 * SQLite), still makes SQLite start its WAL over: the WAL stays bounded under sustained load.
 */
@Timeout(120)
class WalStartsOverTest {

  @TempDir Path dir;

  @Test
  void theWriterCheckpointsSoTheWalStartsOverUnderSustainedLoad() throws Exception {
    Path file = dir.resolve("busy.db");
    Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS);
    try (Database db = Database.builder(file.toString()).walAutocheckpoint(0).open()) {
      EventStore store = EventStore.of(db);
      Path wal = dir.resolve("busy.db-wal");
      long end = System.nanoTime() + 3_000_000_000L;
      int commits = 0;
      while (System.nanoTime() < end) {
        List<ValidatedEvent> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          batch.add(CollectorContractTest.event(UUID.randomUUID(), now));
        }
        assertThat(store.appendEvents(batch, now)).hasSize(50);
        commits++;
      }
      assertThat(commits).isGreaterThan(10);
      // Bytes 12-15 of the WAL header count the times SQLite started the WAL over.
      assertThat(checkpointSequence(wal)).isPositive();
      assertThat(Files.size(wal))
          .isLessThanOrEqualTo(Database.SQLITE_JOURNAL_SIZE_LIMIT_BYTES + 4L * 1024 * 1024);
    }
  }

  private static int checkpointSequence(Path wal) throws IOException {
    try (InputStream in = Files.newInputStream(wal)) {
      return ByteBuffer.wrap(in.readNBytes(16)).getInt(12);
    }
  }
}
