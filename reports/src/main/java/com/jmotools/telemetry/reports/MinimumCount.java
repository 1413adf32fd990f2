package com.jmotools.telemetry.reports;

import java.util.ArrayList;
import java.util.List;

/**
 * The minimum-count privacy rule of everything published: a cell backed by fewer than {@code k}
 * distinct installations is not shown, and the number of cells hidden is counted so the publication
 * can say so. One instance counts the cells it hid over its life, so use one per publication.
 *
 * <p>Hiding a cell is not enough when the total or the other shares are published: the hidden
 * cell's size is then the total minus the shown cells. {@link #publish} applies secondary
 * (complementary) suppression: whenever a cell is hidden, the smallest cell that could be shown is
 * hidden with it, so what subtraction yields is the sum of the hidden cells, which includes a cell
 * of at least {@code k} installations and may be published as "other".
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

  /**
   * What may be published of a breakdown whose total (or whose shares' sum) is published too.
   *
   * @param shown the cells shown, in their original order
   * @param hiddenValues how many cells were hidden (each below k, plus one complementary cell)
   * @param hiddenEvents the events of the hidden cells together: what subtraction from a total
   *     yields
   */
  public record Published(List<Cell> shown, int hiddenValues, long hiddenEvents) {
    public Published {
      shown = List.copyOf(shown);
    }
  }

  /**
   * The cells of a breakdown that may be shown such that no hidden cell's size can be derived by
   * subtracting the shown cells from the total: cells below k are hidden, and if any is, so is the
   * smallest remaining cell (fewest installations, then fewest events, then last key). The
   * remainder then holds at least k installations.
   */
  public Published publish(List<Cell> cells) {
    List<Cell> shown = new ArrayList<>();
    List<Cell> hidden = new ArrayList<>();
    for (Cell c : cells) {
      (allows(c.ids()) ? shown : hidden).add(c);
    }
    if (!hidden.isEmpty() && !shown.isEmpty()) {
      Cell smallest =
          shown.stream()
              .min(
                  java.util.Comparator.comparingLong(Cell::ids)
                      .thenComparingLong(Cell::events)
                      .thenComparing(Cell::key, java.util.Comparator.reverseOrder()))
              .orElseThrow();
      shown.remove(smallest);
      hidden.add(smallest);
      suppressed++;
    }
    return new Published(shown, hidden.size(), hidden.stream().mapToLong(Cell::events).sum());
  }

  /** How many cells were hidden so far. */
  public int suppressed() {
    return suppressed;
  }
}
