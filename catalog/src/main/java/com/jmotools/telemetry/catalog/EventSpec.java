package com.jmotools.telemetry.catalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One event of the catalog: its name, when it is sent, and its metadata fields in catalog order.
 */
public record EventSpec(String name, String when, Map<String, FieldSpec> fields) {

  public EventSpec {
    Objects.requireNonNull(name, "name");
    when = when == null ? "" : when;
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }
}
