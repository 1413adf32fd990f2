package com.jmotools.telemetry.collector;

import picocli.CommandLine.Option;

/**
 * The {@code --db} option every {@code jmo-telemetry} command shares; use it as a picocli
 * {@code @Mixin} so {@code serve}, {@code purge}, {@code stats} and {@code export} read the same
 * way.
 */
public final class DatabaseOption {

  @Option(
      names = "--db",
      paramLabel = "<path|jdbc-url>",
      defaultValue = "${env:JMO_TELEMETRY_DB:-" + Database.DEFAULT_LOCATION + "}",
      description =
          "SQLite file or jdbc:postgresql:// URL (env JMO_TELEMETRY_DB; default:"
              + " ${DEFAULT-VALUE}).")
  String location = Database.DEFAULT_LOCATION;

  /** The value given (or its default). */
  public String location() {
    return location;
  }

  /** Opens the database with its schema migrated; see {@link Database#open(String)}. */
  public Database open() {
    return Database.open(location);
  }
}
