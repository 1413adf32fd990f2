package com.jmotools.cli.internal;

/**
 * A problem the user can fix (a bad option, an unreadable jmo.yml, a missing tool under {@code
 * --strict}): shown as one line, with the documented exit code, never as a stack trace.
 */
public final class UserError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int exitCode;

  public UserError(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public UserError(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The exit code the command ends with. */
  public int exitCode() {
    return exitCode;
  }
}
