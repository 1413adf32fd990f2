package com.jmotools.telemetry.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 6);

  @Test
  void doublesWithJitterBetweenHalfAndAllOfTheCeiling() {
    Random random = new Random(42);
    for (int n = 1; n <= 10; n++) {
      long ceiling = Math.min(60_000, 1000L << (n - 1));
      for (int i = 0; i < 200; i++) {
        long d = backoff.delay(n, random).toMillis();
        assertThat(d).isBetween(ceiling / 2, ceiling);
      }
    }
  }

  @Test
  void isBoundedEvenAfterVeryManyFailures() {
    assertThat(backoff.delay(1000, new Random(1))).isLessThanOrEqualTo(Duration.ofSeconds(60));
    assertThat(backoff.delay(Integer.MAX_VALUE, new Random(1)))
        .isLessThanOrEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void jitterSpreadsClients() {
    Set<Long> seen = new HashSet<>();
    Random random = new Random(7);
    for (int i = 0; i < 50; i++) {
      seen.add(backoff.delay(4, random).toMillis());
    }
    assertThat(seen).hasSizeGreaterThan(10);
  }

  @Test
  void stopsAfterMaxAttempts() {
    assertThat(backoff.mayRetry(5)).isTrue();
    assertThat(backoff.mayRetry(6)).isFalse();
  }

  @Test
  void checksItsInputs() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 1))
        .hasMessageContaining("base");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 1))
        .hasMessageContaining("max < base");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
        .hasMessageContaining("maxAttempts < 1: 0");
    assertThatThrownBy(() -> backoff.delay(0, new Random()))
        .hasMessageContaining("failures < 1: 0");
  }
}
