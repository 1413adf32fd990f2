package com.jmotools.telemetry.client;

import java.time.Instant;
import java.util.Optional;

/**
 * What a flush achieved.
 *
 * @param delivered events the collector accepted or already had
 * @param rejected events the collector refused (dropped; they will not be sent again)
 * @param dropped events dropped for other reasons (an answer of 4xx, a corrupt or expired entry)
 * @param remaining events still waiting in the outbox afterwards
 * @param retryNotBefore when the collector asked to be left alone until ({@code Retry-After}), if
 *     it did
 * @param error why delivery stopped early (a network error, a timeout, {@code telemetry is off}),
 *     or {@code null} when it did not
 */
public record FlushResult(
    int delivered, int rejected, int dropped, int remaining, Instant retryNotBefore, String error) {

  public FlushResult {
    if (delivered < 0 || rejected < 0 || dropped < 0 || remaining < 0) {
      throw new IllegalArgumentException("negative count");
    }
  }

  /** When the collector's {@code Retry-After} allows the next attempt, if it asked. */
  public Optional<Instant> retryAfter() {
    return Optional.ofNullable(retryNotBefore);
  }

  /** Whether everything queued was delivered (or definitely refused) and nothing is left. */
  public boolean complete() {
    return remaining == 0 && error == null;
  }
}
