package com.jmotools.telemetry.client;

import java.util.Objects;
import java.util.UUID;

/**
 * The outcome of asking the collector to erase this installation's data.
 *
 * @param outcome what happened
 * @param erasedId the anonymous id whose data was to be erased, or {@code null} if there was none
 * @param newId the id used from now on (the id is rotated as soon as the request is queued), or
 *     {@code null} when it was not rotated
 * @param message a one-line explanation for the user
 */
public record DeletionResult(Outcome outcome, UUID erasedId, UUID newId, String message) {

  /** What happened to a deletion request. */
  public enum Outcome {
    /**
     * The collector confirmed the erasure (it does not say how many rows it held: that would tell
     * anyone holding the id how active it was); the local id was rotated and pending events
     * removed.
     */
    DELETED,
    /** There was no anonymous id on this machine, so nothing can have been sent. */
    NO_ID,
    /**
     * The collector has not confirmed yet (network error, a proxy's answer): the request is stored
     * and later runs send it again until it does; the id was rotated and pending events removed.
     */
    QUEUED,
    /**
     * The request could not even be stored (an unwritable state directory); nothing was changed.
     */
    FAILED
  }

  public DeletionResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(message, "message");
  }
}
