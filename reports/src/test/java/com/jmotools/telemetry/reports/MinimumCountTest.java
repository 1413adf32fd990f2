package com.jmotools.telemetry.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MinimumCountTest {

  private final MinimumCount rule = new MinimumCount(10);

  @Test
  void hiddenValuesWithoutAValueOfKInstallationsAreNotPublishedEvenAsOther() {
    // 3 installations sent 6 wizard runs: summing them as "other" would publish the 6.
    MinimumCount.Published p = rule.publish(List.of(new Cell("gha", 6, 3)));
    assertThat(p.shown()).isEmpty();
    assertThat(p.otherAllowed()).isFalse();
    assertThat(rule.suppressed()).isEqualTo(1);
  }

  @Test
  void theValueHiddenWithASmallOneIsTheShownValueOfFewestEvents() {
    // Balanced: 11 installations, 110 scans; fast: 50 installations, one scan each; deep: 3.
    MinimumCount.Published p =
        rule.publish(
            List.of(
                new Cell("balanced", 110, 11), new Cell("fast", 50, 50), new Cell("deep", 3, 3)));
    assertThat(p.shown()).extracting(Cell::key).containsExactly("balanced");
    assertThat(p.hiddenValues()).isEqualTo(2);
    assertThat(p.hiddenEvents()).isEqualTo(53);
    assertThat(p.otherAllowed()).isTrue();
  }

  @Test
  void aValueOfNobodyIsShownAndHidesNothing() {
    MinimumCount.Published p = rule.publish(List.of(new Cell("a", 20, 12), new Cell("b", 0, 0)));
    assertThat(p.shown()).extracting(Cell::key).containsExactly("a", "b");
    assertThat(p.hiddenValues()).isZero();
    assertThat(rule.suppressed()).isZero();
  }

  @Test
  void aDistinctCountIsHiddenWhenTheTotalMinusTheShownOnesLeavesFewerThanK() {
    // 10 installations in November, 3 only in September, 13 in the window: November alone would
    // show the 3.
    assertThat(
            rule.publishDistinct(
                List.of(new Cell("2026-09", 3, 3), new Cell("2026-11", 10, 10)), 13))
        .isEmpty();
    // B's installations are all in A too: A and B leave 15 - 22, nothing; the reader learns only
    // that at most 15 - 12 were seen only in C, which C's being hidden already says.
    assertThat(
            new MinimumCount(10)
                .publishDistinct(
                    List.of(new Cell("A", 12, 12), new Cell("B", 10, 10), new Cell("C", 3, 3)), 15))
        .extracting(Cell::key)
        .containsExactly("A", "B");
    // Disjoint: 23 - 10 = 13 installations seen only in hidden months, a group of k or more.
    assertThat(
            new MinimumCount(10)
                .publishDistinct(
                    List.of(new Cell("A", 10, 10), new Cell("B", 10, 10), new Cell("C", 3, 3)), 23))
        .extracting(Cell::key)
        .containsExactly("A");
  }

  @Test
  void overlappingDistinctCountsThatExceedTheirTotalStayShown() {
    // Returning installations count in every month: 150 - 270 says nothing about August's 5.
    List<Cell> months =
        List.of(
            new Cell("2026-08", 5, 5),
            new Cell("2026-09", 100, 100),
            new Cell("2026-10", 110, 110),
            new Cell("2026-11", 60, 60));
    assertThat(rule.publishDistinct(months, 150))
        .extracting(Cell::key)
        .containsExactly("2026-09", "2026-10", "2026-11");
    assertThat(rule.suppressed()).isEqualTo(1);
  }

  @Test
  void kBelowOneIsRefused() {
    assertThatThrownBy(() -> new MinimumCount(0)).hasMessage("k < 1: 0");
  }
}
