package com.jmotools.cli.internal;

import java.time.LocalDate;
import java.util.regex.Pattern;

/**
 * A rule of jmo.yml's {@code suppressions}: findings it matches are left out of reports and of
 * {@code --fail-on}. Every given condition must hold; an expired rule matches nothing.
 *
 * @param rule the rule id to match exactly, or null for any
 * @param tool the tool name to match exactly, or null for any
 * @param path a glob ({@code *} within a path segment, {@code **} across segments) on the finding's
 *     path, or null for any
 * @param reason why it is suppressed (kept in the report, never sent)
 * @param expires the last day the rule applies, or null for no end
 */
public record Suppression(String rule, String tool, String path, String reason, LocalDate expires) {

  public Suppression {
    if (rule == null && path == null) {
      throw new IllegalArgumentException("a suppression needs a rule or a path");
    }
    reason = reason == null ? "" : reason;
  }

  /** Whether this rule suppresses {@code finding} on {@code today}. */
  public boolean matches(Finding finding, LocalDate today) {
    if (expires != null && today.isAfter(expires)) {
      return false;
    }
    if (rule != null && !rule.equals(finding.rule())) {
      return false;
    }
    if (tool != null && !tool.equals(finding.tool())) {
      return false;
    }
    return path == null || globToRegex(path).matcher(finding.path()).matches();
  }

  /**
   * A glob as a regular expression: {@code **} any characters, {@code *} and {@code ?} within a
   * segment.
   */
  static Pattern globToRegex(String glob) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
          b.append(".*");
          i++;
          if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
            i++;
            b.append("/?");
          }
        } else {
          b.append("[^/]*");
        }
      } else if (c == '?') {
        b.append("[^/]");
      } else {
        b.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(b.toString());
  }
}
