package com.jmotools.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  @Test
  void readsProfilesCustomToolsSuppressionsAndTelemetry() {
    JmoConfig c =
        ConfigLoader.parse(
            String.join(
                "\n",
                "default_profile: mine",
                "profiles:",
                "  fast:",
                "    timeout: 120",
                "    per_tool:",
                "      trivy: {timeout: 900}",
                "  mine:",
                "    tools: [shellcheck, lint]",
                "    threads: 2",
                "custom_tools:",
                "  lint:",
                "    command: [lint, --json, \"{target}\"]",
                "    format: jmo-json",
                "    findings_exit_codes: [2]",
                "suppressions:",
                "  - {rule: B101, path: \"tests/**\", reason: asserts, expires: 2030-01-01}",
                "compliance: true",
                "telemetry:",
                "  enabled: false",
                "  endpoint: https://collector.example",
                ""),
            null);
    assertThat(c.defaultProfile()).isEqualTo("mine");
    assertThat(c.profiles().get("fast").tools()).containsExactly("trufflehog", "semgrep", "trivy");
    assertThat(c.profiles().get("fast").timeoutOf("trivy")).isEqualTo(Duration.ofSeconds(900));
    assertThat(c.profiles().get("fast").timeoutOf("semgrep")).isEqualTo(Duration.ofSeconds(120));
    assertThat(c.profiles().get("mine").threads()).isEqualTo(2);
    assertThat(c.registry().find("lint").orElseThrow().builtIn()).isFalse();
    assertThat(c.registry().find("lint").orElseThrow().findingsExitCodes()).containsExactly(2);
    assertThat(c.suppressions()).hasSize(1);
    assertThat(c.compliance()).isTrue();
    assertThat(c.telemetryEnabled()).isFalse();
    assertThat(c.telemetryEndpoint()).isEqualTo("https://collector.example");
  }

  @Test
  void anEmptyFileIsTheDefaults() {
    JmoConfig c = ConfigLoader.parse("# nothing yet\n", null);
    assertThat(c.defaultProfile()).isEqualTo("balanced");
    assertThat(c.profiles()).containsKeys("fast", "balanced", "deep");
    assertThat(c.profiles().get("balanced").tools())
        .containsExactly("trufflehog", "semgrep", "trivy", "syft", "checkov", "hadolint", "zap");
    assertThat(c.profiles().get("deep").tools())
        .endsWith("noseyparker", "bandit", "falco", "afl++");
    assertThat(c.telemetryEnabled()).isNull();
  }

  @Test
  void errorsNameTheKey() {
    assertError("telemetry:\n  enabled: maybe\n", "telemetry.enabled must be true or false");
    assertError("telemetry:\n  endpoint: ftp://x\n", "telemetry.endpoint must be an http");
    assertError(
        "profiles:\n  fast:\n    timeout: -1\n", "profiles.fast.timeout must be an integer from 1");
    assertError("profilez: {}\n", "profilez is not a jmo.yml setting");
    assertError("custom_tools:\n  trivy:\n    command: [x]\n", "has the name of a built-in tool");
    assertError(
        "custom_tools:\n  x:\n    command: [x]\n    format: nope\n", "unknown format 'nope'");
    assertError("default_profile: nope\n", "default_profile names no profile");
    assertError("suppressions:\n  - reason: no rule\n", "a suppression needs a rule or a path");
    assertError("a: [1\n", "not valid YAML");
    assertError("a: 1\na: 2\n", "not valid YAML");
  }

  private static void assertError(String yaml, String message) {
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, null))
        .isInstanceOf(UserError.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((UserError) e).exitCode()).isEqualTo(ExitCodes.CONFIG));
  }
}
