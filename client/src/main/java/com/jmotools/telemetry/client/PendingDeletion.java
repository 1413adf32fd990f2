package com.jmotools.telemetry.client;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A deletion request the collector has not confirmed yet; later runs that use its collector send it
 * again until that collector does.
 *
 * @param anonymousId the id whose stored events are to be erased
 * @param collector the base URL of the collector it is for (it is sent to that one only)
 * @param forThisCollector whether {@code collector} is the one this client uses; if not, the
 *     request waits for a run that uses it
 * @param requestedAt when the user asked
 * @param attempts how many times it was sent without a confirmation
 * @param lastError why the last attempt failed, or {@code null} before the first
 */
public record PendingDeletion(
    UUID anonymousId,
    String collector,
    boolean forThisCollector,
    Instant requestedAt,
    int attempts,
    String lastError) {
  public PendingDeletion {
    Objects.requireNonNull(anonymousId, "anonymousId");
    Objects.requireNonNull(collector, "collector");
    Objects.requireNonNull(requestedAt, "requestedAt");
  }
}
