package com.jmotools.telemetry.client;

import java.util.Objects;

/**
 * The consent decision and the rule that made it, for {@code jmo telemetry status}.
 *
 * @param enabled whether telemetry is on
 * @param rule the first rule that applied
 * @param detail what triggered the rule: the variable's name ({@code JMO_TELEMETRY_DISABLE}), the
 *     CI vendor ({@code GitHub Actions}), the setting's source ({@code jmo.yml}, {@code user
 *     settings}), the settings file and why it cannot be read, or the default policy ({@code
 *     opt-out}); for {@code JMO_TELEMETRY_DISABLE}, the variable and the value seen ({@code
 *     JMO_TELEMETRY_DISABLE=yes}, sanitised); never another value from the environment
 * @param recording whether this run records events: {@code false} when off, and, under the opt-out
 *     default or a project's {@code enabled: true}, until the notice has been shown in an earlier
 *     run
 * @param noticeShownCount how many scans have shown the notice so far
 */
public record ConsentStatus(
    boolean enabled, ConsentRule rule, String detail, boolean recording, int noticeShownCount) {

  public ConsentStatus {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(detail, "detail");
    if (recording && !enabled) {
      throw new IllegalArgumentException("cannot record while disabled");
    }
    if (noticeShownCount < 0) {
      throw new IllegalArgumentException("noticeShownCount < 0: " + noticeShownCount);
    }
  }

  /**
   * Whether this run's recording waits for the notice: the opt-out default and a project's {@code
   * enabled: true} record only once the user has seen it; the user's own "on" does not wait.
   */
  public boolean waitsForNotice() {
    return enabled
        && (rule == ConsentRule.DEFAULT_POLICY
            || (rule == ConsentRule.EXPLICIT_ON && !"user settings".equals(detail)));
  }

  /** One line for a person: the decision and why, such as {@code off: DO_NOT_TRACK is set}. */
  public String explanation() {
    switch (rule) {
      case DISABLE_VARIABLE:
        return "off: the environment variable "
            + detail
            + " is set (any non-empty value but 0, false, no, off switches off)";
      case DO_NOT_TRACK:
        return "off: the environment variable " + detail + " is set";
      case CI:
        return "off: running in CI (" + detail + ")";
      case UNREADABLE_SETTINGS:
        return "off: your settings file cannot be read, and a choice that cannot be read counts as"
            + " off ("
            + detail
            + "); jmo telemetry disable or jmo telemetry enable rewrites it";
      case EXPLICIT_OFF:
        return "off: telemetry.enabled is false in " + detail;
      case EXPLICIT_ON:
        if (!recording) {
          return "on: telemetry.enabled is true in "
              + detail
              + ", but a project's file is not your consent: nothing is recorded until you have"
              + " seen the notice once (or run jmo telemetry enable)";
        }
        return "on: telemetry.enabled is true in " + detail;
      case DEFAULT_POLICY:
      default:
        if (!enabled) {
          return "off: nothing enabled it and the default is " + detail;
        }
        return recording
            ? "on: the default is " + detail + " and the notice has been shown"
            : "on: the default is "
                + detail
                + "; nothing is recorded until the notice has been shown once";
    }
  }
}
