package com.jmotools.cli.internal;

/** The exit codes of jmo and jmotools, as documented in their {@code --help}. */
public final class ExitCodes {

  /** Success (for report and ci: no finding at or above --fail-on). */
  public static final int OK = 0;

  /** report and ci: at least one unsuppressed finding at or above --fail-on. */
  public static final int FINDINGS = 1;

  /** A bad option or argument (picocli's usage errors). */
  public static final int USAGE = 2;

  /** A bad jmo.yml, a target that does not exist, or nothing to scan. */
  public static final int CONFIG = 3;

  /** --strict and a tool of the profile is not installed. */
  public static final int MISSING_TOOL = 4;

  /** An I/O error (results directory not writable, report unreadable) or an unexpected failure. */
  public static final int ERROR = 5;

  /** Interrupted (Ctrl-C). */
  public static final int INTERRUPTED = 130;

  /** The exit code list for {@code --help} footers. */
  public static final String HELP =
      "%nExit codes:%n"
          + "  0  success (report/ci: no unsuppressed finding at or above --fail-on)%n"
          + "  1  findings at or above --fail-on%n"
          + "  2  bad option or argument%n"
          + "  3  bad configuration (jmo.yml), missing target or nothing to scan%n"
          + "  4  --strict and a tool is not installed%n"
          + "  5  I/O or unexpected error%n"
          + "  130  interrupted (Ctrl-C)%n";

  /** The exit code list of {@code jmo telemetry}, which runs no scanner. */
  public static final String TELEMETRY_HELP =
      "%nExit codes:%n  0  success (delete: the erasure is confirmed, or stored and retried by"
          + " later runs)%n  2  bad option or argument%n  5  I/O error (the state directory is not"
          + " writable), or flush could not deliver everything%n  130  interrupted (Ctrl-C)%n";

  private ExitCodes() {}
}
