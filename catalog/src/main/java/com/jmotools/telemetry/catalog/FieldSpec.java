package com.jmotools.telemetry.catalog;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One field of the catalog: its type and the values it may take.
 *
 * <p>Which attributes matter depends on the {@link FieldType}: {@code values} for enums, {@code
 * min}/{@code max}/{@code multipleOf} for integers, {@code bucket} for bucket labels, {@code
 * items}/{@code maxItems}/{@code unique} for lists, {@code fields} for objects, {@code
 * maxLength}/{@code pattern} for strings. An enum with a {@code fallback} never refuses a string: a
 * value outside its list (matched case-insensitively, then through {@code aliases}) is read as the
 * fallback.
 */
public record FieldSpec(
    String name,
    FieldType type,
    String description,
    boolean required,
    boolean nullable,
    List<String> values,
    Map<String, String> aliases,
    Long min,
    Long max,
    Long multipleOf,
    String bucket,
    FieldSpec items,
    Integer maxItems,
    boolean unique,
    Map<String, FieldSpec> fields,
    Integer maxLength,
    Pattern pattern,
    String fallback) {

  public FieldSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    description = description == null ? "" : description;
    values = values == null ? List.of() : List.copyOf(values);
    aliases = aliases == null ? Map.of() : Map.copyOf(aliases);
    fields =
        fields == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    if (type == FieldType.ENUM && values.isEmpty()) {
      throw new IllegalArgumentException("enum field without values: " + name);
    }
    if (fallback != null && !values.contains(fallback)) {
      throw new IllegalArgumentException(
          "the fallback of " + name + " is not one of its values: " + fallback);
    }
    if (type == FieldType.LIST && items == null) {
      throw new IllegalArgumentException("list field without items: " + name);
    }
    if (type == FieldType.BUCKET && bucket == null) {
      throw new IllegalArgumentException("bucket field without a bucket scheme: " + name);
    }
    if (min != null && max != null && min > max) {
      throw new IllegalArgumentException("min > max for " + name + ": " + min + " > " + max);
    }
  }
}
