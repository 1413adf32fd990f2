package com.jmotools.telemetry.client.internal;

import java.security.SecureRandom;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The default randomness of event ids and backoff jitter: a 64-bit {@link SplittableRandom} seeded
 * from the clocks and the process id. Event ids need to be unique, not secret (the anonymous id,
 * which is created once, comes from {@link SecureRandom} via {@code UUID.randomUUID()}), and {@code
 * SecureRandom} costs a lock and a read of {@code /dev/urandom} per call on {@code record()}'s
 * path, plus tens of milliseconds to seed in a cold JVM. Thread-safe.
 */
public final class SeededRandom extends Random {

  private static final long serialVersionUID = 1L;

  private final SplittableRandom random;

  public SeededRandom() {
    super(0);
    long pid = ProcessHandle.current().pid();
    this.random =
        new SplittableRandom(
            new SplittableRandom().nextLong() ^ (pid * 0x9E3779B97F4A7C15L) ^ System.nanoTime());
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
