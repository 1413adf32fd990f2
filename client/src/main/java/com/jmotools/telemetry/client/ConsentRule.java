package com.jmotools.telemetry.client;

/** The consent rules, in the order they are tried; the first that applies decides. */
public enum ConsentRule {
  /**
   * Rule 1: {@code JMO_TELEMETRY_DISABLE} has any non-empty value but {@code 0}, {@code false},
   * {@code no}, {@code off} (any case); a value of spaces is set, so it switches off too. Off.
   */
  DISABLE_VARIABLE,
  /** Rule 2: {@code DO_NOT_TRACK} is {@code 1}, {@code true} or {@code yes}. Off. */
  DO_NOT_TRACK,
  /** Rule 3: running in continuous integration. Off. */
  CI,
  /**
   * Rule 4, first: the user's own settings file is there but cannot be read, is not the JSON object
   * jmo writes, or holds a value of the wrong type. It may hold the user's "off", and an "off" must
   * always win, so it counts as off until {@code jmo telemetry enable} or {@code disable} rewrites
   * it. Off.
   */
  UNREADABLE_SETTINGS,
  /**
   * Rule 4: an explicit {@code enabled: false} in the project's {@code jmo.yml} or the user's
   * settings. Off.
   */
  EXPLICIT_OFF,
  /**
   * Rule 5: an explicit {@code enabled: true} and no explicit off. On; the user's own records at
   * once, a project's {@code jmo.yml} only once the user has seen the notice.
   */
  EXPLICIT_ON,
  /** Rule 6: nothing above applies; the host's {@link DefaultPolicy} decides. */
  DEFAULT_POLICY
}
