package com.jmotools.telemetry.client.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Remembers, across processes, until when the collector asked not to be called again ({@code
 * Retry-After} of a 429 or 503), in {@code <state>/telemetry/retry-after}.
 */
public final class RetryAfterStore {

  /** The file, relative to the state directory. */
  public static final String FILE = "telemetry/retry-after";

  /** A longer wait asked for (or a later time found in the file) is cut to this. */
  public static final Duration MAX_WAIT = Duration.ofHours(6);

  private final Path file;
  private final Clock clock;

  public RetryAfterStore(Path stateDirectory, Clock clock) {
    this.file = stateDirectory.resolve(FILE);
    this.clock = clock;
  }

  /** The time before which no upload may be tried, if one is in the future. Never throws. */
  public Optional<Instant> notBefore() {
    try {
      if (!Files.isRegularFile(file) || Files.size(file) > 100) {
        return Optional.empty();
      }
      Instant t =
          Instant.parse(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim());
      Instant now = clock.instant();
      if (!t.isAfter(now)) {
        return Optional.empty();
      }
      Instant cap = now.plus(MAX_WAIT);
      return Optional.of(t.isAfter(cap) ? cap : t);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Stores {@code now + wait} (at most {@link #MAX_WAIT}); returns it. Never throws. */
  public Instant remember(Duration wait) {
    Duration w = wait.isNegative() ? Duration.ZERO : wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
    Instant t = clock.instant().plus(w);
    try {
      AtomicFiles.write(file, t.toString().getBytes(StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      // remembered in this process only
    }
    return t;
  }

  /** Forgets a stored time after a success. Never throws. */
  public void clear() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException | RuntimeException e) {
      // it expires by itself
    }
  }
}
