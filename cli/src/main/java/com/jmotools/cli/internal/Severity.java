package com.jmotools.cli.internal;

import java.util.Locale;
import java.util.Optional;

/** The normalised severity of a finding, most severe first. */
public enum Severity {
  CRITICAL,
  HIGH,
  MEDIUM,
  LOW,
  INFO;

  /** Whether this severity is at least as severe as {@code threshold}. */
  public boolean atLeast(Severity threshold) {
    return compareTo(threshold) <= 0; // declared from the most severe down
  }

  /**
   * Reads a severity name as the tools spell them (case-insensitive; {@code error}, {@code
   * warning}, {@code note}, {@code style}, {@code moderate}, {@code unknown} ... are mapped).
   */
  public static Severity fromTool(String text) {
    if (text == null) {
      return INFO;
    }
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "critical", "fatal", "blocker", "emergency", "alert" -> CRITICAL;
      case "high", "error", "severe" -> HIGH;
      case "medium", "moderate", "warning", "warn" -> MEDIUM;
      case "low", "note", "minor", "notice" -> LOW;
      default -> INFO;
    };
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
