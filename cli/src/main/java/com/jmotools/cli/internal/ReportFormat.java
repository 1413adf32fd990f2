package com.jmotools.cli.internal;

import java.util.Locale;

/** The report formats of {@code jmo report --formats}, with the file each one writes. */
public enum ReportFormat {
  JSON("findings.json"),
  MD("SUMMARY.md"),
  HTML("dashboard.html"),
  SARIF("findings.sarif"),
  YAML("findings.yaml");

  private final String fileName;

  ReportFormat(String fileName) {
    this.fileName = fileName;
  }

  /** The file written into the report directory. */
  public String fileName() {
    return fileName;
  }

  /** The catalog's name of the format (json, md, html, sarif, yaml). */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The format named {@code text} (any case).
   *
   * @throws IllegalArgumentException naming the allowed values
   */
  public static ReportFormat parse(String text) {
    for (ReportFormat f : values()) {
      if (f.wire().equalsIgnoreCase(text.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown report format '" + text + "' (use json, md, html, sarif, yaml)");
  }
}
