package com.jmotools.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FindingsFormatsTest {

  @TempDir Path tmp;

  private List<Finding> parse(String format, String content) throws IOException {
    Path file = tmp.resolve("out");
    Files.writeString(file, content);
    return FindingsFormats.parse(format, "t", file, Path.of("/repo"));
  }

  @Test
  void sarifUsesSecuritySeverityThenLevelAndMakesPathsRelative() throws IOException {
    List<Finding> f =
        parse(
            "sarif",
            "{\"runs\":[{\"tool\":{\"driver\":{\"rules\":[{\""
                + "id\":\"r1\",\"properties\":"
                + "{\"security-severity\":\"9.8\",\"tags\":[\"CWE-89: SQL "
                + "injection\"]}}]}},\"results\":["
                + "{\"ruleId\":\"r1\",\"message\":{\"text\":\"sqli\\"
                + "nmore\"},\"locations\":[{\"physicalLocation\":"
                + "{\"artifactLocation\":{\"uri\":\"file:///repo/src/a.py\"},"
                + "\"region\":{\"startLine\":7}}}]},"
                + "{\"ruleId\":\"r2\",\"level\":\"note\",\"message\""
                + ":{\"text\":\"n\"}}]}]}");
    assertThat(f)
        .containsExactly(
            new Finding("t", "r1", Severity.CRITICAL, "", "src/a.py", 7, "sqli", List.of("CWE-89")),
            new Finding("t", "r2", Severity.LOW, "", "", 0, "n", List.of()));
  }

  @Test
  void trivyReadsVulnerabilitiesMisconfigurationsAndSecrets() throws IOException {
    List<Finding> f =
        parse(
            "trivy-json",
            "{\"Results\":[{\"Target\":\"/repo/requirements.txt\",\"Vulnerabilities\":["
                + "{\"VulnerabilityID\":\"CVE-1\",\"Severity\":\"HIGH\",\"PkgName\":\"x\","
                + "\"Title\":\"bad\",\"CweIDs\":[\"CWE-502\"]}],"
                + "\"Misconfigurations\":[{\"ID\":\"DS001\",\"Severity\":\"LOW\",\"Title\":\"m\"}],"
                + "\"Secrets\":[{\"RuleID\":\"aws\",\"Severity\":\""
                + "CRITICAL\",\"Title\":\"key\",\"StartLine\":3}]}]}");
    assertThat(f)
        .extracting(Finding::rule, Finding::severity, Finding::path)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("CVE-1", Severity.HIGH, "requirements.txt"),
            org.assertj.core.groups.Tuple.tuple("DS001", Severity.LOW, "requirements.txt"),
            org.assertj.core.groups.Tuple.tuple("aws", Severity.CRITICAL, "requirements.txt"));
  }

  @Test
  void lineFormatsOfSecretScannersSkipLogLines() throws IOException {
    List<Finding> th =
        parse(
            "trufflehog-jsonl",
            "{\"level\":\"info\",\"msg\":\"starting\"}\n"
                + "{\"DetectorName\":\"AWS\",\"Verified\":true,"
                + "\"SourceMetadata\":{\"Data\":{\"Filesystem\":{\"file"
                + "\":\"/repo/k.txt\",\"line\":2}}}}\n");
    assertThat(th)
        .containsExactly(
            new Finding(
                "t",
                "AWS",
                Severity.CRITICAL,
                "",
                "k.txt",
                2,
                "verified AWS secret",
                List.of("CWE-798")));
    List<Finding> falco =
        parse(
            "falco-jsonl",
            "{\"rule\":\"Shell in container\",\"priority\":\""
                + "Warning\",\"output_fields\":{}}\n");
    assertThat(falco).extracting(Finding::severity).containsExactly(Severity.MEDIUM);
  }

  @Test
  void banditShellcheckZapAndCustomFormats() throws IOException {
    assertThat(
            parse(
                "bandit-json",
                "{\"results\":[{\"test_id\":\"B602\",\"issue_severity\":\"HIGH\","
                    + "\"filename\":\"/repo/a.py\","
                    + "\"line_number\":4,\"issue_text\":\"shell\",\"issue_cwe\":{\"id\":78}}]}"))
        .containsExactly(
            new Finding("t", "B602", Severity.HIGH, "", "a.py", 4, "shell", List.of("CWE-78")));
    assertThat(
            parse(
                "shellcheck-json1",
                "{\"comments\":[{\"file\":\"./s.sh\",\"line\":2,\""
                    + "level\":\"warning\",\"code\":2115,"
                    + "\"message\":\"m\"}]}"))
        .containsExactly(
            new Finding("t", "SC2115", Severity.MEDIUM, "", "s.sh", 2, "m", List.of()));
    assertThat(
            parse(
                "zap-json",
                "{\"site\":[{\"@name\":\"http://x\",\"alerts\":[{"
                    + "\"pluginid\":\"10021\",\"alert\":\"X-Content\","
                    + "\"riskdesc\":\"Low (Medium)\",\"cweid\":\"693\","
                    + "\"instances\":[{\"uri\":\"http://x/a\"}]}]}]}"))
        .containsExactly(
            new Finding(
                "t", "10021", Severity.LOW, "", "http://x/a", 0, "X-Content", List.of("CWE-693")));
    assertThat(
            parse(
                "jmo-json",
                "[{\"rule\":\"R\",\"severity\":\"critical\",\"path\":\"a\",\"line\":1,"
                    + "\"message\":\"m\"}]"))
        .extracting(Finding::severity)
        .containsExactly(Severity.CRITICAL);
    assertThat(parse("lines", "one\n\ntwo\n")).hasSize(2);
    assertThat(parse("none", "{anything")).isEmpty();
  }

  @Test
  void missingOrEmptyOutputHasNoFindingsAndGarbageIsAnError() throws IOException {
    assertThat(FindingsFormats.parse("sarif", "t", tmp.resolve("absent"), null)).isEmpty();
    assertThat(parse("sarif", "")).isEmpty();
    assertThatThrownBy(() -> parse("bandit-json", "{not json"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not valid bandit-json");
    assertThatThrownBy(() -> FindingsFormats.parse("nope", "t", tmp, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
