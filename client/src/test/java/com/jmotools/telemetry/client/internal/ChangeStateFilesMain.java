package com.jmotools.telemetry.client.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

/**
 * A second {@code jmo} process for the tests of concurrent state changes: prints {@code ready},
 * waits until the start file exists (so that every process starts changing at the same moment),
 * then adds {@code count} deletion requests for {@link #COLLECTOR}, each followed by a failed
 * attempt (two rewrites of the file per request), printing each id as it is acknowledged.
 *
 * <p>Arguments: state directory, start file, count.
 */
public final class ChangeStateFilesMain {

  static final String COLLECTOR = "http://127.0.0.1:8001";
  static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

  private ChangeStateFilesMain() {}

  public static void main(String[] args) throws Exception {
    Path state = Path.of(args[0]);
    Path start = Path.of(args[1]);
    int count = Integer.parseInt(args[2]);
    DeletionRequests requests = new DeletionRequests(state, COLLECTOR);
    requests.list(); // load the classes before the start, so that the processes overlap
    System.out.println("ready");
    System.out.flush();
    while (!Files.exists(start)) {
      Thread.onSpinWait();
    }
    for (int i = 0; i < count; i++) {
      UUID id = UUID.randomUUID();
      requests.add(id, COLLECTOR, NOW);
      System.out.println(id); // acknowledged, as `jmo telemetry delete` would announce it
      requests.failed(id, COLLECTOR, NOW.plusSeconds(30), "offline");
    }
    System.out.flush();
  }
}
