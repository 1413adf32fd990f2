package com.jmotools.telemetry.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jmotools.telemetry.catalog.ValidatedEvent;
import com.jmotools.telemetry.collector.EventStore.Outcome;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class EventStoreTest {

  static final Instant NOW = Instant.parse("2026-11-26T14:00:00Z");

  @TempDir Path dir;

  @Test
  void sqlite() {
    check(dir.resolve("store.db").toString());
  }

  @Test
  void postgres() {
    String url = TestDatabases.freshPostgresSchema(TestDatabases.postgresUrlOrSkip());
    try {
      check(url);
    } finally {
      TestDatabases.dropPostgresSchema(url);
    }
  }

  private void check(String location) {
    try (Database one = Database.open(location);
        Database two = Database.open(location)) {
      EventStore a = EventStore.of(one);
      EventStore b = EventStore.of(two); // as if in another process

      // Many rows across statement chunks, with duplicates of earlier rows at chunk boundaries.
      UUID id = UUID.randomUUID();
      List<ValidatedEvent> batch = new ArrayList<>();
      for (int i = 0; i < 123; i++) {
        batch.add(CollectorContractTest.event(id, NOW));
      }
      batch.add(49, batch.get(0));
      batch.add(batch.get(60));
      List<Outcome> outcomes = a.appendEvents(batch, NOW);
      assertThat(outcomes).hasSize(125);
      assertThat(outcomes.stream().filter(o -> o == Outcome.ACCEPTED)).hasSize(123);
      assertThat(outcomes.get(49)).isEqualTo(Outcome.DUPLICATE);
      assertThat(outcomes.get(124)).isEqualTo(Outcome.DUPLICATE);
      assertThat(b.appendEvents(batch.subList(0, 3), NOW)).containsOnly(Outcome.DUPLICATE);

      // Erasures by the other store are seen at once, also once a cache of them exists.
      UUID x = UUID.randomUUID();
      UUID y = UUID.randomUUID();
      a.appendEvents(List.of(CollectorContractTest.event(x, NOW)), NOW);
      assertThat(b.erase(x, NOW)).isEqualTo(1);
      assertThat(
              a.appendEvents(
                  List.of(CollectorContractTest.event(x, NOW), CollectorContractTest.event(y, NOW)),
                  NOW))
          .containsExactly(Outcome.DELETED_ID, Outcome.ACCEPTED);
      assertThat(b.erase(y, NOW)).isEqualTo(1);
      assertThat(a.appendEvents(List.of(CollectorContractTest.event(y, NOW)), NOW))
          .containsExactly(Outcome.DELETED_ID);
      assertThat(b.erase(y, NOW)).isZero();

      assertThatThrownBy(
              () ->
                  a.appendEvents(
                      List.of(CollectorContractTest.event(id, NOW).withEventId(null)), NOW))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(a.purgeBefore(NOW.plusSeconds(3600))).isEqualTo(123);
      assertThat(Rows.count(one)).isZero();
    }
  }
}
