package com.jmotools.telemetry.collector.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.jmotools.telemetry.catalog.EventIds;
import com.jmotools.telemetry.collector.Database;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class StoredEventIdsTest {

  static final Instant HOUR = Instant.parse("2026-11-26T14:00:00Z");

  @TempDir Path dir;

  @Test
  void theStoredIdIsAVersion7IdOfTheHourAndTheSameForTheSameSentId() {
    StoredEventIds ids = new StoredEventIds(new byte[32]);
    UUID sent = UUID.fromString("c0a80164-616c-6963-6540-6578616d706c");
    UUID stored = ids.derive(sent, HOUR);
    assertThat(stored).isNotEqualTo(sent).isEqualTo(ids.derive(sent, HOUR));
    assertThat(stored.version()).isEqualTo(7);
    assertThat(stored.variant()).isEqualTo(2);
    assertThat(EventIds.hourOf(stored)).isEqualTo(HOUR);
    assertThat(ids.derive(UUID.randomUUID(), HOUR)).isNotEqualTo(stored);
  }

  @Test
  void theStoredAnonymousIdIsAVersion4IdOfTheKeyedHashAndTheSameForTheSameSentId() {
    StoredEventIds ids = new StoredEventIds(new byte[32]);
    UUID sent = UUID.fromString("c0a80164-616c-4963-a540-6578616d706c");
    UUID stored = ids.anonymousId(sent);
    assertThat(stored).isNotEqualTo(sent).isEqualTo(ids.anonymousId(sent));
    assertThat(stored.version()).isEqualTo(4);
    assertThat(stored.variant()).isEqualTo(2);
    assertThat(stored.toString().replace("-", "")).doesNotContain("c0a80164", "6578616d706c");
    assertThat(ids.anonymousId(sent.toString().toUpperCase(java.util.Locale.ROOT)))
        .as("an id in upper case, as a D1 export may hold it")
        .isEqualTo(stored);
    assertThat(ids.anonymousId(UUID.randomUUID())).isNotEqualTo(stored);
    byte[] other = new byte[32];
    other[0] = 1;
    assertThat(new StoredEventIds(other).anonymousId(sent)).isNotEqualTo(stored);
  }

  @Test
  void anotherKeyGivesAnotherId() {
    UUID sent = UUID.randomUUID();
    byte[] other = new byte[32];
    other[0] = 1;
    assertThat(new StoredEventIds(new byte[32]).derive(sent, HOUR))
        .isNotEqualTo(new StoredEventIds(other).derive(sent, HOUR));
  }

  @Test
  void theKeyIsMadeOnceAndKeptInTheDatabase() {
    String location = dir.resolve("key.db").toString();
    UUID sent = UUID.randomUUID();
    UUID first;
    try (Database db = Database.open(location)) {
      first = StoredEventIds.of(db).derive(sent, HOUR);
      assertThat(StoredEventIds.of(db).derive(sent, HOUR)).isEqualTo(first);
    }
    try (Database db = Database.open(location)) {
      assertThat(StoredEventIds.of(db).derive(sent, HOUR)).as("after a restart").isEqualTo(first);
    }
    try (Database db = Database.open(dir.resolve("other.db").toString())) {
      assertThat(StoredEventIds.of(db).derive(sent, HOUR))
          .as("another database")
          .isNotEqualTo(first);
    }
  }
}
