package com.jmotools.telemetry.client;

import java.time.Duration;

/** Waits; a seam so that tests never sleep for real. */
@FunctionalInterface
public interface Sleeper {

  /** The real one: {@link Thread#sleep(long)}. */
  Sleeper SYSTEM = d -> Thread.sleep(Math.max(0, d.toMillis()));

  /**
   * Waits for {@code duration}.
   *
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  void sleep(Duration duration) throws InterruptedException;
}
