package com.jmotools.cli.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads each scanner's output format into normalised {@link Finding}s (tool, rule, severity,
 * location). Output that is missing or empty has no findings; output that cannot be read throws
 * {@link IOException} with the file named.
 */
public final class FindingsFormats {

  /** Reads one tool's output. */
  @FunctionalInterface
  public interface Parser {
    /**
     * Reads the findings of one tool run.
     *
     * @param tool the tool's name, stamped on every finding
     * @param output the tool's output file or directory
     * @param targetRoot the scanned directory, used to make paths relative; null for non-file
     *     targets
     */
    List<Finding> parse(String tool, Path output, Path targetRoot) throws IOException;
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.ALLOW_COMMENTS);
  private static final Pattern CWE = Pattern.compile("CWE-(\\d{1,5})", Pattern.CASE_INSENSITIVE);
  private static final long MAX_OUTPUT_BYTES = 512L * 1024 * 1024;

  private static final Map<String, Parser> PARSERS = new LinkedHashMap<>();

  static {
    PARSERS.put("sarif", FindingsFormats::sarif);
    PARSERS.put("jmo-json", FindingsFormats::jmoJson);
    PARSERS.put("lines", FindingsFormats::lines);
    PARSERS.put("none", (tool, output, root) -> List.of());
    PARSERS.put("trivy-json", FindingsFormats::trivy);
    PARSERS.put("shellcheck-json1", FindingsFormats::shellcheck);
    PARSERS.put("bandit-json", FindingsFormats::bandit);
    PARSERS.put("trufflehog-jsonl", FindingsFormats::trufflehog);
    PARSERS.put("noseyparker-json", FindingsFormats::noseyparker);
    PARSERS.put("zap-json", FindingsFormats::zap);
    PARSERS.put("falco-jsonl", FindingsFormats::falco);
    PARSERS.put("afl-dir", FindingsFormats::afl);
  }

  private FindingsFormats() {}

  /** Whether {@code name} is a known format. */
  public static boolean isKnown(String name) {
    return name != null && PARSERS.containsKey(name);
  }

  /** The known format names. */
  public static Set<String> names() {
    return PARSERS.keySet();
  }

  /**
   * Parses {@code output} in {@code format}.
   *
   * @throws IllegalArgumentException if the format is unknown
   * @throws IOException if the output exists but cannot be read as that format
   */
  public static List<Finding> parse(String format, String tool, Path output, Path targetRoot)
      throws IOException {
    Parser parser = PARSERS.get(format);
    if (parser == null) {
      throw new IllegalArgumentException("unknown findings format: " + format);
    }
    if (!Files.exists(output)) {
      return List.of();
    }
    if (Files.isRegularFile(output) && Files.size(output) > MAX_OUTPUT_BYTES) {
      throw new IOException(output + ": output larger than " + MAX_OUTPUT_BYTES + " bytes");
    }
    if (Files.isRegularFile(output) && Files.size(output) == 0) {
      return List.of();
    }
    try {
      return parser.parse(tool, output, targetRoot);
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          output + ": not valid " + format + " output (" + e.getMessage() + ")", e);
    }
  }

  // ---- formats -------------------------------------------------------------------------------

  private static List<Finding> sarif(String tool, Path output, Path root) throws IOException {
    JsonNode doc = JSON.readTree(output.toFile());
    List<Finding> out = new ArrayList<>();
    for (JsonNode run : doc.path("runs")) {
      Map<String, JsonNode> rules = new LinkedHashMap<>();
      for (JsonNode rule : run.path("tool").path("driver").path("rules")) {
        rules.put(rule.path("id").asText(), rule);
      }
      for (JsonNode result : run.path("results")) {
        String ruleId = result.path("ruleId").asText(result.path("rule").path("id").asText(""));
        JsonNode rule = rules.getOrDefault(ruleId, JSON.createObjectNode());
        Severity severity = sarifSeverity(result, rule);
        JsonNode loc = result.path("locations").path(0).path("physicalLocation");
        String path = relative(uriPath(loc.path("artifactLocation").path("uri").asText("")), root);
        int line = loc.path("region").path("startLine").asInt(0);
        String message =
            result
                .path("message")
                .path("text")
                .asText(rule.path("shortDescription").path("text").asText(""));
        Set<String> cwes = new LinkedHashSet<>();
        collectCwes(rule.path("properties").path("tags"), cwes);
        collectCwes(result.path("properties").path("tags"), cwes);
        collectCwes(rule.path("properties").path("cwe"), cwes);
        out.add(
            new Finding(
                tool, ruleId, severity, "", path, line, firstLine(message), new ArrayList<>(cwes)));
      }
    }
    return out;
  }

  private static Severity sarifSeverity(JsonNode result, JsonNode rule) {
    // Security tools put a CVSS-like score or their own severity in properties; SARIF's level is
    // coarser.
    for (JsonNode props : List.of(result.path("properties"), rule.path("properties"))) {
      JsonNode score = props.path("security-severity");
      if (score.isTextual() || score.isNumber()) {
        try {
          double s = Double.parseDouble(score.asText());
          return s >= 9.0
              ? Severity.CRITICAL
              : s >= 7.0
                  ? Severity.HIGH
                  : s >= 4.0 ? Severity.MEDIUM : s > 0 ? Severity.LOW : Severity.INFO;
        } catch (NumberFormatException ignored) {
          // fall through to the next source
        }
      }
      for (String key : List.of("severity", "problem.severity")) {
        if (props.path(key).isTextual()) {
          return Severity.fromTool(props.path(key).asText());
        }
      }
    }
    String level =
        result
            .path("level")
            .asText(rule.path("defaultConfiguration").path("level").asText("warning"));
    return Severity.fromTool(level);
  }

  private static List<Finding> jmoJson(String tool, Path output, Path root) throws IOException {
    JsonNode doc = JSON.readTree(output.toFile());
    JsonNode list = doc.isArray() ? doc : doc.path("findings");
    List<Finding> out = new ArrayList<>();
    for (JsonNode f : list) {
      Set<String> cwes = new LinkedHashSet<>();
      collectCwes(f.path("cwe"), cwes);
      out.add(
          new Finding(
              tool,
              f.path("rule").asText(""),
              Severity.fromTool(f.path("severity").asText("info")),
              "",
              relative(f.path("path").asText(""), root),
              f.path("line").asInt(0),
              f.path("message").asText(""),
              new ArrayList<>(cwes)));
    }
    return out;
  }

  private static List<Finding> lines(String tool, Path output, Path root) throws IOException {
    List<Finding> out = new ArrayList<>();
    try (Stream<String> lines = Files.lines(output, StandardCharsets.UTF_8)) {
      lines
          .map(String::strip)
          .filter(l -> !l.isEmpty())
          .forEach(l -> out.add(new Finding(tool, tool, Severity.MEDIUM, "", "", 0, l, List.of())));
    }
    return out;
  }

  private static List<Finding> trivy(String tool, Path output, Path root) throws IOException {
    JsonNode doc = JSON.readTree(output.toFile());
    List<Finding> out = new ArrayList<>();
    List<JsonNode> resultLists = new ArrayList<>();
    resultLists.add(doc.path("Results"));
    for (JsonNode resource : doc.path("Resources")) {
      resultLists.add(resource.path("Results"));
    }
    for (JsonNode results : resultLists) {
      for (JsonNode r : results) {
        String target = relative(r.path("Target").asText(""), root);
        for (JsonNode v : r.path("Vulnerabilities")) {
          Set<String> cwes = new LinkedHashSet<>();
          collectCwes(v.path("CweIDs"), cwes);
          out.add(
              new Finding(
                  tool,
                  v.path("VulnerabilityID").asText(),
                  Severity.fromTool(v.path("Severity").asText()),
                  "",
                  target,
                  0,
                  v.path("PkgName").asText("") + ": " + v.path("Title").asText(""),
                  new ArrayList<>(cwes)));
        }
        for (JsonNode m : r.path("Misconfigurations")) {
          out.add(
              new Finding(
                  tool,
                  m.path("ID").asText(m.path("AVDID").asText()),
                  Severity.fromTool(m.path("Severity").asText()),
                  "",
                  target,
                  m.path("CauseMetadata").path("StartLine").asInt(0),
                  m.path("Title").asText(""),
                  List.of()));
        }
        for (JsonNode s : r.path("Secrets")) {
          out.add(
              new Finding(
                  tool,
                  s.path("RuleID").asText(),
                  Severity.fromTool(s.path("Severity").asText()),
                  "",
                  target,
                  s.path("StartLine").asInt(0),
                  s.path("Title").asText(""),
                  List.of("CWE-798")));
        }
      }
    }
    return out;
  }

  private static List<Finding> shellcheck(String tool, Path output, Path root) throws IOException {
    JsonNode doc = JSON.readTree(output.toFile());
    JsonNode comments = doc.isArray() ? doc : doc.path("comments");
    List<Finding> out = new ArrayList<>();
    for (JsonNode c : comments) {
      out.add(
          new Finding(
              tool,
              "SC" + c.path("code").asText(),
              Severity.fromTool(c.path("level").asText()),
              "",
              relative(c.path("file").asText(""), root),
              c.path("line").asInt(0),
              c.path("message").asText(""),
              List.of()));
    }
    return out;
  }

  private static List<Finding> bandit(String tool, Path output, Path root) throws IOException {
    JsonNode doc = JSON.readTree(output.toFile());
    List<Finding> out = new ArrayList<>();
    for (JsonNode r : doc.path("results")) {
      Set<String> cwes = new LinkedHashSet<>();
      JsonNode cwe = r.path("issue_cwe").path("id");
      if (cwe.isInt() && cwe.asInt() > 0) {
        cwes.add("CWE-" + cwe.asInt());
      }
      out.add(
          new Finding(
              tool,
              r.path("test_id").asText(),
              Severity.fromTool(r.path("issue_severity").asText()),
              "",
              relative(r.path("filename").asText(""), root),
              r.path("line_number").asInt(0),
              r.path("issue_text").asText(""),
              new ArrayList<>(cwes)));
    }
    return out;
  }

  private static List<Finding> trufflehog(String tool, Path output, Path root) throws IOException {
    List<Finding> out = new ArrayList<>();
    for (JsonNode n : jsonLines(output)) {
      if (!n.has("DetectorName")) {
        continue; // log lines
      }
      JsonNode fs = n.path("SourceMetadata").path("Data").path("Filesystem");
      JsonNode git = n.path("SourceMetadata").path("Data").path("Git");
      String file = fs.path("file").asText(git.path("file").asText(""));
      int line = fs.path("line").asInt(git.path("line").asInt(0));
      boolean verified = n.path("Verified").asBoolean(false);
      out.add(
          new Finding(
              tool,
              n.path("DetectorName").asText(),
              verified ? Severity.CRITICAL : Severity.HIGH,
              "",
              relative(file, root),
              line,
              (verified ? "verified " : "") + n.path("DetectorName").asText() + " secret",
              List.of("CWE-798")));
    }
    return out;
  }

  private static List<Finding> noseyparker(String tool, Path output, Path root) throws IOException {
    JsonNode doc = JSON.readTree(output.toFile());
    List<Finding> out = new ArrayList<>();
    for (JsonNode group : doc) {
      String rule = group.path("rule_name").asText(group.path("rule_text_id").asText("secret"));
      for (JsonNode m : group.path("matches")) {
        String file = "";
        for (JsonNode p : m.path("provenance")) {
          if (p.has("path")) {
            file = p.path("path").asText();
            break;
          }
        }
        int line = m.path("location").path("source_span").path("start").path("line").asInt(0);
        out.add(
            new Finding(
                tool,
                rule,
                Severity.HIGH,
                "",
                relative(file, root),
                line,
                rule,
                List.of("CWE-798")));
      }
    }
    return out;
  }

  private static List<Finding> zap(String tool, Path output, Path root) throws IOException {
    JsonNode doc = JSON.readTree(output.toFile());
    List<Finding> out = new ArrayList<>();
    for (JsonNode site : doc.path("site")) {
      for (JsonNode alert : site.path("alerts")) {
        String risk = alert.path("riskdesc").asText("").split(" ")[0];
        int cwe = alert.path("cweid").asInt(-1);
        String uri =
            alert.path("instances").path(0).path("uri").asText(site.path("@name").asText(""));
        out.add(
            new Finding(
                tool,
                alert.path("pluginid").asText(),
                "informational".equalsIgnoreCase(risk) ? Severity.INFO : Severity.fromTool(risk),
                "",
                uri,
                0,
                alert.path("alert").asText(alert.path("name").asText("")),
                cwe > 0 ? List.of("CWE-" + cwe) : List.of()));
      }
    }
    return out;
  }

  private static List<Finding> falco(String tool, Path output, Path root) throws IOException {
    List<Finding> out = new ArrayList<>();
    for (JsonNode n : jsonLines(output)) {
      if (!n.has("rule")) {
        continue;
      }
      out.add(
          new Finding(
              tool,
              n.path("rule").asText(),
              Severity.fromTool(n.path("priority").asText()),
              "",
              n.path("output_fields").path("k8s.pod.name").asText(""),
              0,
              n.path("rule").asText(),
              List.of()));
    }
    return out;
  }

  private static List<Finding> afl(String tool, Path output, Path root) throws IOException {
    // afl++ writes one file per crashing input under <out>/<fuzzer>/crashes (README.txt aside).
    List<Finding> out = new ArrayList<>();
    Path dir = Files.isDirectory(output) ? output : output.getParent();
    try (Stream<Path> files = Files.walk(dir, 4)) {
      files
          .filter(Files::isRegularFile)
          .filter(
              p ->
                  p.getParent() != null && p.getParent().getFileName().toString().equals("crashes"))
          .filter(p -> !p.getFileName().toString().startsWith("README"))
          .sorted()
          .forEach(
              p ->
                  out.add(
                      new Finding(
                          tool,
                          "crash",
                          Severity.HIGH,
                          "",
                          p.getFileName().toString(),
                          0,
                          "input that crashes the fuzzed program",
                          List.of())));
    }
    return out;
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static List<JsonNode> jsonLines(Path output) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(output, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        String t = line.strip();
        if (t.startsWith("{")) {
          out.add(JSON.readTree(t));
        }
      }
    }
    return out;
  }

  private static void collectCwes(JsonNode node, Set<String> into) {
    if (node.isArray()) {
      node.forEach(n -> collectCwes(n, into));
    } else if (node.isTextual() || node.isNumber()) {
      String text = node.asText();
      if (node.isNumber()) {
        into.add("CWE-" + node.asInt());
        return;
      }
      Matcher m = CWE.matcher(text);
      while (m.find()) {
        into.add("CWE-" + Integer.parseInt(m.group(1)));
      }
    }
  }

  private static String uriPath(String uri) {
    if (uri.startsWith("file:")) {
      try {
        return Path.of(URI.create(uri)).toString();
      } catch (RuntimeException e) {
        return uri.substring("file:".length());
      }
    }
    return uri;
  }

  /** {@code path} relative to {@code root} when it lies under it; otherwise as given. */
  static String relative(String path, Path root) {
    if (path == null || path.isEmpty() || root == null) {
      return path == null ? "" : path;
    }
    try {
      Path p = Path.of(path);
      Path absRoot = root.toAbsolutePath().normalize();
      Path abs = p.isAbsolute() ? p.normalize() : p;
      if (abs.isAbsolute() && abs.startsWith(absRoot)) {
        return absRoot.relativize(abs).toString();
      }
      if (p.startsWith(root)) {
        return root.relativize(p).toString();
      }
      return path.startsWith("./") ? path.substring(2) : path;
    } catch (RuntimeException e) {
      return path;
    }
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
