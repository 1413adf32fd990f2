package com.jmotools.telemetry.bench.client;

import com.jmotools.telemetry.client.Telemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in host process for {@link ExitTimeHarness}: builds the client as a CLI would, "scans"
 * for a while, records {@code scan.started} and {@code scan.completed}, then closes and returns
 * from {@code main}. Prints {@code close-start <epoch ms>} and {@code close-nanos <ns>}.
 *
 * <p>Arguments: state directory, collector base URL, {@code on} or {@code off}, scan milliseconds.
 */
public final class HostProcessMain {

  private HostProcessMain() {}

  public static void main(String[] args) throws InterruptedException {
    boolean on = args[2].equals("on");
    Map<String, String> env =
        on
            ? Map.of(Telemetry.ENDPOINT_VARIABLE, args[1])
            : Map.of(Telemetry.ENDPOINT_VARIABLE, args[1], "JMO_TELEMETRY_DISABLE", "1");
    if (on && !java.nio.file.Files.exists(Path.of(args[0]).resolve("telemetry/settings.json"))) {
      // once per state directory: a user who ran `jmo telemetry enable` (a project's on waits for
      // the notice)
      try (Telemetry admin =
          Telemetry.builder()
              .hostVersion("0.7.0")
              .environment(env)
              .stateDirectory(Path.of(args[0]))
              .administration()
              .build()) {
        admin.enableForUser();
      }
    }
    Telemetry t =
        Telemetry.builder()
            .hostVersion("0.7.0")
            .environment(env)
            .stateDirectory(Path.of(args[0]))
            .build();
    Map<String, Object> started = new LinkedHashMap<>();
    started.put("mode", "cli");
    started.put("profile", "fast");
    started.put("tools", List.of("semgrep", "trivy"));
    started.put(
        "target_types",
        Map.of("repos", 1, "images", 0, "urls", 0, "iac", 0, "gitlab", 0, "k8s", 0));
    t.record("scan.started", started);

    Thread.sleep(Duration.ofMillis(Long.parseLong(args[3])).toMillis()); // the scan itself

    Map<String, Object> completed = new LinkedHashMap<>();
    completed.put("mode", "cli");
    completed.put("profile", "fast");
    completed.put("duration_bucket", "<5min");
    completed.put("tools_succeeded", 2);
    completed.put("tools_failed", 0);
    completed.put("total_findings_bucket", "1-10");
    t.record("scan.completed", completed);
    System.out.println("close-start " + System.currentTimeMillis());
    long start = System.nanoTime();
    t.close();
    System.out.println("close-nanos " + (System.nanoTime() - start));
    System.out.flush();
  }
}
