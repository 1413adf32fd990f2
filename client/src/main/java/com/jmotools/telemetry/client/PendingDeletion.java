package com.jmotools.telemetry.client;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A deletion request the collector has not confirmed yet; later runs send it again until it does.
 *
 * @param anonymousId the id whose stored events are to be erased
 * @param requestedAt when the user asked
 * @param attempts how many times it was sent without a confirmation
 * @param lastError why the last attempt failed, or {@code null} before the first
 */
public record PendingDeletion(
    UUID anonymousId, Instant requestedAt, int attempts, String lastError) {
  public PendingDeletion {
    Objects.requireNonNull(anonymousId, "anonymousId");
    Objects.requireNonNull(requestedAt, "requestedAt");
  }
}
