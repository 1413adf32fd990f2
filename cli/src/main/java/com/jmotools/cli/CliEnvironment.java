package com.jmotools.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * Everything jmo takes from the world it runs in: environment variables (passed on to scanners and
 * to the telemetry client, never read from the JVM behind this object's back), the working
 * directory, the standard streams, whether standard input is a terminal, and the clock. Tests build
 * one; {@link #system()} is the real one.
 */
public final class CliEnvironment {

  /** The file whose presence marks a Docker container. */
  public static final Path DEFAULT_DOCKER_MARKER = Path.of("/.dockerenv");

  private final Map<String, String> variables;
  private final Path workingDirectory;
  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean terminal;
  private final Clock clock;
  private final Path dockerMarker;

  private CliEnvironment(Builder b) {
    this.variables = Map.copyOf(b.variables);
    this.workingDirectory = b.workingDirectory.toAbsolutePath().normalize();
    this.in = b.in;
    this.out = b.out;
    this.err = b.err;
    this.terminal = b.terminal;
    this.clock = b.clock;
    this.dockerMarker = b.dockerMarker;
  }

  /**
   * The process's own environment: {@code System.getenv()}, the current directory, and whether it
   * runs on a terminal.
   */
  public static CliEnvironment system() {
    return builder()
        .variables(System.getenv())
        .workingDirectory(Path.of("").toAbsolutePath())
        .streams(System.in, System.out, System.err)
        .terminal(onTerminal())
        .build();
  }

  /**
   * Whether the process talks to a terminal. Up to JDK 21 {@code System.console()} is null when a
   * stream is redirected; from JDK 22 it never is, and {@code Console.isTerminal()} tells instead.
   */
  @SuppressWarnings("SystemConsoleNull") // the null check is right up to JDK 21, isTerminal() after
  private static boolean onTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException beforeJdk22) {
      return true;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  /**
   * A builder, starting from an empty environment in the current directory, no terminal, UTC clock.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The environment variables given to scanners and to the telemetry client. */
  public Map<String, String> variables() {
    return variables;
  }

  /** The directory relative paths (and ./jmo.yml) are taken from. */
  public Path workingDirectory() {
    return workingDirectory;
  }

  public InputStream in() {
    return in;
  }

  public PrintStream out() {
    return out;
  }

  public PrintStream err() {
    return err;
  }

  /** Whether standard input and output are an interactive terminal (prompts, live progress). */
  public boolean terminal() {
    return terminal;
  }

  public Clock clock() {
    return clock;
  }

  /** The file whose presence marks a Docker container. */
  public Path dockerMarker() {
    return dockerMarker;
  }

  /** Builds a {@link CliEnvironment}; every setter checks for null. */
  public static final class Builder {
    private Map<String, String> variables = Map.of();
    private Path workingDirectory = Path.of("");
    private InputStream in = InputStream.nullInputStream();
    private PrintStream out = System.out;
    private PrintStream err = System.err;
    private boolean terminal;
    private Clock clock = Clock.systemUTC();
    private Path dockerMarker = DEFAULT_DOCKER_MARKER;

    private Builder() {}

    public Builder variables(Map<String, String> variables) {
      this.variables = Objects.requireNonNull(variables, "variables");
      return this;
    }

    public Builder workingDirectory(Path dir) {
      this.workingDirectory = Objects.requireNonNull(dir, "dir");
      return this;
    }

    public Builder streams(InputStream in, PrintStream out, PrintStream err) {
      this.in = Objects.requireNonNull(in, "in");
      this.out = Objects.requireNonNull(out, "out");
      this.err = Objects.requireNonNull(err, "err");
      return this;
    }

    public Builder terminal(boolean terminal) {
      this.terminal = terminal;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder dockerMarker(Path file) {
      this.dockerMarker = Objects.requireNonNull(file, "file");
      return this;
    }

    public CliEnvironment build() {
      return new CliEnvironment(this);
    }
  }
}
