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

  @Test
  void aSymbolicLinkIsWrittenThroughAndKeepsTheFilesPermissions() throws Exception {
    Path real = Files.writeString(tmp.resolve("shared.yml"), "default_profile: fast\n");
    Files.setPosixFilePermissions(
        real, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    Path link = Files.createSymbolicLink(tmp.resolve("jmo.yml"), real.getFileName());
    ConfigEditor.setTelemetryEnabled(link, false);
    assertThat(Files.isSymbolicLink(link)).as("the link stays a link").isTrue();
    assertThat(Files.readString(real))
        .isEqualTo(
            "default_profile: fast\ntelemetry:\n  enabled: false"
                + "  # anonymous usage statistics; see docs/USER_GUIDE.md\n");
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(real)))
        .isEqualTo("rw-r--r--");
  }

  @Test
  void aLinkToAMissingFileIsRefusedAndLeftAsIs() throws Exception {
    Path link = Files.createSymbolicLink(tmp.resolve("jmo.yml"), tmp.resolve("gone.yml"));
    assertThatThrownBy(() -> ConfigEditor.setTelemetryEnabled(link, false))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("a symbolic link to a file that does not exist");
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(tmp.resolve("gone.yml")).doesNotExist();
  }

  @Test
  void anErrorInAnotherKeyDoesNotStopSettingTelemetry() throws Exception {
    Path file = Files.writeString(tmp.resolve("jmo.yml"), "default_profile: nosuch\n");
    ConfigEditor.setTelemetryEnabled(file, false);
    assertThat(Files.readString(file))
        .startsWith("default_profile: nosuch\ntelemetry:\n  enabled: false");
  }
}
