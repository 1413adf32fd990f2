package com.jmotools.telemetry.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code jmo-telemetry} behaves like {@code jmo}: usage, exit codes, versions, one-line errors. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JmoTelemetryCommandLineTest {

  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    int code =
        JmoTelemetry.commandLine(Clock.systemUTC(), out, new PrintWriter(err, true)).execute(args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
  }

  @Test
  void noArgumentsPrintsTheUsageOnStandardErrorAndExits2() {
    Run r = run();
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("Usage: jmo-telemetry").contains("serve").contains("stats");
  }

  @ParameterizedTest
  @ValueSource(strings = {"serve", "purge", "stats", "export", "report", "generate-completion"})
  void everySubcommandPrintsTheVersion(String sub) {
    Run r = run(sub, "--version");
    assertThat(r.code()).isZero();
    assertThat(r.out().trim()).isEqualTo("jmo-telemetry 0.7.0");
  }

  @Test
  void aUsageErrorIsOneLineAndExits2() {
    Run r = run("stats", "--format", "xml");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().trim().lines()).hasSize(1);
    assertThat(r.err()).startsWith("jmo-telemetry stats: ").contains("--help");
  }

  @Test
  void aBadValueIsAUsageErrorWithoutJavaInternals() {
    Run bad = run("stats", "--db", dir.resolve("t.db").toString(), "--from", "2026-13-01");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err().trim().lines()).hasSize(1);
    assertThat(bad.err())
        .startsWith("jmo-telemetry stats: --from: ")
        .contains("2026-13-01")
        .doesNotContain("index")
        .doesNotContain("Exception");
  }

  @Test
  void aRuntimeErrorIsOneLineWithoutJavaInternals() {
    Run bad = run("stats", "--db", dir.resolve("t.db").toString());
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err().trim().lines()).hasSize(1);
    assertThat(bad.err())
        .startsWith("jmo-telemetry stats: ")
        .contains("t.db")
        .doesNotContain("Exception");
  }

  @Test
  void shellCompletionIsGenerated() {
    Run r = run("generate-completion");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("complete").contains("jmo-telemetry").contains("stats");
  }

  @ParameterizedTest
  @ValueSource(strings = {"stats", "export", "report"})
  void jmoTelemetryDbIsHonouredAsByServe(String sub) throws Exception {
    // the variable is read from the process environment: a child JVM
    Path missing = dir.resolve("from-the-variable.db");
    String java = ProcessHandle.current().info().command().orElse("java");
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd =
        new ArrayList<>(List.of(java, "-cp", classpath, JmoTelemetry.class.getName(), sub));
    if (sub.equals("report")) {
      cmd.addAll(List.of("--quarter", "2026Q1", "--out", dir.resolve("out").toString()));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("JMO_TELEMETRY_DB", missing.toString());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isEqualTo(1);
    assertThat(output).contains(missing.toString());
  }
}
