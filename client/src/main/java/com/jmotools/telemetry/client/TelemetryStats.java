package com.jmotools.telemetry.client;

import java.util.Map;
import java.util.Objects;

/**
 * Counters of this client since it was built.
 *
 * @param recorded events that passed validation and were queued
 * @param delivered events the collector accepted or already had
 * @param uploadAttempts requests sent to {@code /v1/events}
 * @param uploadFailures requests that ended in a network error, a timeout or a 5xx answer
 * @param dropped events dropped, by {@link DropReason#key key}: {@code invalid:<code>} (refused by
 *     the catalog, with the catalog's problem label), {@code queue_full}, {@code
 *     outbox_unwritable}, {@code outbox_count}, {@code outbox_bytes}, {@code expired}, {@code
 *     corrupt_entry}, {@code too_large}, {@code internal_error}, {@code rejected:<field>} (refused
 *     by the collector, with the field it named)
 */
public record TelemetryStats(
    long recorded,
    long delivered,
    long uploadAttempts,
    long uploadFailures,
    Map<String, Long> dropped) {

  public TelemetryStats {
    dropped = Map.copyOf(Objects.requireNonNull(dropped, "dropped"));
  }

  /** All dropped events, whatever the reason. */
  public long droppedTotal() {
    return dropped.values().stream().mapToLong(Long::longValue).sum();
  }
}
