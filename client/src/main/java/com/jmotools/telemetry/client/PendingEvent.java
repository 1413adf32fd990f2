package com.jmotools.telemetry.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * An entry of the outbox, as {@code jmo telemetry show} lists it.
 *
 * @param recordedAt when it was recorded
 * @param bytes the size of its file
 * @param state whether it still waits to be sent
 * @param event the event as stored, or {@code null} when it is {@link State#UNREADABLE}
 */
public record PendingEvent(Instant recordedAt, long bytes, State state, JsonNode event) {

  /** Whether an entry still waits to be sent. */
  public enum State {
    /** It waits to be sent. */
    WAITING,
    /** It is older than the outbox's age bound: the next delivery drops it unsent. */
    EXPIRED,
    /**
     * It cannot be read as an event (corrupt, or larger than any event can be, so it is never read
     * whole): the next delivery drops it unsent.
     */
    UNREADABLE
  }

  public PendingEvent {
    Objects.requireNonNull(recordedAt, "recordedAt");
    Objects.requireNonNull(state, "state");
    if ((event == null) != (state == State.UNREADABLE)) {
      throw new IllegalArgumentException(
          "an event is null exactly when it is unreadable: " + state);
    }
  }
}
