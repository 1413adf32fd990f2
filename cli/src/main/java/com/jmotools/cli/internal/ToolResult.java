package com.jmotools.cli.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one tool on one target.
 *
 * @param target the target
 * @param tool the tool's name
 * @param status what happened
 * @param failure why it failed, or null unless {@code status} is {@link Status#FAILED}
 * @param exitCode the exit code, or null (not run, timed out, killed by a signal, could not start)
 * @param duration how long it ran
 * @param findings how many findings its output holds
 * @param directory its results directory
 * @param detail a short note for the user (never sent)
 */
public record ToolResult(
    Target target,
    String tool,
    Status status,
    FailureType failure,
    Integer exitCode,
    Duration duration,
    int findings,
    Path directory,
    String detail) {

  /** What happened to a tool run. */
  public enum Status {
    /** Ran and ended with 0 or a findings code. */
    SUCCEEDED,
    /** Timed out, crashed or ended with another code. */
    FAILED,
    /**
     * Not run: nothing of the target is for this tool (no matching files, no command for the target
     * type).
     */
    NOT_APPLICABLE
  }

  /** Why a tool run failed, as {@code tool.failed}'s {@code failure_type}. */
  public enum FailureType {
    TIMEOUT("timeout"),
    CRASH("crash"),
    NON_ZERO_EXIT("non_zero_exit");

    private final String wire;

    FailureType(String wire) {
      this.wire = wire;
    }

    /** The catalog's value. */
    public String wire() {
      return wire;
    }
  }

  public ToolResult {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(status, "status");
    if ((status == Status.FAILED) != (failure != null)) {
      throw new IllegalArgumentException(
          "a failure type goes with FAILED only: " + status + "/" + failure);
    }
    detail = detail == null ? "" : detail;
  }
}
