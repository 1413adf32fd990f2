package com.jmotools.telemetry.client;

/**
 * What a host decides when neither the environment nor an explicit setting does (rule 6 of the
 * consent rules).
 */
public enum DefaultPolicy {
  /**
   * On, with notice: a run records nothing until the notice has been shown in an earlier run, and
   * the notice is shown on the first {@value Telemetry#NOTICE_SCANS} scans. The policy of {@code
   * jmo}.
   */
  OPT_OUT,
  /** Off until the user or the project says {@code enabled: true}. */
  OPT_IN
}
