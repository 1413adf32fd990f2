package com.jmotools.telemetry.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.jmotools.telemetry.catalog.EventIds;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdFactoryTest {

  @Test
  void makesTheCatalogsIdsForTheSameRandomNumbers() {
    for (long seed = 0; seed < 200; seed++) {
      Instant t = Instant.ofEpochSecond(1_700_000_000L + seed * 7919);
      UUID ours = EventIdFactory.newId(t, new Random(seed));
      assertThat(ours).isEqualTo(EventIds.newId(t, new Random(seed)));
      assertThat(ours.version()).isEqualTo(7);
      assertThat(ours.variant()).isEqualTo(2);
      assertThat(EventIds.hourOf(ours)).isEqualTo(t.truncatedTo(java.time.temporal.ChronoUnit.HOURS));
    }
  }
}
