package com.jmotools.cli.internal;

import java.util.List;
import java.util.Objects;

/**
 * One normalised finding: which tool found what, how severe, and where.
 *
 * @param tool the tool's name as configured (custom tools keep their own name locally)
 * @param rule the tool's rule or check id
 * @param severity the normalised severity
 * @param target the target's display name (local only, never sent)
 * @param path the file, image or URL the finding is in, relative to the target where possible
 * @param line the 1-based line, or 0 when unknown
 * @param message the tool's short description
 * @param cwes the CWE ids the tool attached, such as {@code CWE-78}
 */
public record Finding(
    String tool,
    String rule,
    Severity severity,
    String target,
    String path,
    int line,
    String message,
    List<String> cwes) {

  public Finding {
    Objects.requireNonNull(tool, "tool");
    rule = rule == null || rule.isBlank() ? "unknown" : rule;
    Objects.requireNonNull(severity, "severity");
    target = target == null ? "" : target;
    path = path == null ? "" : path;
    if (line < 0) {
      line = 0;
    }
    message = message == null ? "" : message;
    cwes = cwes == null ? List.of() : List.copyOf(cwes);
  }

  /** The location as {@code path:line}, or the path alone when the line is unknown. */
  public String location() {
    return line > 0 ? path + ":" + line : path;
  }

  /** A copy with the target's display name set. */
  public Finding withTarget(String targetName) {
    return new Finding(tool, rule, severity, targetName, path, line, message, cwes);
  }
}
