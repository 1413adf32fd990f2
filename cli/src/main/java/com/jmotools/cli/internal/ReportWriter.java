package com.jmotools.cli.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/** Writes a {@link ScanReport} in the chosen formats. */
public final class ReportWriter {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final String version;

  /** A writer that stamps reports with jmo's {@code version}. */
  public ReportWriter(String version) {
    this.version = version;
  }

  /**
   * Writes each format into {@code outDir} (created if needed) and returns the files written.
   *
   * @throws UserError ({@link ExitCodes#ERROR}) if a file cannot be written
   */
  public List<Path> write(ScanReport report, Collection<ReportFormat> formats, Path outDir) {
    List<Path> written = new ArrayList<>();
    try {
      Files.createDirectories(outDir);
      for (ReportFormat f : formats) {
        Path file = outDir.resolve(f.fileName());

        String text =
            switch (f) {
              case JSON -> JSON.writeValueAsString(document(report));
              case YAML -> yaml(report);
              case MD -> markdown(report);
              case HTML -> html(report);
              case SARIF -> JSON.writeValueAsString(sarif(report));
              default -> throw new IllegalStateException("format " + f);
            };
        ConfigEditor.writeAtomically(file, text);
        written.add(file);
      }
    } catch (IOException e) {
      throw new UserError(
          ExitCodes.ERROR, outDir + ": cannot write the report (" + e.getMessage() + ")", e);
    }
    return written;
  }

  /** The report as plain maps and lists, shared by the JSON and YAML formats. */
  Map<String, Object> document(ScanReport report) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema", "jmo-findings/1");
    doc.put("jmo_version", version);
    doc.put("generated_at", report.generatedAt().toString());
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("total", report.findings().size());
    report
        .bySeverity()
        .forEach((s, n) -> summary.put(s.name().toLowerCase(java.util.Locale.ROOT), n));
    summary.put("suppressed", report.suppressed().size());
    doc.put("summary", summary);
    List<Object> findings = new ArrayList<>();
    report.findings().forEach(f -> findings.add(finding(f, report.compliance())));
    doc.put("findings", findings);
    List<Object> suppressed = new ArrayList<>();
    report
        .suppressed()
        .forEach(
            s -> {
              Map<String, Object> m = finding(s.finding(), report.compliance());
              m.put("suppression_reason", s.reason());
              suppressed.add(m);
            });
    doc.put("suppressed", suppressed);
    List<Object> runs = new ArrayList<>();
    for (ScanReport.Run r : report.runs()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("target", r.target());
      m.put("tool", r.tool());
      m.put("status", r.status());
      m.put("failure_type", r.failureType());
      m.put("exit_code", r.exitCode());
      m.put("duration_ms", r.durationMs());
      m.put("findings", r.findings());
      runs.add(m);
    }
    doc.put("tool_runs", runs);
    doc.put("problems", new ArrayList<>(report.problems()));
    return doc;
  }

  private static Map<String, Object> finding(Finding f, boolean compliance) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tool", f.tool());
    m.put("rule", f.rule());
    m.put("severity", f.severity().name());
    m.put("target", f.target());
    m.put("path", f.path());
    m.put("line", f.line());
    m.put("message", f.message());
    m.put("cwe", new ArrayList<>(f.cwes()));
    if (compliance) {
      m.put("owasp_top10_2021", new ArrayList<>(Compliance.owaspTop10(f)));
    }
    return m;
  }

  private String yaml(ScanReport report) {
    DumpSettings settings =
        DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setWidth(120).build();
    return new Dump(settings).dumpToString(document(report));
  }

  private String markdown(ScanReport report) {
    StringBuilder b = new StringBuilder();
    b.append("# Security scan summary\n\n");
    b.append("Generated ")
        .append(report.generatedAt())
        .append(" by jmo ")
        .append(version)
        .append(".\n\n");
    b.append("| Severity | Findings |\n|---|---:|\n");
    report
        .bySeverity()
        .forEach((s, n) -> b.append("| ").append(s).append(" | ").append(n).append(" |\n"));
    b.append("| **Total** | **").append(report.findings().size()).append("** |\n\n");
    if (!report.suppressed().isEmpty()) {
      b.append(report.suppressed().size()).append(" finding(s) suppressed by jmo.yml.\n\n");
    }
    b.append(
        "## Tool runs\n\n| Target | Tool | Status | Findings | Time |\n|---|---|---|---:|---:|\n");
    for (ScanReport.Run r : report.runs()) {
      String status =
          r.failureType() != null
              ? r.status()
                  + " ("
                  + r.failureType()
                  + (r.exitCode() != null ? ", exit " + r.exitCode() : "")
                  + ")"
              : r.status();
      b.append("| ")
          .append(md(r.target()))
          .append(" | ")
          .append(md(r.tool()))
          .append(" | ")
          .append(status)
          .append(" | ")
          .append(r.findings())
          .append(" | ")
          .append(String.format(java.util.Locale.ROOT, "%.1f s", r.durationMs() / 1000.0))
          .append(" |\n");
    }
    b.append("\n## Findings\n\n");
    if (report.findings().isEmpty()) {
      b.append("No findings.\n");
    } else {
      b.append("| Severity | Tool | Rule | Target | Location | Message |")
          .append(report.compliance() ? " OWASP Top 10 |" : "")
          .append("\n|---|---|---|---|---|---|")
          .append(report.compliance() ? "---|" : "")
          .append("\n");
      for (Finding f : report.findings()) {
        b.append("| ")
            .append(f.severity())
            .append(" | ")
            .append(md(f.tool()))
            .append(" | ")
            .append(md(f.rule()))
            .append(" | ")
            .append(md(f.target()))
            .append(" | ")
            .append(md(f.location()))
            .append(" | ")
            .append(md(f.message()))
            .append(" |");
        if (report.compliance()) {
          b.append(" ").append(md(String.join("; ", Compliance.owaspTop10(f)))).append(" |");
        }
        b.append("\n");
      }
    }
    if (!report.problems().isEmpty()) {
      b.append("\n## Problems\n\n");
      report.problems().forEach(p -> b.append("- ").append(md(p)).append("\n"));
    }
    return b.toString();
  }

  private String html(ScanReport report) {
    StringBuilder b = new StringBuilder();
    b.append(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>jmo scan "
                + "report</title>\n")
        .append(
            "<style>body{font-family:system-ui,"
                + "sans-serif;margin:2em}table{border-collapse:collapse}")
        .append(
            "td,th{border:1px solid #ccc;padding:4px 8px;text"
                + "-align:left}.CRITICAL{color:#8b0000;font-weight:bold}")
        .append(
            ".HIGH{color:#c00}.MEDIUM{color:#c60}.LOW{color:#"
                + "660}.INFO{color:#555}</style></head><body>\n");
    b.append("<h1>Security scan report</h1>\n<p>Generated ")
        .append(esc(report.generatedAt().toString()))
        .append(" by jmo ")
        .append(esc(version))
        .append(".</p>\n<table><tr><th>Severity</th><th>Findings<" + "/th></tr>\n");
    report
        .bySeverity()
        .forEach(
            (s, n) ->
                b.append("<tr><td class=\"")
                    .append(s)
                    .append("\">")
                    .append(s)
                    .append("</td><td>")
                    .append(n)
                    .append("</td></tr>\n"));
    b.append("<tr><th>Total</th><th>")
        .append(report.findings().size())
        .append("</th></tr></table>\n");
    b.append(
        "<h2>Tool runs</h2>\n<table><tr><th>Target</th><th>Tool</th><th>Status</th><th>"
            + "Findings</th></tr>\n");
    for (ScanReport.Run r : report.runs()) {
      b.append("<tr><td>")
          .append(esc(r.target()))
          .append("</td><td>")
          .append(esc(r.tool()))
          .append("</td><td>")
          .append(esc(r.status() + (r.failureType() != null ? " (" + r.failureType() + ")" : "")))
          .append("</td><td>")
          .append(r.findings())
          .append("</td></tr>\n");
    }
    b.append(
        "</table>\n<h2>Findings</h2>\n<table><tr><th>Severity</th><th>Tool</th><th>Rule</th><th>"
            + "Target</th><th>Location</th><th>Message</th></tr>\n");
    for (Finding f : report.findings()) {
      b.append("<tr><td class=\"")
          .append(f.severity())
          .append("\">")
          .append(f.severity())
          .append("</td><td>")
          .append(esc(f.tool()))
          .append("</td><td>")
          .append(esc(f.rule()))
          .append("</td><td>")
          .append(esc(f.target()))
          .append("</td><td>")
          .append(esc(f.location()))
          .append("</td><td>")
          .append(esc(f.message()))
          .append("</td></tr>\n");
    }
    b.append("</table>\n</body></html>\n");
    return b.toString();
  }

  private Map<String, Object> sarif(ScanReport report) {
    Map<String, Set<String>> rulesByTool = new LinkedHashMap<>();
    Map<String, List<Object>> resultsByTool = new LinkedHashMap<>();
    for (Finding f : report.findings()) {
      rulesByTool.computeIfAbsent(f.tool(), t -> new LinkedHashSet<>()).add(f.rule());
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("ruleId", f.rule());
      result.put("level", sarifLevel(f.severity()));
      result.put("message", Map.of("text", f.message().isEmpty() ? f.rule() : f.message()));
      Map<String, Object> region = new LinkedHashMap<>();
      if (f.line() > 0) {
        region.put("startLine", f.line());
      }
      Map<String, Object> physical = new LinkedHashMap<>();
      physical.put("artifactLocation", Map.of("uri", f.path().isEmpty() ? f.target() : f.path()));
      if (!region.isEmpty()) {
        physical.put("region", region);
      }
      result.put("locations", List.of(Map.of("physicalLocation", physical)));
      Map<String, Object> props = new LinkedHashMap<>();
      props.put("severity", f.severity().name());
      props.put("target", f.target());
      if (!f.cwes().isEmpty()) {
        props.put("tags", new ArrayList<>(f.cwes()));
      }
      result.put("properties", props);
      resultsByTool.computeIfAbsent(f.tool(), t -> new ArrayList<>()).add(result);
    }
    List<Object> runs = new ArrayList<>();
    resultsByTool.forEach(
        (tool, results) -> {
          List<Object> rules = new ArrayList<>();
          rulesByTool.get(tool).forEach(r -> rules.add(Map.of("id", r)));
          Map<String, Object> driver = new LinkedHashMap<>();
          driver.put("name", tool);
          driver.put("informationUri", "https://jmotools.com");
          driver.put("rules", rules);
          runs.add(Map.of("tool", Map.of("driver", driver), "results", results));
        });
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    doc.put("version", "2.1.0");
    doc.put("runs", runs);
    return doc;
  }

  private static String sarifLevel(Severity s) {
    return switch (s) {
      case CRITICAL, HIGH -> "error";
      case MEDIUM -> "warning";
      default -> "note";
    };
  }

  private static String md(String s) {
    return s.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
  }

  private static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
