package com.jmotools.cli;

import com.jmotools.telemetry.catalog.ReleaseVersions;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** jmo's version, from the build (the Maven project version). */
final class Version implements CommandLine.IVersionProvider {

  private static final String UNKNOWN = "0.0.0-dev.0";

  /** The version sent in telemetry and printed by {@code --version}. */
  static final String VERSION = load();

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      // The catalog's release shape (its normal form): any other text would make every event
      // invalid.
      return ReleaseVersions.normalise(p.getProperty("version", "")).orElse(UNKNOWN);
    } catch (IOException e) {
      return UNKNOWN;
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"${COMMAND-FULL-NAME} " + VERSION};
  }
}
