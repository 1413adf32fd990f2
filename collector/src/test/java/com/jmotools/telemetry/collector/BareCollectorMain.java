package com.jmotools.telemetry.collector;

import java.util.List;

/**
 * The collector's command line without extensions, as a process of its own: what {@link
 * CollectorProcess} starts and kills. The product's only {@code main} is the app module's.
 */
final class BareCollectorMain {
  private BareCollectorMain() {}

  public static void main(String[] args) {
    System.exit(JmoTelemetryCommand.commandLine(List.of()).execute(args));
  }
}
