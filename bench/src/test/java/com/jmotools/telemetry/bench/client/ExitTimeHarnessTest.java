package com.jmotools.telemetry.bench.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A smoke test of the harness (one pair); the measurement itself is run by hand, see
 * bench/README.md.
 */
class ExitTimeHarnessTest {

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void onePairRunsAndTheOnProcessDeliversBothEvents() throws Exception {
    ExitTimeHarness.Result r = ExitTimeHarness.measure(1, 100);
    assertThat(r.delivered()).isEqualTo(2);
    assertThat(r.closeOnMillis()).isPositive();
    assertThat(r.exitOffMillis()).isPositive();
  }
}
