package com.jmotools.telemetry.catalog;

import java.util.Locale;

/** The kinds of value a catalog field can hold. */
public enum FieldType {
  /** The name of one of the catalog's events. */
  EVENT_NAME,
  /** A string of bounded length matching a pattern. */
  STRING,
  /** A release version, stored in its normal form: see {@link ReleaseVersions}. */
  RELEASE_VERSION,
  /** One of a fixed list of strings. */
  ENUM,
  /** A canonical UUID string. */
  UUID,
  /** An ISO-8601 date-time, with or without offset (none means UTC). */
  TIMESTAMP,
  /** A whole number within a range. */
  INTEGER,
  /** {@code true} or {@code false}. */
  BOOLEAN,
  /** One label of a bucket scheme, such as {@code 10-100}. */
  BUCKET,
  /** The name of a tool of the catalog's tool list. */
  TOOL,
  /** A JSON array of items of one type. */
  LIST,
  /** A JSON object from catalog tool names to whole numbers within a range, such as run counts. */
  TOOL_COUNTS,
  /** A JSON object with fixed fields. */
  OBJECT,
  /** An event's metadata object, whose fields the event defines. */
  METADATA;

  static FieldType parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown field type in catalog: " + name, e);
    }
  }

  /** The name used in the catalog file. */
  public String catalogName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
