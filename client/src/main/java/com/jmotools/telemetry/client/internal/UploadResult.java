package com.jmotools.telemetry.client.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** What the collector made of one batch; the delivery policy acts on it. */
public sealed interface UploadResult {

  /** How the collector treated one event of the batch. */
  enum Status {
    ACCEPTED,
    DUPLICATE,
    REJECTED
  }

  /**
   * One item of a 200 answer.
   *
   * @param index the event's position in the batch
   * @param status accepted, duplicate or rejected
   * @param reason why it was rejected, else {@code null}
   */
  record Item(int index, Status status, String reason) {}

  /**
   * A 200 JSON answer of {@code /v1/events} with per-event results, the only answer that settles
   * events: accepted and duplicate are delivered, rejected are dropped with the collector's reason.
   */
  record Answered(List<Item> items) implements UploadResult {
    public Answered {
      items = List.copyOf(items);
    }
  }

  /** 429 or 503: try again after {@code after}. */
  record RetryLater(int status, Duration after) implements UploadResult {
    public RetryLater {
      Objects.requireNonNull(after, "after");
    }
  }

  /**
   * No definite answer: a network error, a timeout, a redirect, a 4xx or 5xx (a proxy's 404 or 407
   * as much as the collector's), an HTML, empty or unparsable 200. Every event stays; try again
   * later.
   */
  record Failed(UploadFailure failure, int httpStatus) implements UploadResult {
    public Failed {
      Objects.requireNonNull(failure, "failure");
    }

    /** A failure without an HTTP status. */
    public static Failed of(UploadFailure failure) {
      return new Failed(failure, 0);
    }

    /** An HTTP status that settles nothing. */
    public static Failed httpStatus(int status) {
      return new Failed(UploadFailure.HTTP_STATUS, status);
    }

    /** The stable name of the failure: {@code network}, {@code timeout}, {@code http_404}... */
    public String reason() {
      return failure == UploadFailure.HTTP_STATUS ? "http_" + httpStatus : failure.label();
    }
  }
}
