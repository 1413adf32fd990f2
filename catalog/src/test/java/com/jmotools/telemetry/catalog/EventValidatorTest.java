package com.jmotools.telemetry.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventValidatorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ID = "a7f3c8e2-4b1d-4f9e-8c3a-2d5e7f9b1a3c";

  private final EventValidator complete =
      EventValidator.of(Catalog.standard(), EventValidator.Presence.COMPLETE);
  private final EventValidator partial =
      EventValidator.of(Catalog.standard(), EventValidator.Presence.PARTIAL);

  static ObjectNode scanCompleted() {
    try {
      return (ObjectNode)
          JSON.readTree(
              "{\"event\":\"scan.completed\",\"version\":\"0.7."
                  + "0\",\"platform\":\"Linux\","
                  + "\"runtime\":\"java-17\",\"anonymous_id\":\""
                  + ID
                  + "\",\"event_id\":\""
                  + EventIds.newId(Instant.now())
                  + "\","
                  + "\"timestamp\":\"2026-11-26T14:32:00Z\",\"metadata\":{\"mode\":\"cli\","
                  + "\"profile\":\"fast\","
                  + "\"duration_bucket\":\"5-15min\",\"tools_succeeded\":3,\"tools_failed\":0,"
                  + "\"total_findings_bucket"
                  + "\":\"10-100\"}}");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode parse(String json) throws Exception {
    return JSON.readTree(json);
  }

  @Test
  void aCompleteEventIsValidAndNormalised() {
    ValidationResult result = complete.validate(scanCompleted());
    assertThat(result.isValid()).as(result.toString()).isTrue();
    ValidatedEvent event = result.event();
    assertThat(event.event()).isEqualTo("scan.completed");
    assertThat(event.anonymousId()).isEqualTo(UUID.fromString(ID));
    assertThat(event.timestamp()).isEqualTo(Instant.parse("2026-11-26T14:32:00Z"));
    assertThat(event.metadata().toString())
        .isEqualTo(
            "{\"mode\":\"cli\",\"profile\":\"fast\",\"duration_bucket\":\"5-15min\","
                + "\"tools_succeeded\":3,"
                + "\"tools_failed\":0,\"total_findings_bucket\":\"10-100\"}");
  }

  @Test
  void everyEventOfTheGuideIsAcceptedInItsOwnShape() throws Exception {
    String[] guideEvents = {
      "{\"event\":\"scan.started\",\"version\":\"0.7.0\""
          + ",\"platform\":\"Linux\",\"python_version\":\"3.11\","
          + "\"anonymous_id\":\""
          + ID
          + "\",\"timestamp\":\"2025-10-19T14:32:00Z\",\"metadata\":{\"mode\":\"wizard\","
          + "\"profile\":\"balanced\",\"tools\":[\"trufflehog"
          + "\",\"semgrep\"],\"target_types\":{\"repos\":3,\""
          + "images\":1,"
          + "\"urls\":0,\"iac\":0,\"gitlab\":0,\"k8s\":0}}}",
      "{\"event\":\"tool.failed\",\"version\":\"0.7.0\""
          + ",\"platform\":\"Linux\",\"python_version\":\"3.10\","
          + "\"anonymous_id\":\""
          + ID
          + "\",\"timestamp\":\"2025-10-19T15:02:00Z\",\"metadata\":{\"tool\":\"trivy\","
          + "\"failure_type\":\"timeout\",\"exit_code\":null,"
          + "\"profile\":\"balanced\"}}",
      "{\"event\":\"wizard.completed\",\"version\":\"0."
          + "7.0\",\"platform\":\"Linux\",\"python_version\":\"3.11\","
          + "\"anonymous_id\":\""
          + ID
          + "\",\"timestamp\":\"2025-10-19T16:12:00Z\",\"metadata\":{\"profile_selected\":"
          + "\"balanced\",\"execution_mode\":\"docker\",\"artifact_generated\":\"makefile\","
          + "\"duration_seconds\":120}}",
      "{\"event\":\"report.generated\",\"version\":\"0."
          + "7.0\",\"platform\":\"macOS\",\"python_version\":\"3.12\","
          + "\"anonymous_id\":\""
          + ID
          + "\",\"timestamp\":\"2025-10-19T17:00:00Z\",\"metadata\":{\"output_formats\":"
          + "[\"json\",\"md\",\"html\",\"sarif\"],\"findings_"
          + "bucket\":\"100-1000\",\"suppressions_used\":true,"
          + "\"compliance_enabled\":true}}",
    };
    for (String json : guideEvents) {
      ValidationResult result = complete.validate(parse(json));
      assertThat(result.isValid()).as(json + " -> " + result).isTrue();
    }
  }

  @Test
  void theGuidesCurlTestWithAUuidIsAcceptedWhenPartialMetadataIsAllowed() throws Exception {
    JsonNode curl =
        parse(
            "{\"event\":\"scan.started\",\"version\":\"0.8.0\""
                + ",\"platform\":\"Linux\","
                + "\"python_version\":\"3.11\",\"anonymous_id\":\""
                + ID
                + "\",\"metadata\":{\"profile\":\"balanced\"},"
                + "\"timestamp\":\"2025-10-19T12:00:00Z\"}");
    assertThat(partial.validate(curl).isValid()).isTrue();
    assertThat(complete.validate(curl).problem().reason()).isEqualTo("metadata.mode: is required");
  }

  @Test
  void theGuidesPythonTimestampWithoutOffsetIsReadAsUtc() {
    ObjectNode event = scanCompleted();
    event.put("timestamp", "2025-10-19T14:32:00.123456");
    assertThat(complete.validate(event).event().timestamp())
        .isEqualTo(Instant.parse("2025-10-19T14:32:00.123456Z"));
    event.put("timestamp", "2025-10-19T16:32:00+02:00");
    assertThat(complete.validate(event).event().timestamp())
        .isEqualTo(Instant.parse("2025-10-19T14:32:00Z"));
  }

  @ParameterizedTest(name = "{0} is stored as {1}")
  @CsvSource({
    "0.7, 0.7",
    "0.7.0, 0.7.0",
    "10.20.30, 10.20.30",
    "0.0.0, 0.0.0",
    "9999.0.1000, 9999.0.1000",
    "0.07, 0.7",
    "v0.7.0, 0.7.0",
    // After three numbers the label keeps no number: a fourth would make an address's shape.
    "1.2.3-rc.1, 1.2.3-rc",
    "1.2.3-rc1, 1.2.3-rc",
    "1.2.3-rc, 1.2.3-rc",
    "1.0.0-beta.2, 1.0.0-beta",
    "1.2.3-beta.2, 1.2.3-beta",
    // After two numbers it keeps its number.
    "1.2-rc.1, 1.2-rc.1",
    "1.2rc1, 1.2-rc.1",
    "1.2, 1.2",
    // PEP 440, as the guide's Python client sends it
    "1.0.0rc1, 1.0.0-rc",
    "1.2.3rc1, 1.2.3-rc",
    "0.7.0.dev0, 0.7.0-dev",
    "0.7.0.post1, 0.7.0-post",
    "0.7.1.post1, 0.7.1-post",
    "1.0.0a2, 1.0.0-alpha",
    "1.0.0b1, 1.0.0-beta",
    "1.0.0RC1, 1.0.0-rc",
    "1.0rc, 1.0-rc.0",
    "1.0.0c3, 1.0.0-rc",
    "1.0.0.preview2, 1.0.0-rc",
    "01.002.0, 1.2.0",
    // What an address smuggled as release plus label number becomes: three numbers, no address.
    "192.168.100.post77, 192.168.100-post",
    "192.168.100rc77, 192.168.100-rc",
    "192.168.100-rc.77, 192.168.100-rc",
  })
  void releaseVersionsAreStoredInOneNormalForm(String sent, String stored) {
    ObjectNode event = scanCompleted();
    event.put("version", sent);
    ValidationResult result = complete.validate(event);
    assertThat(result.isValid()).as(sent).isTrue();
    assertThat(result.event().version()).isEqualTo(stored);
    assertThat(ReleaseVersions.isNormal(stored)).as("the stored form is normal").isTrue();
    assertThat(stored.split("[^0-9]+")).as("numbers in " + stored).hasSizeLessThanOrEqualTo(3);
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(
      strings = {
        // what a fuzzer stored before: build metadata and free identifiers carry text
        "0.7.0+198.51.100.77",
        "1.0.0+10.0.0.1",
        "0.7.0-alice",
        "0.7.0+alice.laptop",
        "1.2.3-secret-repo",
        "0.7.0-acme.corp",
        "0.8.0+build.7",
        "1.0.0-rc.1+sha.5114f85",
        "1.0.0-rc.1.2",
        "1.0.0rc1.post1",
        "0.7.0.dev0+local",
        "1.0.0-x.7",
        "1.0.0-alpha.beta",
        "1.0.0-rc.12345",
        "12345.0.0",
        "1",
        "1.2.3.4.5",
        "1.2.3.4",
        "203.0.113.77",
        "10.0.0.1-rc.1",
        "0.7.0 ",
        " 0.7.0",
        "",
        "0.7.0\n",
        "192.168.1.20-rc.1x",
        "0.7.",
        ".0.7",
        "0..7",
        "0.7.0.",
      })
  void versionsThatCanCarryTextAreRefused(String version) {
    ObjectNode event = scanCompleted();
    event.put("version", version);
    ValidationResult result = complete.validate(event);
    assertThat(result.isValid()).as(version).isFalse();
    assertThat(result.problem().field()).isEqualTo("version");
    // One fixed reason: a refusal never repeats the refused text.
    assertThat(result.problem().reason())
        .isEqualTo(
            "version: must be a release version such as 0.7.0"
                + " or 1.0.0-rc.1"
                + " (numbers plus at most one of alpha, beta, rc, dev, post with a number; no "
                + "build metadata)");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Darwin | macOS",
        "darwin | macOS",
        "Linux | Linux",
        "LINUX | Linux",
        "Windows | Windows",
        "macOS | macOS",
        "FreeBSD | Other",
        "Java | Other",
        "'' | Other",
        "CYGWIN_NT-10.0 | Other",
        "Android | Other",
        "Plan9 | Other",
        "alice-laptop.acme.corp | Other",
      })
  void anyPlatformIsStoredAsOneOfTheFourFamilies(String sent, String stored) {
    ObjectNode event = scanCompleted();
    event.put("platform", sent);
    ValidationResult result = complete.validate(event);
    assertThat(result.isValid()).as(sent).isTrue();
    assertThat(result.event().platform()).isEqualTo(stored);
  }

  @Test
  void aPlatformThatIsNotAStringIsStillRefused() throws Exception {
    ObjectNode event = scanCompleted();
    event.set("platform", parse("42"));
    assertThat(complete.validate(event).problem().reason()).isEqualTo("platform: must be a string");
  }

  @ParameterizedTest(name = "{0} = {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "anonymous_id | \"test-uuid\" | anonymous_id: must be a UUID such as "
            + "0f8e1c52-6d0b-4a4e-9a57-1c2d3e4f5a6b",
        "anonymous_id | 42 | anonymous_id: must be a UUID string",
        "event_id | \"user@example.com\" | event_id: must"
            + " be a UUID such as 0f8e1c52-6d0b-4a4e-9a57-1c2d3e4f5a6b",
        "event | \"scan.deleted\" | event: must be one of"
            + " scan.started, scan.completed, tool.failed, wizard.completed, report.generated",
        "version | \"0.7.0 /home/alice\" | version: must "
            + "be a release version such as 0.7.0 or 1.0.0-rc.1"
            + " (numbers plus at most one of alpha, beta, rc, dev, post with a number; no build "
            + "metadata)",
        "version | 42 | version: must be a string",
        "runtime | \"java-17 on alice-laptop\" | runtime:" + " must be at most 16 characters",
        "timestamp | \"yesterday\" | timestamp: must be an ISO-8601 date-time such as "
            + "2026-01-31T14:00:00Z",
        "timestamp | 1764167520 | timestamp: must be an I" + "SO-8601 date-time string",
        "repo_name | \"company-backend\" | repo_name: is " + "not a field of the catalog",
        "metadata | [] | metadata: must be a JSON object",
      })
  void envelopeProblemsNameTheField(String field, String json, String reason) throws Exception {
    ObjectNode event = scanCompleted();
    event.set(field, parse(json));
    ValidationResult result = complete.validate(event);
    assertThat(result.isValid()).isFalse();
    assertThat(result.problem().reason()).isEqualTo(reason);
  }

  @ParameterizedTest(name = "{0} = {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "mode | \"ci\" | metadata.mode: must be one of cl" + "i, docker, wizard | invalid_value",
        "profile | \"expert\" | metadata.profile: must be"
            + " one of fast, balanced, deep, custom | invalid_value",
        "duration_bucket | \"7min\" | metadata.duration_bucket: must be one of <5min, 5-15min, "
            + "15-30min, "
            + ">30min | invalid_value",
        "duration_bucket | 420 | metadata.duration_bucket" + ": must be a string | wrong_type",
        "tools_succeeded | -1 | metadata.tools_succeeded:"
            + " must be between 0 and 10000 | invalid_value",
        "tools_succeeded | 3.5 | metadata.tools_succeeded" + ": must be an integer | wrong_type",
        "tools_succeeded | \"3\" | metadata.tools_succeed" + "ed: must be an integer | wrong_type",
        "tools_failed | 99999999999999999999999 | metadata.tools_failed: must be between 0 and "
            + "10000 | invalid_value",
        "total_findings_bucket | \"AKIAIOSFODNN7EXAMPLE\""
            + " | metadata.total_findings_bucket: must be one of 0, 1-10, 10-100, 100-1000, >1000 "
            + "| invalid_value",
        "total_findings_bucket | null | metadata.total_findings_bucket: must not be null | "
            + "wrong_type",
        "file_path | \"/home/user/projects/api/config.py\""
            + " | metadata.file_path: is not a field of the catalog | unknown_field",
      })
  void metadataProblemsNameTheField(String field, String json, String reason, String code)
      throws Exception {
    ObjectNode event = scanCompleted();
    ((ObjectNode) event.get("metadata")).set(field, parse(json));
    ValidationResult result = complete.validate(event);
    assertThat(result.problem().reason()).isEqualTo(reason);
    assertThat(result.problem().code().label()).isEqualTo(code);
  }

  @Test
  void reasonsNeverQuoteTheRefusedValue() {
    ObjectNode event = scanCompleted();
    ((ObjectNode) event.get("metadata")).put("profile", "alice@example.com");
    assertThat(complete.validate(event).problem().reason()).doesNotContain("alice");
  }

  @Test
  void toolNamesOutsideTheCatalogAreRefusedAndListsAreChecked() throws Exception {
    String base =
        "{\"event\":\"scan.started\",\"version\":\"0.7.0\""
            + ",\"platform\":\"Linux\",\"anonymous_id\":\""
            + ID
            + "\",\"timestamp\":\"2026-11-26T14:00:00Z\",\"metadata\":{\"mode\":\"cli\","
            + "\"profile\":\"custom\","
            + "\"target_types\":{\"repos\":1,\"images\":0,\"urls\":0,\"iac\":0,\"gitlab\":0,"
            + "\"k8s\":0},\"tools\":";
    assertThat(complete.validate(parse(base + "[\"trivy\",\"custom\"]}}")).isValid()).isTrue();
    assertThat(
            complete
                .validate(parse(base + "[\"trivy\",\"acme-internal-scanner\"]}}"))
                .problem()
                .reason())
        .isEqualTo(
            "metadata.tools[1]: must be a tool of the catalog"
                + " (host-defined tools are sent as custom)");
    assertThat(complete.validate(parse(base + "[\"trivy\",\"trivy\"]}}")).problem().reason())
        .isEqualTo("metadata.tools: must not repeat an item");
    assertThat(complete.validate(parse(base + "\"trivy\"}}")).problem().reason())
        .isEqualTo("metadata.tools: must be a JSON array");
  }

  @Test
  void nestedCountsAreCheckedAndUnknownNestedFieldsRefused() throws Exception {
    String base =
        "{\"event\":\"scan.started\",\"version\":\"0.7.0\""
            + ",\"platform\":\"Linux\",\"anonymous_id\":\""
            + ID
            + "\",\"timestamp\":\"2026-11-26T14:00:00Z\",\"metadata\":{\"mode\":\"cli\","
            + "\"profile\":\"fast\",\""
            + "tools\":[],"
            + "\"target_types\":";
    assertThat(
            complete
                .validate(
                    parse(
                        base
                            + "{\"repos\":1,\"images\":0,\"urls\":0,\"iac\":0,\""
                            + "gitlab\":0,\"k8s\":-2}}}"))
                .problem()
                .reason())
        .isEqualTo("metadata.target_types.k8s: must be between 0 and 100000");
    assertThat(
            complete
                .validate(
                    parse(
                        base
                            + "{\"repos\":1,\"images\":0,\"urls\":0,\"iac\":0,\""
                            + "gitlab\":0,\"k8s\":0,"
                            + "\"repo_names\":[\"x\"]}}}"))
                .problem()
                .reason())
        .isEqualTo("metadata.target_types.repo_names: is not a field" + " of the catalog");
    assertThat(partial.validate(parse(base + "{\"repos\":1}}}")).isValid()).isTrue();
  }

  @Test
  void nullableFieldsTakeNullOthersDoNot() throws Exception {
    String base =
        "{\"event\":\"tool.failed\",\"version\":\"0.7.0\""
            + ",\"platform\":\"Linux\",\"anonymous_id\":\""
            + ID
            + "\",\"timestamp\":\"2026-11-26T14:00:00Z\",\"metadata\":{\"tool\":\"trivy\","
            + "\"failure_type\":\"timeout\","
            + "\"profile\":\"fast\",\"exit_code\":";
    assertThat(complete.validate(parse(base + "null}}")).isValid()).isTrue();
    assertThat(complete.validate(parse(base + "137}}")).isValid()).isTrue();
    assertThat(complete.validate(parse(base + "\"137\"}}")).problem().reason())
        .isEqualTo("metadata.exit_code: must be an integer");
  }

  @Test
  void wizardDurationMustBeRoundedAndCapped() throws Exception {
    String base =
        "{\"event\":\"wizard.completed\",\"version\":\"0."
            + "7.0\",\"platform\":\"Linux\",\"anonymous_id\":\""
            + ID
            + "\",\"timestamp\":\"2026-11-26T14:00:00Z\","
            + "\"metadata\":{\"profile_selected\":\"fast\","
            + "\"execution_mode\":\"native\",\"artifact_generated\":null,\"duration_seconds\":";
    assertThat(complete.validate(parse(base + "3600}}")).isValid()).isTrue();
    assertThat(complete.validate(parse(base + "123}}")).problem().reason())
        .isEqualTo("metadata.duration_seconds: must be a multiple of 10");
    assertThat(complete.validate(parse(base + "3610}}")).problem().reason())
        .isEqualTo("metadata.duration_seconds: must be between 0 and 3600");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "\"scan.started\"", "42", "null"})
  void nonObjectsAreMalformed(String json) throws Exception {
    assertThat(complete.validate(parse(json)).problem().code()).isEqualTo(Problem.Code.MALFORMED);
    assertThat(complete.validate(null).problem().code()).isEqualTo(Problem.Code.MALFORMED);
  }

  @Test
  void missingEnvelopeFieldsAreNamed() {
    for (String field :
        new String[] {"event", "version", "platform", "anonymous_id", "timestamp", "metadata"}) {
      ObjectNode event = scanCompleted();
      event.remove(field);
      assertThat(partial.validate(event).problem().reason()).isEqualTo(field + ": is required");
    }
  }

  @Test
  void unknownFieldNamesAreEchoedBoundedAndPrintable() {
    ObjectNode event = scanCompleted();
    event.put("x".repeat(500) + "\n", 1);
    String reason = complete.validate(event).problem().reason();
    assertThat(reason).hasSizeLessThan(120).doesNotContain("\n");
  }

  @Test
  void timestampsReadWithoutAFormatterAgreeWithTheFormatters() {
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 20_000; i++) {
      Instant t =
          Instant.ofEpochSecond(946_684_800L + (long) (random.nextDouble() * 4_000_000_000L));
      String text = t.toString(); // YYYY-MM-DDTHH:MM:SSZ
      assertThat(EventValidator.parseTimestamp(text))
          .as(text)
          .isEqualTo(formattersOnly(text))
          .isEqualTo(t);
    }
    for (String text :
        new String[] {
          "2026-02-29T10:00:00Z",
          "2028-02-29T10:00:00Z",
          "2026-02-30T10:00:00Z",
          "2026-13-01T10:00:00Z",
          "2026-00-01T10:00:00Z",
          "2026-11-27T24:00:00Z",
          "2026-11-27T23:60:00Z",
          "2026-11-27T23:59:60Z",
          "2026-11-27T10:00:00z",
          "2026-11-27 10:00:00Z",
          "2026-11-27T10:00:0AZ",
          "2026-11-2\uFF17T10:00:00Z",
          "+026-11-27T10:00:00Z",
          "2026-11-27T10:00:00+00:00",
          "2026-11-27T10:00:00"
        }) {
      assertThat(EventValidator.parseTimestamp(text)).as(text).isEqualTo(formattersOnly(text));
    }
  }

  private static Instant formattersOnly(String text) {
    try {
      return java.time.OffsetDateTime.parse(
              text, java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .toInstant();
    } catch (java.time.format.DateTimeParseException withoutOffset) {
      try {
        return java.time.LocalDateTime.parse(
                text, java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .toInstant(java.time.ZoneOffset.UTC);
      } catch (java.time.format.DateTimeParseException e) {
        return null;
      }
    }
  }

  @Test
  void uuidTextIsAsciiHexInTheCanonicalForm() {
    java.util.regex.Pattern canonical =
        java.util.regex.Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-" + "9a-fA-F]{4}-[0-9a-fA-F]{12}");
    for (String text :
        new String[] {
          UUID.randomUUID().toString(),
          UUID.randomUUID().toString().toUpperCase(),
          "0f8e1c52-6d0b-4a4e-9a57-1c2d3e4f5a6b",
          "0f8e1c52-6d0b-4a4e-9a57-1c2d3e4f5a6",
          "0f8e1c52-6d0b-4a4e-9a57-1c2d3e4f5a6bb",
          "0f8e1c526d0b-4a4e-9a57-1c2d3e4f5a6b-",
          "0f8e1c52-6d0b-4a4e-9a57-1c2d3e4f5a6g",
          "0f8e1c52-6d0b-4a4e-9a5\uFF17-1c2d3e4f5a6b",
          "0f8e1c52_6d0b-4a4e-9a57-1c2d3e4f5a6b",
          "",
          "f-f-f-f-f"
        }) {
      assertThat(EventValidator.isUuidText(text))
          .as(text)
          .isEqualTo(canonical.matcher(text).matches());
    }
  }

  @Test
  void toolRunsOfCatalogVersion2AreAcceptedAndOptionalForEarlierClients() {
    ObjectNode withRuns = scanCompleted();
    ((ObjectNode) withRuns.get("metadata"))
        .putObject("tool_runs")
        .put("trivy", 3)
        .put("semgrep", 3);
    ValidationResult result = complete.validate(withRuns);
    assertThat(result.isValid()).as(result.toString()).isTrue();
    assertThat(result.event().metadata().get("tool_runs").toString())
        .isEqualTo("{\"trivy\":3,\"semgrep\":3}");
    // An event of a client built on catalog version 1 has no tool_runs and stays valid, even for
    // COMPLETE.
    assertThat(complete.validate(scanCompleted()).isValid()).isTrue();
    assertThat(Catalog.standard().version()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"not-a-tool\":1}",
        "{\"trivy\":-1}",
        "{\"trivy\":100001}",
        "{\"trivy\":\"3\"}",
        "{\"trivy\":1.5}",
        "[\"trivy\"]",
        "3"
      })
  void toolRunsOutsideTheCatalogAreRefusedNamingTheField(String runs) throws Exception {
    ObjectNode event = scanCompleted();
    ((ObjectNode) event.get("metadata")).set("tool_runs", parse(runs));
    ValidationResult result = complete.validate(event);
    assertThat(result.isValid()).isFalse();
    assertThat(result.problem().field()).startsWith("metadata.tool_runs");
    assertThat(result.problem().toString()).doesNotContain("not-a-tool");
  }
}
