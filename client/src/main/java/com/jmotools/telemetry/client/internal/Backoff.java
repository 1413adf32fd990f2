package com.jmotools.telemetry.client.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * Bounded exponential backoff with jitter for network errors and 5xx answers: the n-th consecutive
 * failure waits a random time between half and all of {@code min(max, base * 2^(n-1))}, and a
 * process stops trying after {@code maxAttempts} consecutive failures (the outbox keeps the events
 * for the next run).
 *
 * @param base the first wait
 * @param max the longest wait
 * @param maxAttempts consecutive failures after which this process stops trying
 */
public record Backoff(Duration base, Duration max, int maxAttempts) {

  public Backoff {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(max, "max");
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("base not positive: " + base);
    }
    if (max.compareTo(base) < 0) {
      throw new IllegalArgumentException("max < base: " + max);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts < 1: " + maxAttempts);
    }
  }

  /** The wait after the {@code failures}-th consecutive failure ({@code failures >= 1}). */
  public Duration delay(int failures, Random random) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures < 1: " + failures);
    }
    long baseMs = base.toMillis();
    long maxMs = max.toMillis();
    int shift = Math.min(failures - 1, 30);
    long ceiling = baseMs > (maxMs >> shift) ? maxMs : Math.min(maxMs, baseMs << shift);
    long half = ceiling / 2;
    return Duration.ofMillis(half + (long) (random.nextDouble() * (ceiling - half + 1)));
  }

  /** Whether another attempt is allowed after {@code failures} consecutive failures. */
  public boolean mayRetry(int failures) {
    return failures < maxAttempts;
  }
}
