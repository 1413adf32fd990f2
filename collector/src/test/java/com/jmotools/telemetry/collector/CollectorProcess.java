package com.jmotools.telemetry.collector;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code jmo-telemetry serve} in a JVM of its own, with the production logging configuration; its
 * output goes to a file. Started on port 0: the port is read from its "listening on" log line.
 */
final class CollectorProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on http://\\S+:(\\d+) ");

  private final Process process;
  private final Path log;
  private final int port;
  private final Thread pump;

  private CollectorProcess(Process process, Path log, int port, Thread pump) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.pump = pump;
  }

  static CollectorProcess start(Path log, String db, String... extraArgs)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=" + productionLogbackConfig(),
                "-cp",
                System.getProperty("java.class.path"),
                BareCollectorMain.class.getName(),
                "serve",
                "--port",
                "0",
                "--host",
                "127.0.0.1",
                "--db",
                db));
    command.addAll(List.of(extraArgs));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("JMO_TELEMETRY_ADMIN_TOKEN");
    Process process = builder.start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  Files.writeString(
                      log,
                      line + "\n",
                      StandardCharsets.UTF_8,
                      StandardOpenOption.CREATE,
                      StandardOpenOption.APPEND);
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  }
                }
              } catch (IOException e) {
                port.completeExceptionally(e);
              }
              port.completeExceptionally(
                  new IllegalStateException("the collector exited before listening; see " + log));
            },
            "collector-output");
    pump.setDaemon(true);
    pump.start();
    try {
      return new CollectorProcess(process, log, port.get(90, TimeUnit.SECONDS), pump);
    } catch (Exception e) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException(
          "the collector did not start: " + e.getMessage() + "\n" + readLog(log), e);
    }
  }

  /** The real logback.xml of the collector (tests otherwise use logback-test.xml). */
  static Path productionLogbackConfig() {
    URL url = CollectorProcess.class.getClassLoader().getResource("logback.xml");
    if (url == null) {
      throw new IllegalStateException("logback.xml is not on the class path");
    }
    try {
      return Paths.get(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  int port() {
    return port;
  }

  Path log() {
    return log;
  }

  /** SIGKILL, then wait for the process to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    pump.join(10_000);
  }

  /** SIGTERM; returns the exit code, or -1 if it did not exit within 60 s. */
  int terminate() throws InterruptedException {
    // Through the handle: Process.destroy() would also close our end of its output pipe, and
    // what it logs while stopping would be lost.
    process.toHandle().destroy();
    boolean exited = process.waitFor(60, TimeUnit.SECONDS);
    pump.join(10_000); // the log is complete once its pipe is drained
    return exited ? process.exitValue() : -1;
  }

  static String readLog(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
