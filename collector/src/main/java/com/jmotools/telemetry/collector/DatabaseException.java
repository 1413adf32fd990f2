package com.jmotools.telemetry.collector;

/** The database could not be opened, migrated, read or written; the message says which and why. */
public final class DatabaseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message that names the database and the cause. */
  public DatabaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
