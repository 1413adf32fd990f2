package com.jmotools.telemetry.client;

import com.jmotools.telemetry.catalog.Catalog;
import com.jmotools.telemetry.client.internal.Backoff;
import com.jmotools.telemetry.client.internal.Outbox;
import com.jmotools.telemetry.client.internal.SeededRandom;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

/** Immutable, checked settings of a client. */
final class TelemetrySettings {
  String hostVersion;
  DefaultPolicy policy;
  Map<String, String> environment;
  Boolean projectSetting;
  String projectEndpoint;
  String projectFile;
  Path stateDirectory;
  Duration flushTimeout;
  Duration networkTimeout;
  Duration shortRun;
  Duration maxWait;
  Outbox.Limits limits;
  long maxSentLogBytes;
  boolean administration;
  int queueCapacity;
  Backoff backoff;
  Clock clock;
  Sleeper sleeper;
  Random random;
  Path dockerMarker;
  PrintStream stderr;
  Catalog catalog;

  /** Created when first needed: seeding from SecureRandom costs a disabled client for nothing. */
  synchronized Random random() {
    if (random == null) {
      random = new SeededRandom();
    }
    return random;
  }

  /** Loaded when first needed: parsing the catalog initialises Jackson's data binding. */
  synchronized Catalog catalog() {
    if (catalog == null) {
      catalog = Catalog.standard();
    }
    return catalog;
  }
}
