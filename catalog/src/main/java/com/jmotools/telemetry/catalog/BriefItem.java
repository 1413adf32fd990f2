package com.jmotools.telemetry.catalog;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One line of the catalog's summary of what is sent ({@code in_brief}): the words a person reads in
 * the opt-out notice and the wizard's question, and the catalog fields those words stand for.
 *
 * @param text the words, lower case, no final full stop
 * @param fields per event name (or {@link #ENVELOPE}), the names of the fields the words cover
 */
public record BriefItem(String text, Map<String, List<String>> fields) {

  /** The key of {@link #fields} that names envelope fields. */
  public static final String ENVELOPE = "envelope";

  public BriefItem {
    Objects.requireNonNull(text, "text");
    if (text.isBlank()) {
      throw new IllegalArgumentException("an in_brief item without text");
    }
    fields = Map.copyOf(fields);
  }
}
