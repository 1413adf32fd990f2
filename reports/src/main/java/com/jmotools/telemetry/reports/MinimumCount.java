package com.jmotools.telemetry.reports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The minimum-count privacy rule of everything published: a cell backed by fewer than {@code k}
 * distinct installations is not shown, and the number of cells hidden is counted so the publication
 * can say so. One instance counts the cells it hid over its life, so use one per publication.
 *
 * <p>Hiding a cell is not enough when the total or the other shares are published: the hidden
 * cell's size is then the total minus the shown cells. {@link #publish} applies secondary
 * (complementary) suppression: whenever a cell is hidden, the shown cell of fewest events is hidden
 * with it, so what subtraction yields is the sum of the hidden cells, which includes a cell of at
 * least {@code k} installations and may be published as "other". When no cell can be shown, there
 * is no such cell and nothing is published, not even "other". {@link #publishDistinct} does the
 * same for counts of distinct installations, which overlap and so do not add up to their total.
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
   * @param otherAllowed whether the hidden cells may be published together as "other": only when
   *     they include a cell of at least k installations, so the group holds at least k (the
   *     distinct installations of several cells together are not known, only each cell's)
   */
  public record Published(
      List<Cell> shown, int hiddenValues, long hiddenEvents, boolean otherAllowed) {
    public Published {
      shown = List.copyOf(shown);
    }
  }

  /**
   * The cells of a breakdown that may be shown such that no hidden cell's size can be derived by
   * subtracting the shown cells from the total: cells below k are hidden (a cell of nobody is
   * shown: a zero reveals no one), and if any is, so is the shown cell of fewest events (then
   * fewest installations, then last key). That cell is the least informative one to lose, and never
   * a bigger one than a shown cell, so the most used value stays visible. The remainder then holds
   * at least k installations; if no cell could be shown, there is no such remainder and the hidden
   * cells may not be published together either ({@link Published#otherAllowed()}).
   */
  public Published publish(List<Cell> cells) {
    List<Cell> shown = new ArrayList<>();
    List<Cell> hidden = new ArrayList<>();
    for (Cell c : cells) {
      (c.ids() == 0 || allows(c.ids()) ? shown : hidden).add(c);
    }
    boolean otherAllowed = false;
    if (!hidden.isEmpty()) {
      Optional<Cell> fewest =
          shown.stream()
              .filter(c -> c.ids() > 0)
              .min(
                  Comparator.comparingLong(Cell::events)
                      .thenComparingLong(Cell::ids)
                      .thenComparing(Cell::key, Comparator.reverseOrder()));
      if (fewest.isPresent()) {
        shown.remove(fewest.get());
        hidden.add(fewest.get());
        suppressed++;
        otherAllowed = true;
      }
    }
    return new Published(
        shown, hidden.size(), hidden.stream().mapToLong(Cell::events).sum(), otherAllowed);
  }

  /**
   * The cells of a breakdown of distinct installations (per month, per day) that may be shown
   * beside their published total {@code totalIds}. Such cells overlap (an installation active in
   * two months counts in both), so no "other" sum exists; but the total minus the shown cells is a
   * lower bound of the installations seen only in hidden cells, and exact when one cell is shown
   * (10 in November of 13 in the window: 3 installations seen only in September). So cells below k
   * are hidden, and while that remainder is between 1 and k - 1, the smallest shown cell is hidden
   * too. What subtraction then yields is nothing, or a group of at least k installations.
   *
   * @param cells the cells, in their order; a cell of no installation is always shown
   * @param totalIds the distinct installations of all the cells together
   */
  public List<Cell> publishDistinct(List<Cell> cells, long totalIds) {
    List<Cell> shown = new ArrayList<>();
    for (Cell c : cells) {
      if (c.ids() == 0 || allows(c.ids())) {
        shown.add(c);
      }
    }
    return narrowDistinct(cells, shown, totalIds);
  }

  /**
   * What stays shown of a breakdown of distinct installations beside one more published total of
   * them, when some of its cells are already hidden (for another total, or below k): while the
   * total minus the shown cells is between 1 and k - 1, the smallest shown cell is hidden too, and
   * counted. The hidden cells must be passed in {@code cells}: they are what the remainder stands
   * for (a month of 26 installations, of which 23 on the days shown, leaves the 3 of a hidden day).
   *
   * @param cells all the cells that make up {@code totalIds}, shown or not, in their order
   * @param shown those of {@code cells} shown so far
   * @param totalIds the distinct installations of all {@code cells} together
   * @return the cells of {@code shown} that may stay shown, in the order of {@code cells}
   */
  public List<Cell> narrowDistinct(
      List<Cell> cells, java.util.Collection<Cell> shown, long totalIds) {
    List<Cell> out = new ArrayList<>();
    boolean anyHidden = false;
    for (Cell c : cells) {
      if (shown.contains(c)) {
        out.add(c);
      } else {
        anyHidden = true;
      }
    }
    while (anyHidden) {
      long remainder = totalIds - out.stream().mapToLong(Cell::ids).sum();
      Optional<Cell> smallest =
          out.stream()
              .filter(c -> c.ids() > 0)
              .min(
                  Comparator.comparingLong(Cell::ids)
                      .thenComparing(Cell::key, Comparator.reverseOrder()));
      if (remainder <= 0 || remainder >= k || smallest.isEmpty()) {
        break;
      }
      out.remove(smallest.get());
      suppressed++;
    }
    return out;
  }

  /** How many cells were hidden so far. */
  public int suppressed() {
    return suppressed;
  }
}
