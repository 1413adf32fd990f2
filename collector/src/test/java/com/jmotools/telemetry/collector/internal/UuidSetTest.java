package com.jmotools.telemetry.collector.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jmotools.telemetry.catalog.EventIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidSetTest {

  @Test
  void holdsEveryIdOnceThroughManyResizes() {
    UuidSet set = new UuidSet();
    Random random = new Random(11);
    Instant hour = Instant.parse("2026-11-27T10:00:00Z");
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      UUID id = EventIds.newId(hour, random);
      ids.add(id);
      set.add(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }
    Set<UUID> distinct = new HashSet<>(ids);
    assertThat(set.size()).isEqualTo(distinct.size());
    for (UUID id : ids) {
      assertThat(set.contains(id.getMostSignificantBits(), id.getLeastSignificantBits())).isTrue();
      assertThat(set.add(id.getMostSignificantBits(), id.getLeastSignificantBits())).isFalse();
    }
    assertThat(set.size()).isEqualTo(distinct.size());
    // Ids that differ from held ones in one bit of either half are not held.
    for (UUID id : ids.subList(0, 1000)) {
      assertThat(set.contains(id.getMostSignificantBits(), id.getLeastSignificantBits() ^ 1))
          .isFalse();
      assertThat(set.contains(id.getMostSignificantBits() ^ 1, id.getLeastSignificantBits()))
          .isFalse();
    }
  }

  @Test
  void refusesTheHighHalfThatMarksAnEmptySlot() {
    assertThatThrownBy(() -> new UuidSet().add(0, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new UuidSet().contains(0, 5)).isFalse();
  }
}
