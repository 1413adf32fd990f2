package com.jmotools.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class SuppressionTest {

  private static final LocalDate TODAY = LocalDate.of(2026, 11, 27);

  private static Finding finding(String tool, String rule, String path) {
    return new Finding(tool, rule, Severity.HIGH, "t", path, 1, "m", List.of());
  }

  @Test
  void everyGivenConditionMustHold() {
    Suppression s = new Suppression("B101", "bandit", "tests/**", "asserts", null);
    assertThat(s.matches(finding("bandit", "B101", "tests/unit/a.py"), TODAY)).isTrue();
    assertThat(s.matches(finding("bandit", "B101", "tests/a.py"), TODAY)).isTrue();
    assertThat(s.matches(finding("bandit", "B101", "src/a.py"), TODAY)).isFalse();
    assertThat(s.matches(finding("semgrep", "B101", "tests/a.py"), TODAY)).isFalse();
    assertThat(s.matches(finding("bandit", "B102", "tests/a.py"), TODAY)).isFalse();
  }

  @Test
  void aSingleStarStaysWithinASegmentAndAnExpiredRuleMatchesNothing() {
    assertThat(
            new Suppression(null, null, "src/*.py", "", null)
                .matches(finding("x", "r", "src/a/b.py"), TODAY))
        .isFalse();
    assertThat(
            new Suppression(null, null, "src/*.py", "", null)
                .matches(finding("x", "r", "src/b.py"), TODAY))
        .isTrue();
    Suppression expiring = new Suppression("r", null, null, "", TODAY);
    assertThat(expiring.matches(finding("x", "r", "a"), TODAY)).isTrue();
    assertThat(expiring.matches(finding("x", "r", "a"), TODAY.plusDays(1))).isFalse();
  }
}
