package com.jmotools.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigEditorTest {

  @TempDir Path tmp;

  private static String set(String text, boolean on) {
    String out = ConfigEditor.withTelemetryEnabled(text, on, "jmo.yml");
    assertThat(ConfigLoader.parse(out, null).telemetryEnabled()).isEqualTo(on);
    return out;
  }

  @Test
  void replacesAnExistingValueInPlaceKeepingCommentsAndOtherKeys() {
    String text =
        "# top comment\ndefault_profile: fast # inline\ntelemetry:\n"
            + "  enabled: false   # why not\n"
            + "  endpoint: https://c.example\n";
    assertThat(set(text, true))
        .isEqualTo(
            "# top comment\ndefault_profile: fast # inline\ntelemetry:\n"
                + "  enabled: true   # why not\n"
                + "  endpoint: https://c.example\n");
  }

  @Test
  void addsEnabledToATelemetryBlockWithoutIt() {
    String text =
        "telemetry:\n    # the team's collector\n    endpoint: https://c.example\nprofiles: {}\n";
    assertThat(set(text, false))
        .isEqualTo(
            "telemetry:\n"
                + "    # the team's collector\n"
                + "    enabled: false\n"
                + "    endpoint: https://c.example\nprofiles: {}\n");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'telemetry:\ncompliance: true\n'|'telemetry:\n  enabled: true\ncompliance: true\n'",
        "'telemetry: ~  # unset\n'|'telemetry: # unset\n  enabled: true\n'",
        "'telemetry: {endpoint: \"https://c.example\"}\n"
            + "'|'telemetry: {endpoint: \"https://c.example\", enabled: true}\n"
            + "'",
        "'telemetry: {}\n'|'telemetry: {enabled: true}\n'"
      })
  void handlesEmptyAndFlowTelemetryValues(String text, String expected) {
    assertThat(set(text, true)).isEqualTo(expected);
  }

  @Test
  void appendsABlockWhenThereIsNoTelemetryKeyAndKeepsWindowsNewlines() {
    assertThat(set("compliance: true  # keep\n", true))
        .startsWith("compliance: true  # keep\ntelemetry:\n  enabled: true");
    assertThat(set("compliance: true", true)).startsWith("compliance: true\ntelemetry:\n");
    assertThat(set("compliance: true\r\n", false))
        .startsWith("compliance: true\r\ntelemetry:\r\n  enabled: false");
  }

  @Test
  void createsTheFileWhenMissing() throws Exception {
    Path file = tmp.resolve("jmo.yml");
    ConfigEditor.setTelemetryEnabled(file, false);
    assertThat(ConfigLoader.load(file, false).telemetryEnabled()).isFalse();
  }

  @Test
  void refusesWhatItCannotEditAndLeavesTheFileUntouched() throws Exception {
    Path file = tmp.resolve("jmo.yml");
    for (String text :
        new String[] {
          "- a\n- b\n", "telemetry: yes please\n", "{a: 1}\n", "telemetry: [1]\n", "a: [unclosed\n"
        }) {
      Files.writeString(file, text);
      assertThatThrownBy(() -> ConfigEditor.setTelemetryEnabled(file, true))
          .isInstanceOf(UserError.class);
      assertThat(Files.readString(file)).isEqualTo(text);
    }
    assertThat(tmp.toFile().list()).containsExactly("jmo.yml"); // no temporary file left behind
  }
}
