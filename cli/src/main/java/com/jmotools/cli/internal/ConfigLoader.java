package com.jmotools.cli.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads jmo.yml with SnakeYAML Engine into a checked {@link JmoConfig}. Every problem is a {@link
 * UserError} that names the file and the key.
 */
public final class ConfigLoader {

  /** jmo.yml larger than this is refused: it is a settings file. */
  public static final long MAX_CONFIG_BYTES = 1024 * 1024;

  private static final Set<String> TOP_LEVEL =
      Set.of(
          "default_profile",
          "profiles",
          "custom_tools",
          "suppressions",
          "compliance",
          "telemetry",
          "outputs",
          "fail_on",
          "threads",
          "timeout");

  private final String label;

  private ConfigLoader(String label) {
    this.label = label;
  }

  /**
   * Loads {@code file}; a missing file gives the defaults when {@code mayBeMissing}.
   *
   * @throws UserError ({@link ExitCodes#CONFIG}) if the file is unreadable or not a valid jmo.yml
   */
  public static JmoConfig load(Path file, boolean mayBeMissing) {
    String text;
    try {
      if (Files.isRegularFile(file) && Files.size(file) > MAX_CONFIG_BYTES) {
        throw new UserError(
            ExitCodes.CONFIG, file + ": larger than " + MAX_CONFIG_BYTES + " bytes");
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      if (mayBeMissing) {
        return JmoConfig.defaults();
      }
      throw new UserError(ExitCodes.CONFIG, file + ": no such file");
    } catch (IOException e) {
      throw new UserError(ExitCodes.CONFIG, file + ": cannot read (" + e.getMessage() + ")", e);
    }
    return parse(text, file);
  }

  /** Parses jmo.yml text; {@code source} names it in messages (may be null). */
  public static JmoConfig parse(String text, Path source) {
    ConfigLoader loader = new ConfigLoader(source == null ? "jmo.yml" : source.toString());
    Object root;
    try {
      root =
          new Load(
                  LoadSettings.builder()
                      .setLabel(loader.label)
                      .setAllowDuplicateKeys(false)
                      .setMaxAliasesForCollections(10)
                      .build())
              .loadFromString(text);
    } catch (YamlEngineException e) {
      throw new UserError(ExitCodes.CONFIG, loader.label + ": " + describe(e), e);
    }
    return loader.build(root, source);
  }

  private JmoConfig build(Object root, Path source) {
    if (root == null) {
      return new JmoConfig(
          source,
          JmoConfig.DEFAULT_PROFILE,
          Profile.builtIns(),
          List.of(),
          List.of(),
          false,
          null,
          null,
          JmoConfig.RunDefaults.NONE);
    }
    Map<String, Object> top = map(root, "the document");
    for (String key : top.keySet()) {
      if (!TOP_LEVEL.contains(key)) {
        throw error(
            key,
            "is not a jmo.yml setting (known: "
                + String.join(", ", new java.util.TreeSet<>(TOP_LEVEL))
                + ")");
      }
    }
    List<ToolDefinition> custom = customTools(top.get("custom_tools"));
    Map<String, Profile> profiles = profiles(top.get("profiles"));
    String defaultProfile =
        top.containsKey("default_profile")
            ? string(top.get("default_profile"), "default_profile")
            : JmoConfig.DEFAULT_PROFILE;
    if (!profiles.containsKey(defaultProfile)) {
      throw error("default_profile", "names no profile: " + defaultProfile);
    }
    List<Suppression> suppressions = suppressions(top.get("suppressions"));
    boolean compliance = top.containsKey("compliance") && bool(top.get("compliance"), "compliance");
    Boolean enabled = null;
    String endpoint = null;
    if (top.get("telemetry") != null) {
      Map<String, Object> t = map(top.get("telemetry"), "telemetry");
      for (String key : t.keySet()) {
        if (!key.equals("enabled") && !key.equals("endpoint")) {
          throw error("telemetry." + key, "is not a telemetry setting (use enabled or endpoint)");
        }
      }
      if (t.get("enabled") != null) {
        enabled = bool(t.get("enabled"), "telemetry.enabled");
      }
      if (t.get("endpoint") != null) {
        endpoint = string(t.get("endpoint"), "telemetry.endpoint");
        if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
          throw error("telemetry.endpoint", "must be an http:// or https:// URL");
        }
      }
    }
    JmoConfig.RunDefaults runDefaults = runDefaults(top);
    try {
      ToolRegistry.builtIn().with(custom);
      return new JmoConfig(
          source,
          defaultProfile,
          profiles,
          custom,
          suppressions,
          compliance,
          enabled,
          endpoint,
          runDefaults);
    } catch (IllegalArgumentException e) {
      throw new UserError(ExitCodes.CONFIG, label + ": " + e.getMessage(), e);
    }
  }

  /**
   * The top-level threads, timeout, fail_on and outputs, each checked as its command-line option
   * is.
   */
  private JmoConfig.RunDefaults runDefaults(Map<String, Object> top) {
    Integer threads =
        top.get("threads") == null ? null : positiveInt(top.get("threads"), "threads", 256);
    Duration timeout = top.get("timeout") == null ? null : seconds(top.get("timeout"), "timeout");
    Severity failOn = null;
    if (top.get("fail_on") != null) {
      String text = string(top.get("fail_on"), "fail_on");
      failOn =
          Severity.parse(text)
              .orElseThrow(
                  () ->
                      error(
                          "fail_on",
                          "must be CRITICAL, HIGH, MEDIUM, LOW or INFO, not '" + text + "'"));
    }
    List<ReportFormat> outputs = null;
    if (top.get("outputs") != null) {
      outputs = new ArrayList<>();
      for (String name : stringList(top.get("outputs"), "outputs")) {
        try {
          ReportFormat f = ReportFormat.parse(name);
          if (!outputs.contains(f)) {
            outputs.add(f);
          }
        } catch (IllegalArgumentException e) {
          throw error("outputs", e.getMessage());
        }
      }
    }
    return new JmoConfig.RunDefaults(threads, timeout, failOn, outputs);
  }

  private Map<String, Profile> profiles(Object node) {
    Map<String, Profile> profiles = new LinkedHashMap<>(Profile.builtIns());
    if (node == null) {
      return profiles;
    }
    for (Map.Entry<String, Object> e : map(node, "profiles").entrySet()) {
      String name = e.getKey();
      String where = "profiles." + name;
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
        throw error(where, "a profile name must be letters, digits, '.', '_' or '-'");
      }
      Map<String, Object> p = e.getValue() == null ? Map.of() : map(e.getValue(), where);
      Profile base = profiles.get(name);
      List<String> tools =
          p.containsKey("tools")
              ? stringList(p.get("tools"), where + ".tools")
              : base != null ? base.tools() : null;
      if (tools == null || tools.isEmpty()) {
        throw error(where + ".tools", "a new profile needs a non-empty list of tools");
      }
      Duration timeout =
          p.containsKey("timeout")
              ? seconds(p.get("timeout"), where + ".timeout")
              : base != null ? base.timeout() : Duration.ofMinutes(10);
      int threads =
          p.containsKey("threads")
              ? positiveInt(p.get("threads"), where + ".threads", 256)
              : base != null ? base.threads() : 4;
      Map<String, Duration> toolTimeouts =
          new LinkedHashMap<>(base != null ? base.toolTimeouts() : Map.of());
      if (p.get("per_tool") != null) {
        for (Map.Entry<String, Object> t : map(p.get("per_tool"), where + ".per_tool").entrySet()) {
          String key = where + ".per_tool." + t.getKey();
          Object v =
              t.getValue() instanceof Map ? map(t.getValue(), key).get("timeout") : t.getValue();
          toolTimeouts.put(t.getKey(), seconds(v, key + ".timeout"));
        }
      }
      for (String key : p.keySet()) {
        if (!Set.of("tools", "timeout", "threads", "per_tool").contains(key)) {
          throw error(
              where + "." + key,
              "is not a profile setting (use tools, timeout, threads, per_tool)");
        }
      }
      profiles.put(name, new Profile(name, tools, timeout, threads, toolTimeouts));
    }
    return profiles;
  }

  private List<ToolDefinition> customTools(Object node) {
    List<ToolDefinition> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    for (Map.Entry<String, Object> e : map(node, "custom_tools").entrySet()) {
      String where = "custom_tools." + e.getKey();
      Map<String, Object> t = map(e.getValue(), where);
      for (String key : t.keySet()) {
        if (!Set.of(
                "command",
                "commands",
                "output",
                "stdout",
                "format",
                "findings_exit_codes",
                "install")
            .contains(key)) {
          throw error(
              where + "." + key,
              "is not a tool setting (use command or commands, output, stdout, format,"
                  + " findings_exit_codes, install)");
        }
      }
      Map<TargetType, List<List<String>>> commands = new EnumMap<>(TargetType.class);
      if (t.get("command") != null) {
        commands.put(TargetType.REPO, List.of(stringList(t.get("command"), where + ".command")));
      }
      if (t.get("commands") != null) {
        for (Map.Entry<String, Object> c : map(t.get("commands"), where + ".commands").entrySet()) {
          TargetType type;
          try {
            type = TargetType.fromKey(c.getKey());
          } catch (IllegalArgumentException ex) {
            throw error(where + ".commands." + c.getKey(), ex.getMessage());
          }
          commands.put(type, List.of(stringList(c.getValue(), where + ".commands." + c.getKey())));
        }
      }
      if (commands.isEmpty()) {
        throw error(
            where, "needs a command (a list of words, such as [my-linter, --json, \"{target}\"])");
      }
      List<Integer> codes = new ArrayList<>();
      if (t.get("findings_exit_codes") != null) {
        Object list = t.get("findings_exit_codes");
        if (!(list instanceof List)) {
          throw error(where + ".findings_exit_codes", "must be a list of integers");
        }
        for (Object c : (List<?>) list) {
          codes.add(positiveInt(c, where + ".findings_exit_codes", 255));
        }
      }
      try {
        ToolDefinition.Builder b = ToolDefinition.builder(e.getKey()).custom();
        commands.forEach(b::steps);
        out.add(
            b.output(
                    t.containsKey("output")
                        ? string(t.get("output"), where + ".output")
                        : "output.txt")
                .outputFromStdout(
                    !t.containsKey("stdout") || bool(t.get("stdout"), where + ".stdout"))
                .format(
                    t.containsKey("format") ? string(t.get("format"), where + ".format") : "lines")
                .findingsExitCodes(codes)
                .install(
                    t.containsKey("install") ? string(t.get("install"), where + ".install") : null)
                .build());
      } catch (IllegalArgumentException ex) {
        throw error(where, ex.getMessage());
      }
    }
    return out;
  }

  private List<Suppression> suppressions(Object node) {
    List<Suppression> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    if (!(node instanceof List)) {
      throw error(
          "suppressions",
          "must be a list of rules such as {rule: B101, path: \"tests/**\", reason: ...}");
    }
    int i = 0;
    for (Object item : (List<?>) node) {
      String where = "suppressions[" + i++ + "]";
      Map<String, Object> s = map(item, where);
      for (String key : s.keySet()) {
        if (!Set.of("rule", "tool", "path", "reason", "expires").contains(key)) {
          throw error(
              where + "." + key,
              "is not a suppression setting (use rule, tool, path, reason, expires)");
        }
      }
      LocalDate expires = null;
      if (s.get("expires") != null) {
        try {
          expires = LocalDate.parse(String.valueOf(s.get("expires")));
        } catch (DateTimeParseException ex) {
          throw error(where + ".expires", "must be a date such as 2027-01-31");
        }
      }
      try {
        out.add(
            new Suppression(
                optString(s.get("rule"), where + ".rule"),
                optString(s.get("tool"), where + ".tool"),
                optString(s.get("path"), where + ".path"),
                optString(s.get("reason"), where + ".reason"),
                expires));
      } catch (IllegalArgumentException ex) {
        throw error(where, ex.getMessage());
      }
    }
    return out;
  }

  // ---- typed access ----------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private Map<String, Object> map(Object node, String where) {
    if (!(node instanceof Map)) {
      throw error(where, "must be a mapping (key: value)");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<Object, Object> e : ((Map<Object, Object>) node).entrySet()) {
      if (!(e.getKey() instanceof String)) {
        throw error(where, "keys must be strings");
      }
      out.put((String) e.getKey(), e.getValue());
    }
    return out;
  }

  private String string(Object v, String where) {
    if (v instanceof String string && !string.isBlank()) {
      return string;
    }
    throw error(where, "must be a non-empty string");
  }

  private String optString(Object v, String where) {
    return v == null ? null : v instanceof Number ? v.toString() : string(v, where);
  }

  private boolean bool(Object v, String where) {
    if (v instanceof Boolean b) {
      return b;
    }
    throw error(where, "must be true or false");
  }

  private int positiveInt(Object v, String where, int max) {
    if (v instanceof Number number
        && number.longValue() >= 1
        && number.longValue() <= max
        && number.doubleValue() == number.longValue()) {
      return number.intValue();
    }
    throw error(where, "must be an integer from 1 to " + max);
  }

  private Duration seconds(Object v, String where) {
    return Duration.ofSeconds(positiveInt(v, where, 86_400));
  }

  private List<String> stringList(Object v, String where) {
    if (!(v instanceof List) || ((List<?>) v).isEmpty()) {
      throw error(where, "must be a non-empty list of strings");
    }
    List<String> out = new ArrayList<>();
    for (Object o : (List<?>) v) {
      if (o instanceof Number) {
        out.add(o.toString());
      } else {
        out.add(string(o, where));
      }
    }
    return out;
  }

  private UserError error(String key, String message) {
    return new UserError(ExitCodes.CONFIG, label + ": " + key + " " + message);
  }

  /** A YAML error as one line: where, then what. */
  static String describe(YamlEngineException e) {
    if (e instanceof MarkedYamlEngineException m) {

      String where =
          m.getProblemMark()
              .map(k -> " at line " + (k.getLine() + 1) + ", column " + (k.getColumn() + 1))
              .orElse("");
      return "not valid YAML" + where + ": " + oneLine(m.getProblem());
    }
    return "not valid YAML: " + oneLine(e.getMessage());
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").trim();
  }
}
