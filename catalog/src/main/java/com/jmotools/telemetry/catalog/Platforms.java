package com.jmotools.telemetry.catalog;

import java.util.Locale;

/** Maps an operating system's name to the catalog's platform values. */
public final class Platforms {

  private Platforms() {}

  /** The platform of this JVM: {@code Linux}, {@code macOS}, {@code Windows} or {@code Other}. */
  public static String current() {
    return of(System.getProperty("os.name", ""));
  }

  /** The platform for an {@code os.name} or Python {@code platform.system()} value. */
  public static String of(String osName) {
    String name = osName.toLowerCase(Locale.ROOT);
    if (name.startsWith("linux")) {
      return "Linux";
    }
    if (name.startsWith("mac") || name.startsWith("darwin")) {
      return "macOS";
    }
    if (name.startsWith("windows")) {
      return "Windows";
    }
    return "Other";
  }

  /** The runtime of this JVM as the catalog sends it, such as {@code java-17}. */
  public static String runtime() {
    return "java-" + Runtime.version().feature();
  }
}
