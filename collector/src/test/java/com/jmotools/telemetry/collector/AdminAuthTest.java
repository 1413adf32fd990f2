package com.jmotools.telemetry.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AdminAuthTest {

  @Test
  void matchesOnlyTheToken() {
    AdminAuth auth = AdminAuth.of("  correct-horse-battery-staple\n");
    assertThat(auth.isEnabled()).isTrue();
    assertThat(auth.matches("correct-horse-battery-staple")).isTrue();
    assertThat(auth.matches("correct-horse-battery-stapl")).isFalse();
    assertThat(auth.matches("")).isFalse();
    assertThat(auth.matches(null)).isFalse();
  }

  @Test
  void disabledMatchesNothing() {
    assertThat(AdminAuth.disabled().isEnabled()).isFalse();
    assertThat(AdminAuth.disabled().matches("anything-at-all-here")).isFalse();
  }

  @Test
  void refusesWeakTokens() {
    assertThatThrownBy(() -> AdminAuth.of("short")).hasMessageContaining("at least 16");
    assertThatThrownBy(() -> AdminAuth.of("has white space in the middle"))
        .hasMessageContaining("whitespace");
  }
}
