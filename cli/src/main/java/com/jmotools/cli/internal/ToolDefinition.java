package com.jmotools.cli.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to run one scanner: the command for each target type, where its output goes, how to read its
 * findings, and which exit codes mean "findings found" rather than failure.
 *
 * <p>Command words may hold placeholders: {@code {target}} (the target's path, image, URL or
 * context), {@code {output}} (the output file), {@code {outdir}} (the tool's result directory),
 * {@code {timeout}} (the timeout in seconds), {@code {duration}} (nine tenths of it, for tools that
 * run for a set time and must stop before they are killed) and {@code {files:GLOB}} (every file
 * under the target whose name matches GLOB, one word each; when none matches the tool does not
 * apply).
 *
 * @param name the tool's name (catalog tools keep their catalog name; others are sent as custom)
 * @param commands for each target type the tool handles, its steps (run in order, each a command
 *     line)
 * @param outputFile the output's file name inside the tool's result directory
 * @param outputFromStdout whether the last step's standard output is the output file
 * @param format the findings format, a name known to {@link FindingsFormats}
 * @param findingsExitCodes exit codes that mean the tool ran and found something
 * @param requiredFile a path relative to the target that must exist for the tool to apply, or null
 * @param installHint how to install the tool, shown when it is missing
 * @param builtIn whether the definition comes with jmo (false: defined in jmo.yml)
 */
public record ToolDefinition(
    String name,
    Map<TargetType, List<List<String>>> commands,
    String outputFile,
    boolean outputFromStdout,
    String format,
    Set<Integer> findingsExitCodes,
    String requiredFile,
    String installHint,
    boolean builtIn) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9+._-]{0,63}");
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  public ToolDefinition {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "tool name must be letters, digits, '+', '.', '_' or '-': " + name);
    }
    if (commands == null || commands.isEmpty()) {
      throw new IllegalArgumentException("tool " + name + " has no command");
    }
    Map<TargetType, List<List<String>>> copy = new EnumMap<>(TargetType.class);
    commands.forEach(
        (type, steps) -> {
          if (steps == null
              || steps.isEmpty()
              || steps.stream().anyMatch(s -> s == null || s.isEmpty())) {
            throw new IllegalArgumentException(
                "tool " + name + ": empty command for " + type.key());
          }
          List<List<String>> stepsCopy = new ArrayList<>();
          steps.forEach(s -> stepsCopy.add(List.copyOf(s)));
          copy.put(type, List.copyOf(stepsCopy));
        });
    commands = java.util.Collections.unmodifiableMap(copy);
    if (outputFile == null || !FILE_NAME.matcher(outputFile).matches()) {
      throw new IllegalArgumentException(
          "tool " + name + ": output must be a plain file name: " + outputFile);
    }
    if (!FindingsFormats.isKnown(format)) {
      throw new IllegalArgumentException(
          "tool "
              + name
              + ": unknown format '"
              + format
              + "' (known: "
              + String.join(", ", FindingsFormats.names())
              + ")");
    }
    findingsExitCodes = Set.copyOf(findingsExitCodes == null ? Set.of() : findingsExitCodes);
    if (findingsExitCodes.contains(0)) {
      throw new IllegalArgumentException(
          "tool " + name + ": exit code 0 is success, not a findings code");
    }
    if (requiredFile != null && (requiredFile.startsWith("/") || requiredFile.contains(".."))) {
      throw new IllegalArgumentException(
          "tool " + name + ": required file must be relative to the target: " + requiredFile);
    }
    installHint =
        installHint == null || installHint.isBlank() ? "see the tool's documentation" : installHint;
  }

  /** Whether the tool has a command for targets of that type. */
  public boolean handles(TargetType type) {
    return commands.containsKey(type);
  }

  /** The executables the tool needs (the first word of each step), in order, without repeats. */
  public Set<String> executables() {
    Set<String> out = new LinkedHashSet<>();
    commands.values().forEach(steps -> steps.forEach(s -> out.add(s.get(0))));
    return out;
  }

  /** A builder for the built-in registry and for tools defined in jmo.yml. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builds a {@link ToolDefinition}; {@link #build()} checks every input. */
  public static final class Builder {
    private final String name;
    private final Map<TargetType, List<List<String>>> commands = new EnumMap<>(TargetType.class);
    private String outputFile = "output.json";
    private boolean outputFromStdout;
    private String format = "sarif";
    private final Set<Integer> findingsExitCodes = new LinkedHashSet<>();
    private String requiredFile;
    private String installHint;
    private boolean builtIn = true;

    private Builder(String name) {
      this.name = name;
    }

    /** The one-step command for targets of {@code type}. */
    public Builder command(TargetType type, String... words) {
      commands.put(type, List.of(List.of(words)));
      return this;
    }

    /** A multi-step command for targets of {@code type}. */
    public Builder steps(TargetType type, List<List<String>> steps) {
      commands.put(type, steps);
      return this;
    }

    public Builder output(String fileName) {
      this.outputFile = fileName;
      return this;
    }

    public Builder stdout() {
      this.outputFromStdout = true;
      return this;
    }

    public Builder outputFromStdout(boolean value) {
      this.outputFromStdout = value;
      return this;
    }

    public Builder format(String format) {
      this.format = format;
      return this;
    }

    public Builder findingsExitCodes(Integer... codes) {
      findingsExitCodes.addAll(List.of(codes));
      return this;
    }

    public Builder findingsExitCodes(java.util.Collection<Integer> codes) {
      findingsExitCodes.addAll(codes);
      return this;
    }

    public Builder requiredFile(String relativePath) {
      this.requiredFile = relativePath;
      return this;
    }

    public Builder install(String hint) {
      this.installHint = hint;
      return this;
    }

    public Builder custom() {
      this.builtIn = false;
      return this;
    }

    public ToolDefinition build() {
      return new ToolDefinition(
          name,
          commands,
          outputFile,
          outputFromStdout,
          format,
          findingsExitCodes,
          requiredFile,
          installHint,
          builtIn);
    }
  }
}
