package com.jmotools.telemetry.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class CatalogTest {

  private final Catalog catalog = Catalog.standard();

  @Test
  void holdsTheFiveEventsOfTheGuide() {
    assertThat(catalog.events().keySet())
        .containsExactly(
            "scan.started",
            "scan.completed",
            "tool.failed",
            "wizard.completed",
            "report.generated");
  }

  @Test
  void eventFieldsAreThoseOfTheDesign() {
    assertThat(catalog.event("scan.started").orElseThrow().fields().keySet())
        .containsExactly("mode", "profile", "tools", "target_types");
    assertThat(
            catalog
                .event("scan.started")
                .orElseThrow()
                .fields()
                .get("target_types")
                .fields()
                .keySet())
        .containsExactly("repos", "images", "urls", "iac", "gitlab", "k8s");
    assertThat(catalog.event("scan.completed").orElseThrow().fields().keySet())
        .containsExactly(
            "mode",
            "profile",
            "duration_bucket",
            "tools_succeeded",
            "tools_failed",
            "total_findings_bucket",
            "tool_runs");
    // Added in catalog version 2: optional, so events of version-1 clients stay valid.
    assertThat(catalog.event("scan.completed").orElseThrow().fields().get("tool_runs").required())
        .isFalse();
    assertThat(catalog.event("tool.failed").orElseThrow().fields().keySet())
        .containsExactly("tool", "failure_type", "exit_code", "profile");
    assertThat(catalog.event("wizard.completed").orElseThrow().fields().keySet())
        .containsExactly(
            "profile_selected", "execution_mode", "artifact_generated", "duration_seconds");
    assertThat(catalog.event("report.generated").orElseThrow().fields().keySet())
        .containsExactly(
            "output_formats", "findings_bucket", "suppressions_used", "compliance_enabled");
  }

  @Test
  void toolListHasTheRegistryToolsAndCustom() {
    assertThat(catalog.tools())
        .contains(
            "trufflehog",
            "noseyparker",
            "semgrep",
            "bandit",
            "syft",
            "trivy",
            "checkov",
            "hadolint",
            "zap",
            "falco",
            "afl++",
            "shellcheck",
            "gitleaks",
            "grype",
            "nuclei",
            "kubescape",
            "prowler",
            "opa",
            "gosec",
            "custom");
    assertThat(catalog.toolNameToSend("trivy")).isEqualTo("trivy");
    assertThat(catalog.toolNameToSend("my-company-scanner")).isEqualTo("custom");
  }

  @Test
  void bucketLabelsAreThoseOfTheDesign() {
    assertThat(catalog.bucket("duration").labels())
        .containsExactly("<5min", "5-15min", "15-30min", ">30min");
    assertThat(catalog.bucket("findings").labels())
        .containsExactly("0", "1-10", "10-100", "100-1000", ">1000");
  }

  @Test
  void anInconsistentCatalogIsRefusedAtLoad() throws Exception {
    ObjectMapper json = new ObjectMapper();
    assertThatThrownBy(
            () ->
                Catalog.parse(
                    json.readTree(
                        "{\"tools\":[\"custom\"],"
                            + "\"events\":{\"e\":{\"fields\":{\"f\":"
                            + "{\"type\":\"bucket\",\"bucket\":\"nope\"}}}}}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown bucket scheme: nope");
    assertThatThrownBy(() -> Catalog.parse(json.readTree("{\"tools\":[\"trivy\"],\"events\":{}}")))
        .hasMessageContaining("custom");
    assertThatThrownBy(
            () ->
                Catalog.parse(
                    json.readTree(
                        "{\"tools\":[\"custom\"],"
                            + "\"events\":{\"e\":{\"fields\":{\"f\":{\"type\":\"colour\"}}}}}")))
        .hasMessageContaining("unknown field type in catalog: colour");
  }

  @Test
  void theSummaryInBriefStandsForEveryFieldThatCanBeSent() {
    // the notice and the wizard print these lines: a field added without words there fails here
    assertThat(catalog.inBrief()).isNotEmpty();
    assertThat(catalog.fieldsNotInBrief()).isEmpty();
    assertThat(catalog.inBrief())
        .extracting(BriefItem::text)
        .anySatisfy(t -> assertThat(t).contains("exit code"))
        .anySatisfy(t -> assertThat(t).contains("finding counts, only as coarse ranges"))
        .anySatisfy(t -> assertThat(t).contains("targets of each kind"))
        .anySatisfy(t -> assertThat(t).contains("jmo's version"));
  }

  @Test
  void aSummaryLineNamingAFieldTheCatalogDoesNotHaveIsRefusedAtLoad() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String events =
        "{\"tools\":[\"custom\"],\"events\":{\"e\":{\"fields\":{\"f\":{\"type\":\"boolean\"}}}},";
    assertThatThrownBy(
            () ->
                Catalog.parse(
                    json.readTree(
                        events + "\"in_brief\":[{\"text\":\"t\",\"fields\":{\"e\":[\"g\"]}}]}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown field of e: g");
    assertThatThrownBy(
            () ->
                Catalog.parse(
                    json.readTree(
                        events + "\"in_brief\":[{\"text\":\"t\",\"fields\":{\"x\":[\"f\"]}}]}")))
        .hasMessageContaining("unknown event: x");
    Catalog uncovered =
        Catalog.parse(
            json.readTree(events + "\"in_brief\":[{\"text\":\"t\",\"fields\":{\"e\":[]}}]}"));
    assertThat(uncovered.fieldsNotInBrief()).containsExactly("e.f");
  }
}
