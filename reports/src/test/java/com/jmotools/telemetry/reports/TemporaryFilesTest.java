package com.jmotools.telemetry.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class TemporaryFilesTest {

  @TempDir Path dir;

  /**
   * Run in a child JVM: stages a folder with a file under the guard, closes the guard first if
   * asked to, says "ready" and waits to be terminated.
   */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      Path staging = Files.createDirectories(Paths.get(args[0]).resolve("charts"));
      Files.writeString(staging.resolve("2026q1-tools.png"), "figures");
      TemporaryFiles.Guard guard = TemporaryFiles.deleteOnExit(staging.getParent());
      if (args.length > 1) {
        guard.close();
      }
      System.out.println("ready");
      System.out.flush();
      Thread.sleep(60_000);
    }
  }

  private Process child(Path staging, boolean closeFirst) throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                Child.class.getName(),
                staging.toString()));
    if (closeFirst) {
      command.add("close");
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    assertThat(out.readLine()).isEqualTo("ready");
    return p;
  }

  @Test
  @Timeout(60)
  void aRunTerminatedWhileItsFilesAreStagedDeletesThem() throws Exception {
    Path staging = dir.resolve(".transparency-2026q1-1");
    Process p = child(staging, false);
    p.destroy(); // SIGTERM, as kill and an interrupted shell send
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(staging).doesNotExist();
  }

  @Test
  @Timeout(60)
  void aClosedGuardKeepsThePath() throws Exception {
    Path staging = dir.resolve(".transparency-2026q1-2");
    Process p = child(staging, true);
    p.destroy();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(staging.resolve("charts").resolve("2026q1-tools.png")).exists();
  }
}
