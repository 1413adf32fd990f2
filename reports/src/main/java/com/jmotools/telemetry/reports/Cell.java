package com.jmotools.telemetry.reports;

import java.util.Objects;

/**
 * One cell of a statistic: a value, how many events carry it and how many distinct installations
 * (anonymous ids) sent them. The id count is what the minimum-count privacy rule looks at.
 *
 * @param key the value, such as {@code balanced}
 * @param events how many events
 * @param ids how many distinct anonymous ids
 */
public record Cell(String key, long events, long ids) {

  public Cell {
    Objects.requireNonNull(key, "key");
    if (events < 0 || ids < 0 || ids > events) {
      throw new IllegalArgumentException(
          "inconsistent cell " + key + ": events " + events + ", ids " + ids);
    }
  }
}
