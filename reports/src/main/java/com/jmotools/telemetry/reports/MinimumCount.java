package com.jmotools.telemetry.reports;

import java.util.ArrayList;
import java.util.List;

/**
 * The minimum-count privacy rule of everything published: a cell backed by fewer than {@code k}
 * distinct installations is not shown, and the number of cells hidden is counted so the
 * publication can say so. One instance counts the cells it hid over its life, so use one per
 * publication.
 */
public final class MinimumCount {

  /** The default minimum of distinct ids behind a published cell: {@value}. */
  public static final int DEFAULT_K = 10;

  private final int k;
  private int suppressed;

  /**
   * @throws IllegalArgumentException if {@code k < 1}
   */
  public MinimumCount(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k < 1: " + k);
    }
    this.k = k;
  }

  /** The minimum. */
  public int k() {
    return k;
  }

  /** Whether a cell backed by {@code ids} distinct ids may be shown; counts it as hidden if not. */
  public boolean allows(long ids) {
    if (ids >= k) {
      return true;
    }
    suppressed++;
    return false;
  }

  /** The cells that may be shown, in order; the others are counted as hidden. */
  public List<Cell> keep(List<Cell> cells) {
    List<Cell> out = new ArrayList<>();
    for (Cell c : cells) {
      if (allows(c.ids())) {
        out.add(c);
      }
    }
    return out;
  }

  /** How many cells were hidden so far. */
  public int suppressed() {
    return suppressed;
  }
}
