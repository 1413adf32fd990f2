package com.jmotools.telemetry.client;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The outcome of asking the collector to erase this installation's data.
 *
 * @param outcome what happened
 * @param erasedIds the anonymous ids whose data was to be erased: the one in the id file, and every
 *     other found in {@code sent.jsonl} or among the waiting events (an id file removed by hand, an
 *     earlier id); empty when there was none
 * @param newId the id used from now on (rotated as soon as the requests are stored), or {@code
 *     null} when it was not rotated: there was no id file, or {@code idNotReplaced} says why
 * @param idNotReplaced why the id in the id file could not be replaced by a new one (it stays on
 *     this machine), or {@code null}
 * @param message a one-line explanation for the user
 */
public record DeletionResult(
    Outcome outcome, List<UUID> erasedIds, UUID newId, String idNotReplaced, String message) {

  /** What happened to a deletion request. */
  public enum Outcome {
    /**
     * The collector confirmed the erasure of every id (it does not say how many rows it held: that
     * would tell anyone holding an id how active it was); the pending events were removed and the
     * id rotated.
     */
    DELETED,
    /**
     * There was no anonymous id on this machine (no id file, none in {@code sent.jsonl}, none among
     * the waiting events), or only one the last deletion rotated to and that has recorded nothing
     * since, so nothing of this machine can be at the collector; nothing was changed.
     */
    NO_ID,
    /**
     * The collector has not confirmed every id yet (network error, a proxy's answer): the requests
     * are stored and later runs send them again until it does; pending events were removed and the
     * id rotated.
     */
    QUEUED,
    /**
     * The requests could not be stored (an unwritable state directory) and the collector did not
     * confirm them either: nothing will send them again.
     */
    FAILED
  }

  public DeletionResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(message, "message");
    erasedIds = List.copyOf(Objects.requireNonNull(erasedIds, "erasedIds"));
  }
}
