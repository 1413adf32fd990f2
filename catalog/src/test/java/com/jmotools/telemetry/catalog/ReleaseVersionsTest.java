package com.jmotools.telemetry.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReleaseVersionsTest {

  /** Every spelling of a label the shape accepts, and none. */
  private static final List<String> LABELS =
      List.of(
          "", "alpha", "a", "beta", "b", "rc", "c", "pre", "preview", "dev", "post", "r", "rev");

  private static final List<String> SEPARATORS = List.of("", ".", "-", "_");

  @Test
  void noAcceptedVersionIsStoredWithFourNumbers() {
    int accepted = 0;
    for (String release : List.of("192.168", "192.168.100", "10.0.1", "1.2")) {
      for (String label : LABELS) {
        for (String before : label.isEmpty() ? List.of("") : SEPARATORS) {
          for (String after : label.isEmpty() ? List.of("") : SEPARATORS) {
            for (String number : label.isEmpty() ? List.of("") : List.of("", "7", "77", "255")) {
              String sent = release + before + label + (number.isEmpty() ? "" : after + number);
              Optional<String> stored = ReleaseVersions.normalise(sent);
              if (stored.isPresent()) {
                accepted++;
                assertThat(stored.get().split("[^0-9]+")).as(sent).hasSizeLessThanOrEqualTo(3);
                assertThat(ReleaseVersions.normalise(stored.get())).as(sent).isEqualTo(stored);
              }
            }
          }
        }
      }
    }
    assertThat(accepted).as("the loop tried accepted shapes").isGreaterThan(500);
  }

  @Test
  void honestVersionsOfBothConventionsAreAccepted() {
    assertThat(ReleaseVersions.normalise("1.2.3rc1")).contains("1.2.3-rc");
    assertThat(ReleaseVersions.normalise("0.7.0.post1")).contains("0.7.0-post");
    assertThat(ReleaseVersions.normalise("1.2")).contains("1.2");
    assertThat(ReleaseVersions.normalise("1.2.3-beta.2")).contains("1.2.3-beta");
    assertThat(ReleaseVersions.normalise("1.2b2")).contains("1.2-beta.2");
  }
}
