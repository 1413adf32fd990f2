package com.jmotools.telemetry.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BucketsTest {

  @ParameterizedTest(name = "{0} s -> {1}")
  @CsvSource({
    "-5, <5min",
    "0, <5min",
    "299.999, <5min",
    "300, 5-15min",
    "899, 5-15min",
    "900, 15-30min",
    "1799.9, 15-30min",
    "1800, >30min",
    "86400, >30min",
  })
  void durationBucketsAreExclusiveAtTheirUpperBound(double seconds, String label) {
    assertThat(Buckets.durationSeconds(seconds)).isEqualTo(label);
  }

  @Test
  void durationFromJavaDurationUsesSubSecondPrecision() {
    assertThat(Buckets.duration(Duration.ofMillis(299_999))).isEqualTo("<5min");
    assertThat(Buckets.duration(Duration.ofSeconds(300))).isEqualTo("5-15min");
    assertThat(Buckets.duration(Duration.ofSeconds(-1))).isEqualTo("<5min");
  }

  @ParameterizedTest(name = "{0} findings -> {1}")
  @CsvSource({
    "0, 0",
    "1, 1-10",
    "10, 1-10",
    "11, 10-100",
    "100, 10-100",
    "101, 100-1000",
    "1000, 100-1000",
    "1001, >1000",
    "9223372036854775807, >1000",
  })
  void findingsBucketsIncludeTheirUpperBound(long count, String label) {
    assertThat(Buckets.findings(count)).isEqualTo(label);
  }

  @Test
  void negativeFindingsAreAProgrammerError() {
    assertThatThrownBy(() -> Buckets.findings(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("findings count < 0: -1");
  }

  @ParameterizedTest(name = "{0} s -> {1}")
  @CsvSource({
    "-3, 0",
    "0, 0",
    "9, 0",
    "10, 10",
    "129, 120",
    "3599, 3590",
    "3600, 3600",
    "99999, 3600"
  })
  void wizardSecondsRoundDownToTenAndCapAtAnHour(long seconds, long sent) {
    assertThat(Buckets.wizardSeconds(Duration.ofSeconds(seconds))).isEqualTo(sent);
  }
}
