package com.jmotools.telemetry.client.internal;

import java.security.SecureRandom;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The default randomness of event ids and backoff jitter: a 64-bit {@link SplittableRandom} seeded
 * once from {@link SecureRandom}. Ids need to be unique, not secret, and {@code SecureRandom} costs
 * a lock and a read of {@code /dev/urandom} per call on {@code record()}'s path. Thread-safe.
 */
public final class SeededRandom extends Random {

  private static final long serialVersionUID = 1L;

  private final SplittableRandom random;

  public SeededRandom() {
    super(0);
    this.random = new SplittableRandom(new SecureRandom().nextLong());
  }

  @Override
  protected synchronized int next(int bits) {
    return random == null ? 0 : random.nextInt() >>> (32 - bits);
  }

  @Override
  public synchronized int nextInt(int bound) {
    return random.nextInt(bound);
  }

  @Override
  public synchronized long nextLong() {
    return random.nextLong();
  }

  @Override
  public synchronized double nextDouble() {
    return random.nextDouble();
  }
}
