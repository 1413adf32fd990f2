package com.jmotools.telemetry.cli.internal;

import java.util.Locale;
import java.util.Optional;

/** The normalised severity of a finding, most severe first. */
public enum Severity {
  CRITICAL, HIGH, MEDIUM, LOW, INFO;

  /** Whether this severity is at least as severe as {@code threshold}. */
  public boolean atLeast(Severity threshold) {
    return ordinal() <= threshold.ordinal();
  }

  /**
   * Reads a severity name as the tools spell them (case-insensitive; {@code error}, {@code warning},
   * {@code note}, {@code style}, {@code moderate}, {@code unknown} ... are mapped).
   */
  public static Severity fromTool(String text) {
    if (text == null) {
      return INFO;
    }
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "critical": case "fatal": case "blocker": case "emergency": case "alert":
        return CRITICAL;
      case "high": case "error": case "severe":
        return HIGH;
      case "medium": case "moderate": case "warning": case "warn":
        return MEDIUM;
      case "low": case "note": case "minor": case "notice":
        return LOW;
      default:
        return INFO;
    }
  }

  /** Parses a user-given severity name exactly (any case), empty if it is not one. */
  public static Optional<Severity> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    for (Severity s : values()) {
      if (s.name().equalsIgnoreCase(text.trim())) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
