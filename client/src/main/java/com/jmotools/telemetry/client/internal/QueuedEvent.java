package com.jmotools.telemetry.client.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * An event on its way to the outbox: either validated and serialised already ({@link #json()}), or
 * recorded while the catalog was still loading and so to be validated by the writer ({@link
 * #unvalidated()}).
 *
 * @param eventId its event_id
 * @param json the validated event as one line of JSON, or {@code null}
 * @param unvalidated the event as recorded, not yet checked against the catalog, or {@code null}
 * @param recordedAt when it was recorded (orders and ages the outbox)
 */
// The bytes are never compared: events are told apart by their event_id.
@SuppressWarnings("ArrayRecordComponent")
public record QueuedEvent(String eventId, byte[] json, ObjectNode unvalidated, Instant recordedAt) {
  public QueuedEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(recordedAt, "recordedAt");
    if ((json == null) == (unvalidated == null)) {
      throw new IllegalArgumentException("exactly one of json and unvalidated");
    }
  }

  /** A validated, serialised event. */
  public static QueuedEvent validated(String eventId, byte[] json, Instant recordedAt) {
    return new QueuedEvent(eventId, Objects.requireNonNull(json, "json"), null, recordedAt);
  }

  /** An event the writer must validate first. */
  public static QueuedEvent unvalidated(String eventId, ObjectNode event, Instant recordedAt) {
    return new QueuedEvent(eventId, null, Objects.requireNonNull(event, "event"), recordedAt);
  }
}
