package com.jmotools.telemetry.client.internal;

import com.jmotools.telemetry.client.FlushResult;
import java.time.Duration;

/**
 * Where validated events go: nowhere (telemetry off), stderr (debug), or the outbox and the
 * collector.
 */
public interface EventSink {

  /** Takes an event; returns at once and never throws. */
  void accept(QueuedEvent event);

  /** Delivers what is queued, within {@code timeout}. Never throws. */
  FlushResult flush(Duration timeout);

  /** Stops, delivering what it can within {@code timeout}; idempotent; never throws. */
  void close(Duration timeout);

  /** The sink of a client that records nothing: writes no file, sends nothing. */
  EventSink NOOP =
      new EventSink() {
        @Override
        public void accept(QueuedEvent event) {}

        @Override
        public FlushResult flush(Duration timeout) {
          return new FlushResult(0, 0, 0, 0, null, "telemetry is off");
        }

        @Override
        public void close(Duration timeout) {}
      };
}
