package com.jmotools.telemetry.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {

  @Test
  void idsAreVersion7WithTheTimeCutToTheHour() {
    UUID id = EventIds.newId(Instant.parse("2026-11-26T14:32:17.123Z"));
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(EventIds.hourOf(id)).isEqualTo(Instant.parse("2026-11-26T14:00:00Z"));
  }

  @Test
  void idsSortByHour() {
    UUID earlier = EventIds.newId(Instant.parse("2026-11-26T13:59:59Z"));
    UUID later = EventIds.newId(Instant.parse("2026-11-26T14:00:00Z"));
    assertThat(earlier.toString()).isLessThan(later.toString());
  }

  @Test
  void idsOfOneHourDoNotCollide() {
    Instant now = Instant.parse("2026-11-26T14:00:00Z");
    Set<UUID> ids = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      ids.add(EventIds.newId(now));
    }
    assertThat(ids).hasSize(100_000);
  }

  @Test
  void version4IdsHaveNoHour() {
    assertThat(EventIds.hourOf(UUID.randomUUID())).isNull();
  }
}
