package com.jmotools.telemetry.client.internal;

import java.time.Instant;
import java.util.Objects;

/**
 * A validated event on its way to the outbox.
 *
 * @param eventId its event_id
 * @param json the event as one line of JSON
 * @param recordedAt when it was recorded (orders and ages the outbox)
 */
public record QueuedEvent(String eventId, byte[] json, Instant recordedAt) {
  public QueuedEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(recordedAt, "recordedAt");
  }
}
