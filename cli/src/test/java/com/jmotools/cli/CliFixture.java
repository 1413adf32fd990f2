package com.jmotools.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sandbox for running jmo in-process: a working directory, a state directory ($JMO_HOME), a
 * directory of fake tools first on PATH, and captured output.
 */
final class CliFixture {

  final Path root;
  final Path work;
  final Path home;
  final Path bin;
  final Map<String, String> env = new LinkedHashMap<>();

  CliFixture(Path root) {
    this.root = root;
    this.work = mkdir(root.resolve("work"));
    this.home = mkdir(root.resolve("home"));
    this.bin = mkdir(root.resolve("bin"));
    env.put("PATH", bin + ":/usr/bin:/bin");
    env.put("HOME", home.toString());
    env.put("JMO_HOME", home.resolve(".jmo-security").toString());
    env.put("LANG", "C.UTF-8");
  }

  /** Points telemetry at a collector. */
  CliFixture endpoint(String baseUrl) {
    env.put("JMO_TELEMETRY_ENDPOINT", baseUrl);
    return this;
  }

  /** Writes an executable shell script named {@code name} into the fake bin directory. */
  Path tool(String name, String body) {
    Path p = bin.resolve(name);
    write(p, "#!/bin/sh\n" + body + "\n");
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** A repository directory under the working directory with the given files. */
  Path repo(String name, String... pathsAndContents) {
    Path dir = mkdir(work.resolve(name));
    for (int i = 0; i + 1 < pathsAndContents.length; i += 2) {
      Path f = dir.resolve(pathsAndContents[i]);
      mkdir(f.getParent());
      write(f, pathsAndContents[i + 1]);
    }
    return dir;
  }

  /**
   * Makes sure what the last run recorded reaches the collector, then waits until {@code delivered}
   * holds. A scan shorter than {@code TelemetrySession.SHORT_RUN} (as most scans of fake tools are)
   * leaves its events in the outbox, and jmo waits at most 1 s for delivery at the exit of a longer
   * one; so unless they have arrived, this delivers them as a user would, with {@code jmo telemetry
   * flush}.
   */
  void awaitDelivered(java.util.concurrent.Callable<Boolean> delivered) {
    try {
      if (delivered.call()) {
        return;
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    Run flush = jmo("telemetry", "flush", "--wait", "30");
    if (flush.code() != 0) {
      throw new AssertionError("flush failed: " + flush);
    }
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(delivered);
  }

  static Path mkdir(Path p) {
    try {
      return Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(Path p, String text) {
    try {
      Files.writeString(p, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Run jmo(String... args) {
    return run(false, "", true, args);
  }

  Run jmotools(String stdin, boolean terminal, String... args) {
    return run(terminal, stdin, false, args);
  }

  Run run(boolean terminal, String stdin, boolean jmo, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliEnvironment e =
        CliEnvironment.builder()
            .variables(env)
            .workingDirectory(work)
            .streams(
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .terminal(terminal)
            .dockerMarker(root.resolve("no-dockerenv"))
            .build();
    int code = jmo ? Jmo.run(e, args) : JmoTools.run(e, args);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The outcome of one run. */
  record Run(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  /** A SARIF document with {@code n} results of the given level. */
  static String sarif(int n, String level) {
    StringBuilder b =
        new StringBuilder(
            "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"x\","
                + "\"rules\":[]}},\"results\":[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"ruleId\":\"R")
          .append(i)
          .append("\",\"level\":\"")
          .append(level)
          .append("\",\"message\":{\"text\":\"m")
          .append(i)
          .append("\"},\"locations\":[{\"physicalLocation\":")
          .append("{\"artifactLocation\":{\"uri\":\"src/f")
          .append(i)
          .append(".py\"},\"region\":{\"startLine\":")
          .append(i + 1)
          .append("}}}]}");
    }
    return b.append("]}]}").toString();
  }
}
