package com.jmotools.telemetry.collector.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @Test
  void allowsTheBurstThenAsksToWaitForTheNextToken() {
    RateLimiter limiter = new RateLimiter(2, 3, 100, nanos::get);
    assertThat(limiter.acquire("a")).isZero();
    assertThat(limiter.acquire("a")).isZero();
    assertThat(limiter.acquire("a")).isZero();
    assertThat(limiter.acquire("a")).isEqualTo(1); // half a second at 2/s, rounded up
    assertThat(limiter.acquire("b")).isZero(); // another client has its own bucket
    nanos.addAndGet(500_000_000L);
    assertThat(limiter.acquire("a")).isZero();
    assertThat(limiter.acquire("a")).isEqualTo(1);
  }

  @Test
  void slowRatesAnswerWholeSecondsToWait() {
    RateLimiter limiter = new RateLimiter(0.1, 1, 100, nanos::get);
    assertThat(limiter.acquire("a")).isZero();
    assertThat(limiter.acquire("a")).isEqualTo(10);
  }

  @Test
  void zeroDisablesTheLimit() {
    RateLimiter limiter = new RateLimiter(0, 1, 100, nanos::get);
    assertThat(limiter.isEnabled()).isFalse();
    for (int i = 0; i < 1000; i++) {
      assertThat(limiter.acquire("a")).isZero();
    }
    assertThat(limiter.trackedClients()).isZero();
  }

  @Test
  void tracksABoundedNumberOfClients() {
    RateLimiter limiter = new RateLimiter(1, 2, 10, nanos::get);
    for (int i = 0; i < 1000; i++) {
      limiter.acquire("client-" + i);
    }
    assertThat(limiter.trackedClients()).isLessThanOrEqualTo(10);
    nanos.addAndGet(3_000_000_000L); // every bucket refilled: forgotten on the next sweep
    limiter.acquire("new-client");
    assertThat(limiter.trackedClients()).isEqualTo(1);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> new RateLimiter(-1, 1, 1, nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimiter(1, 0, 1, nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
