package com.jmotools.telemetry.client;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What one {@link Telemetry#requestDeletion()} did, and the one-line message that tells the user.
 *
 * @param ids the ids whose erasure was asked for
 * @param unconfirmed those the collector did not confirm
 * @param error the collector's last answer that was no confirmation, or {@code null} (no time was
 *     left to ask)
 * @param notStored why a request could not be stored, or {@code null} when all were
 * @param collector the collector the requests are stored for ({@code EndpointKey.of})
 * @param removed how many waiting events were removed
 * @param oldId the id file's id before the deletion, or {@code null} when there was no id file
 * @param newId the id rotated to, or {@code null}
 * @param idNotReplaced why {@code oldId} could not be replaced, or {@code null}
 */
record DeletionReport(
    List<UUID> ids,
    List<UUID> unconfirmed,
    String error,
    String notStored,
    String collector,
    int removed,
    UUID oldId,
    UUID newId,
    String idNotReplaced) {

  /**
   * The answer when there is nothing to erase.
   *
   * @param current the id file's id, or {@code null}
   * @param anyKnown whether any id was found at all (then each was the unused one the last deletion
   *     rotated to)
   */
  static DeletionResult nothingToErase(UUID current, boolean anyKnown) {
    String message =
        anyKnown
            ? "the anonymous id "
                + current
                + " was made by the last jmo telemetry delete and has recorded nothing since, so"
                + " there is nothing to erase; nothing was changed"
            : "no anonymous id on this machine (no id file, none in sent.jsonl or among the"
                + " waiting events), so no event of it can have been sent";
    return new DeletionResult(DeletionResult.Outcome.NO_ID, List.of(), null, null, message);
  }

  /** The result for the user. */
  DeletionResult result() {
    return new DeletionResult(outcome(), ids, newId, idNotReplaced, message());
  }

  private DeletionResult.Outcome outcome() {
    if (unconfirmed.isEmpty()) {
      return DeletionResult.Outcome.DELETED;
    }
    return notStored != null ? DeletionResult.Outcome.FAILED : DeletionResult.Outcome.QUEUED;
  }

  private String message() {
    StringBuilder m = new StringBuilder();
    DeletionResult.Outcome outcome = outcome();
    if (outcome == DeletionResult.Outcome.DELETED) {
      m.append("the collector erased every stored event of ").append(list(ids));
    } else if (outcome == DeletionResult.Outcome.QUEUED) {
      List<UUID> confirmed = new ArrayList<>(ids);
      confirmed.removeAll(unconfirmed);
      if (!confirmed.isEmpty()) {
        m.append("the collector erased every stored event of ")
            .append(list(confirmed))
            .append("; it ");
      } else {
        m.append("the collector ");
      }
      m.append("has not confirmed yet (")
          .append(error == null ? "no time left" : error)
          .append("); the request for ")
          .append(list(unconfirmed))
          .append(" is stored and sent again by later jmo runs that use ")
          .append(collector)
          .append(" (to no other server) until it confirms")
          .append(" (jmo telemetry status shows it)");
    } else {
      m.append(notStored)
          .append("; the collector did not confirm the erasure of ")
          .append(list(unconfirmed))
          .append(" (")
          .append(error == null ? "no time left" : error)
          .append("), and nothing will send it again");
    }
    if (removed > 0) {
      m.append("; removed the ").append(removed).append(" event(s) waiting to be sent");
    }
    if (newId != null) {
      m.append("; the new id is ").append(newId);
    } else if (idNotReplaced != null) {
      m.append("; the id could not be replaced, ")
          .append(oldId)
          .append(" stays on this machine (")
          .append(idNotReplaced)
          .append(")");
    } else {
      m.append("; there is no id file, so a new id is made only when something is next recorded");
    }
    return m.toString();
  }

  private static String list(List<UUID> ids) {
    StringBuilder b = new StringBuilder();
    for (UUID id : ids) {
      b.append(b.length() == 0 ? "" : ", ").append(id);
    }
    return b.toString();
  }
}
