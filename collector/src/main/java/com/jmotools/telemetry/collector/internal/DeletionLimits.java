package com.jmotools.telemetry.collector.internal;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Bounds unauthenticated deletion requests, which anyone may send for any id: each may add a row to
 * {@code deleted_ids} and scans the events. A per-client token bucket answers 429 to one client
 * sending many; a bucket shared by all clients answers 503 once the collector as a whole has taken
 * its ceiling, so that many addresses together cannot grow the table faster than it allows. Both
 * live in memory only; clients are known by a salted hash of their address (see {@link
 * RateLimiter}).
 */
public final class DeletionLimits {

  /** Requests one client may send at once. */
  public static final int DEFAULT_PER_CLIENT_BURST = 5;

  /** Sustained requests per hour from one client. */
  public static final int DEFAULT_PER_CLIENT_PER_HOUR = 12;

  /** Requests all clients together may send at once. */
  public static final int DEFAULT_TOTAL_BURST = 100;

  /** Sustained requests per hour from all clients together: at most this many new rows an hour. */
  public static final int DEFAULT_TOTAL_PER_HOUR = 600;

  private static final String EVERYONE = "";

  private final RateLimiter perClient;
  private final RateLimiter total;

  /** What to answer: proceed ({@code waitSeconds} 0), or the status and how long to wait. */
  public record Verdict(int status, long waitSeconds) {}

  public DeletionLimits(
      int perClientBurst,
      int perClientPerHour,
      int totalBurst,
      int totalPerHour,
      LongSupplier nanoTime) {
    Objects.requireNonNull(nanoTime, "nanoTime");
    this.perClient = new RateLimiter(perClientPerHour / 3600.0, perClientBurst, 100_000, nanoTime);
    this.total = new RateLimiter(totalPerHour / 3600.0, totalBurst, 1, nanoTime);
  }

  /**
   * The defaults: {@value #DEFAULT_PER_CLIENT_PER_HOUR}/h per client, {@value
   * #DEFAULT_TOTAL_PER_HOUR}/h in all.
   */
  public static DeletionLimits defaults() {
    return new DeletionLimits(
        DEFAULT_PER_CLIENT_BURST,
        DEFAULT_PER_CLIENT_PER_HOUR,
        DEFAULT_TOTAL_BURST,
        DEFAULT_TOTAL_PER_HOUR,
        System::nanoTime);
  }

  /**
   * Takes a token for a request from {@code remoteAddress}: the client's first, then everyone's.
   */
  public Verdict admit(String remoteAddress) {
    long own = perClient.acquire(remoteAddress);
    if (own > 0) {
      return new Verdict(429, own);
    }
    long shared = total.acquire(EVERYONE);
    return shared > 0 ? new Verdict(503, shared) : new Verdict(200, 0);
  }
}
