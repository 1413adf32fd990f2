package com.jmotools.telemetry.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A seconds-long run of {@code bench/collector/run.sh}, so the benchmark harness cannot rot: it
 * must finish, find no fewer rows than acknowledged events, and print its medians. Skipped (saying
 * why) without wrk, sqlite3 and curl. Not a measurement.
 */
@Timeout(300)
class BenchmarkSmokeTest {

  @Test
  void benchmarkHarnessRuns() throws Exception {
    for (String tool : new String[] {"wrk", "sqlite3", "curl", "bash"}) {
      assumeTrue(onPath(tool), "benchmark smoke test skipped: " + tool + " is not on the PATH");
    }
    Path script =
        Paths.get(System.getProperty("jmo.repo.root", "..")).resolve("bench/collector/run.sh");
    assertThat(script).exists();
    int port;
    int trivialPort;
    try (ServerSocket s = new ServerSocket(0);
        ServerSocket t = new ServerSocket(0)) {
      port = s.getLocalPort();
      trivialPort = t.getLocalPort();
    }
    ProcessBuilder builder =
        new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
    builder.environment().put("BENCH_CLASSPATH", System.getProperty("java.class.path"));
    builder.environment().put("RUNS", "1");
    builder.environment().put("DURATION", "1s");
    builder.environment().put("WARMUP", "1s");
    builder.environment().put("RAW_ROWS", "2000");
    builder.environment().put("CONNECTIONS_SINGLE", "16");
    builder.environment().put("CONNECTIONS_BATCH", "2");
    builder.environment().put("PORT", Integer.toString(port));
    builder.environment().put("TRIVIAL_PORT", Integer.toString(trivialPort));
    builder
        .environment()
        .put(
            "JMO_TELEMETRY_JAVA_OPTS",
            "-Xmx256m -Dlogback.configurationFile=" + CollectorProcess.productionLogbackConfig());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(240, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("medians of 1 runs")
        .contains("batched / raw sqlite3")
        .contains("single / trivial server")
        .doesNotContain("fewer rows");
  }

  @Test
  void storeRateHarnessRuns() throws Exception {
    Path program =
        Paths.get(System.getProperty("jmo.repo.root", ".."))
            .resolve("bench/collector/StoreRate.java");
    assertThat(program).exists();
    Process process =
        new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + CollectorProcess.productionLogbackConfig(),
                "-cp",
                System.getProperty("java.class.path"),
                program.toString(),
                "6000",
                "1000")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("store ")
        .contains("store+unique-index")
        .contains("ordered-ids")
        .contains("events/s overall");
  }

  private static boolean onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Paths.get(dir, name))) {
        return true;
      }
    }
    return false;
  }
}
