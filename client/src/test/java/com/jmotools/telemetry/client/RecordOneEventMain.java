package com.jmotools.telemetry.client;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tiny host process for the multi-process tests: records one {@code scan.completed} (its {@code
 * tools_succeeded} is the given number, so the test can tell the events apart), prints the time it
 * starts closing, closes, prints the time it closed and how many uploads failed, and exits at once.
 *
 * <p>Arguments: state directory, collector base URL, number to record (or {@code -} to record
 * nothing), optionally {@code off} to run with telemetry off (a baseline for exit times) or {@code
 * exit} to call {@code System.exit} right after recording, without closing, and optionally the
 * milliseconds it works before closing.
 */
public final class RecordOneEventMain {

  private RecordOneEventMain() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> env = Map.of(Telemetry.ENDPOINT_VARIABLE, args[1]);
    boolean on = args.length < 4 || !args[3].equals("off");
    if (on) {
      // a user who ran `jmo telemetry enable` (a project's on would wait for the notice)
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
    Telemetry telemetry =
        Telemetry.builder()
            .hostVersion("0.7.0")
            .environment(env)
            .projectSetting(on ? null : false)
            .stateDirectory(Path.of(args[0]))
            .build();
    if (!args[2].equals("-")) {
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("mode", "cli");
      metadata.put("profile", "fast");
      metadata.put("duration_bucket", "<5min");
      metadata.put("tools_succeeded", Integer.parseInt(args[2]));
      metadata.put("tools_failed", 0);
      metadata.put("total_findings_bucket", "0");
      telemetry.record("scan.completed", metadata);
    }
    if (args.length >= 5) {
      Thread.sleep(Long.parseLong(args[4])); // a host that works a while before it exits
    }
    if (args.length >= 4 && args[3].equals("exit")) {
      System.exit(0); // a host that exits without closing: the shutdown hook keeps the event
    }
    System.out.println("closing-at " + System.currentTimeMillis());
    System.out.flush();
    telemetry.close();
    System.out.println("closed-at " + System.currentTimeMillis());
    // requests whose answer this process never saw (aborted at the flush bound, network errors)
    System.out.println("upload-failures " + telemetry.stats().uploadFailures());
    System.out.flush();
  }
}
