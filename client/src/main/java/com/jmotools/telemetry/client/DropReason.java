package com.jmotools.telemetry.client;

import java.util.Locale;

/**
 * Why the client dropped an event instead of delivering it (as Sentry's {@code DiscardReason}).
 * {@link TelemetryStats#dropped()} counts drops by {@link #key}, the stable name users see in
 * {@code jmo telemetry show}: the reason's {@link #label} alone, or, for {@link #INVALID} and
 * {@link #REJECTED}, the label and what was wrong ({@code invalid:wrong_type}, {@code
 * rejected:anonymous_id}).
 */
public enum DropReason {
  /** The catalog refused the event when it was recorded; the detail is the problem's code. */
  INVALID,
  /** The collector refused the event; the detail is the field it named. */
  REJECTED,
  /** The in-memory queue to the background writer was full. */
  QUEUE_FULL,
  /** The event could not be written to the outbox directory. */
  OUTBOX_UNWRITABLE,
  /** The outbox held its maximum number of events: the oldest went. */
  OUTBOX_COUNT,
  /** The outbox held its maximum number of bytes: the oldest went. */
  OUTBOX_BYTES,
  /** The event waited in the outbox longer than its maximum age. */
  EXPIRED,
  /** An outbox file could not be read back as an event. */
  CORRUPT_ENTRY,
  /** The event alone is larger than a batch may be. */
  TOO_LARGE,
  /**
   * The user switched telemetry off while this process ran ({@code jmo telemetry disable} in
   * another terminal, or a settings file that can no longer be read): not written, not sent.
   */
  SWITCHED_OFF,
  /** A bug of the client: the host is never disturbed by it, the event is counted here. */
  INTERNAL_ERROR;

  /** The reason's name in counters: {@code queue_full}, {@code invalid}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The counter key for this reason with a detail: {@code invalid:wrong_type}. */
  public String key(String detail) {
    return label() + ":" + detail;
  }
}
