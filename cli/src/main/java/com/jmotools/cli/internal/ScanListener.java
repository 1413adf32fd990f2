package com.jmotools.cli.internal;

/** Hears what a scan does, as it happens; called from the scan's worker threads. */
public interface ScanListener {

  /** The scan will run {@code runs} tool runs. */
  default void planned(int runs) {}

  /** A tool run starts. */
  default void started(Target target, String tool) {}

  /** A tool run ended (or was found not to apply). */
  default void finished(ToolResult result) {}

  /** A note for the user (a skipped tool, a failed checkout). */
  default void warn(String message) {}

  /** Every run has ended. */
  default void done() {}

  /** Hears nothing. */
  ScanListener NONE = new ScanListener() {};
}
