package com.jmotools.telemetry.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** jmo's version, from the build (the Maven project version). */
final class Version implements CommandLine.IVersionProvider {

  /** The version sent in telemetry and printed by {@code --version}. */
  static final String VERSION = load();

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      String v = p.getProperty("version", "");
      // The catalog's release shape: any other text would make every event invalid.
      return v.matches("[0-9]{1,4}(\\.[0-9]{1,4}){1,2}([-+][0-9A-Za-z][0-9A-Za-z.-]{0,15})?") ? v : "0.0.0-dev";
    } catch (IOException e) {
      return "0.0.0-dev";
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"${COMMAND-FULL-NAME} " + VERSION};
  }
}
