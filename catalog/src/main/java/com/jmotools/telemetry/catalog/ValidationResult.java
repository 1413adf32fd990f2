package com.jmotools.telemetry.catalog;

import java.util.Objects;

/** The outcome of validating one event: the normalised event, or the problem that refused it. */
public final class ValidationResult {

  private final ValidatedEvent event;
  private final Problem problem;

  private ValidationResult(ValidatedEvent event, Problem problem) {
    this.event = event;
    this.problem = problem;
  }

  static ValidationResult valid(ValidatedEvent event) {
    return new ValidationResult(Objects.requireNonNull(event), null);
  }

  static ValidationResult invalid(Problem problem) {
    return new ValidationResult(null, Objects.requireNonNull(problem));
  }

  /** Whether the event is allowed by the catalog. */
  public boolean isValid() {
    return event != null;
  }

  /**
   * The normalised event.
   *
   * @throws IllegalStateException if the event was refused
   */
  public ValidatedEvent event() {
    if (event == null) {
      throw new IllegalStateException("invalid event: " + problem.reason());
    }
    return event;
  }

  /**
   * Why the event was refused.
   *
   * @throws IllegalStateException if the event is valid
   */
  public Problem problem() {
    if (problem == null) {
      throw new IllegalStateException("the event is valid");
    }
    return problem;
  }

  @Override
  public String toString() {
    return isValid() ? "valid " + event.event() : "invalid: " + problem.reason();
  }
}
