package com.jmotools.telemetry.catalog;

import java.util.Objects;

/**
 * Why an event was refused: a reason code with a bounded set of values (safe as a metric label) and
 * the field it concerns.
 *
 * @param code what kind of problem
 * @param field the path of the field, such as {@code metadata.profile}; never a value
 * @param message what is wrong with it, in words; never quotes the offending value
 */
public record Problem(Code code, String field, String message) {

  /** The kinds of problem, each a stable label for metrics and counters. */
  public enum Code {
    /** The body is not a JSON object, or not JSON. */
    MALFORMED("malformed"),
    /** A field the catalog requires is absent. */
    MISSING_FIELD("missing_field"),
    /** A field the catalog does not know. */
    UNKNOWN_FIELD("unknown_field"),
    /** A value of the wrong JSON type. */
    WRONG_TYPE("wrong_type"),
    /** A value of the right type that the catalog does not allow. */
    INVALID_VALUE("invalid_value"),
    /** The event's name is not in the catalog. */
    UNKNOWN_EVENT("unknown_event");

    private final String label;

    Code(String label) {
      this.label = label;
    }

    /** The stable, lower-case label. */
    public String label() {
      return label;
    }
  }

  public Problem {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  /** The reason as one line, naming the field: {@code metadata.profile: must be one of ...}. */
  public String reason() {
    return field.isEmpty() ? message : field + ": " + message;
  }

  @Override
  public String toString() {
    return reason();
  }
}
