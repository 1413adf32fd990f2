package com.jmotools.telemetry.client.internal;

import com.jmotools.telemetry.client.FlushResult;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code JMO_TELEMETRY_DEBUG=1}: prints each event as one line of JSON to stderr; stores and sends
 * nothing.
 */
public final class DebugSink implements EventSink {

  private final PrintStream err;

  public DebugSink(PrintStream err) {
    this.err = Objects.requireNonNull(err, "err");
  }

  @Override
  public void accept(QueuedEvent event) {
    synchronized (err) {
      String text =
          event.json() != null
              ? new String(event.json(), StandardCharsets.UTF_8)
              : event.unvalidated().toString();
      err.println("[jmo telemetry debug] " + text);
      err.flush();
    }
  }

  @Override
  public FlushResult flush(Duration timeout) {
    return new FlushResult(0, 0, 0, 0, null, "debug mode: nothing is sent");
  }

  @Override
  public void close(Duration timeout) {}
}
