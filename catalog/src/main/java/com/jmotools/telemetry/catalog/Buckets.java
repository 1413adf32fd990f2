package com.jmotools.telemetry.catalog;

import java.time.Duration;

/**
 * Turns exact durations and counts into the catalog's coarse labels, so exact values never leave
 * the machine.
 */
public final class Buckets {

  /** The longest wizard duration sent, in seconds; longer ones are sent as this. */
  public static final long MAX_WIZARD_SECONDS = 3600;

  /** Wizard durations are rounded down to a multiple of this many seconds. */
  public static final long WIZARD_SECONDS_STEP = 10;

  private Buckets() {}

  /**
   * The {@code duration_bucket} label for a scan that took {@code elapsed}: {@code <5min}, {@code
   * 5-15min}, {@code 15-30min} or {@code >30min}. A negative duration (the clock went back) counts
   * as zero.
   */
  public static String duration(Duration elapsed) {
    return durationSeconds(elapsed.toNanos() / 1e9);
  }

  /** As {@link #duration(Duration)}, from seconds. */
  public static String durationSeconds(double seconds) {
    return Catalog.standard().bucket("duration").labelFor(Math.max(0, seconds));
  }

  /**
   * The findings label for {@code count} findings: {@code 0}, {@code 1-10}, {@code 10-100} (11 to
   * 100), {@code 100-1000} (101 to 1000) or {@code >1000}.
   *
   * @throws IllegalArgumentException if {@code count} is negative
   */
  public static String findings(long count) {
    if (count < 0) {
      throw new IllegalArgumentException("findings count < 0: " + count);
    }
    return Catalog.standard().bucket("findings").labelFor((double) count);
  }

  /**
   * The {@code duration_seconds} of {@code wizard.completed}: rounded down to a multiple of {@value
   * #WIZARD_SECONDS_STEP} seconds, at most {@value #MAX_WIZARD_SECONDS}; negative counts as zero.
   */
  public static long wizardSeconds(Duration elapsed) {
    long seconds = Math.max(0, Math.min(elapsed.toSeconds(), MAX_WIZARD_SECONDS));
    return seconds - seconds % WIZARD_SECONDS_STEP;
  }
}
