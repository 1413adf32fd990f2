package com.jmotools.cli.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A scan profile: which tools run, the timeout per tool run, and how many run at once.
 *
 * @param name the profile's name (fast, balanced, deep or one defined in jmo.yml)
 * @param tools the tool names, in order
 * @param timeout the default timeout of one tool run
 * @param threads how many tool runs at once
 * @param toolTimeouts timeouts for single tools, overriding {@code timeout}
 */
public record Profile(
    String name,
    List<String> tools,
    Duration timeout,
    int threads,
    Map<String, Duration> toolTimeouts) {

  /** The built-in profile names whose name is sent as is; every other profile is sent as custom. */
  public static final List<String> BUILT_IN = List.of("fast", "balanced", "deep");

  public Profile {
    Objects.requireNonNull(name, "name");
    tools = List.copyOf(tools);
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "profile " + name + ": timeout must be positive: " + timeout);
    }
    if (threads < 1 || threads > 256) {
      throw new IllegalArgumentException(
          "profile " + name + ": threads must be 1..256: " + threads);
    }
    toolTimeouts = Map.copyOf(toolTimeouts);
  }

  /** The timeout of one run of {@code tool}. */
  public Duration timeoutOf(String tool) {
    return toolTimeouts.getOrDefault(tool, timeout);
  }

  /** The built-in profiles of the guide's jmo.yml. */
  public static Map<String, Profile> builtIns() {
    List<String> fast = List.of("trufflehog", "semgrep", "trivy");
    List<String> balanced = concat(fast, List.of("syft", "checkov", "hadolint", "zap"));
    List<String> deep = concat(balanced, List.of("noseyparker", "bandit", "falco", "afl++"));
    return Map.of(
        "fast", new Profile("fast", fast, Duration.ofMinutes(5), 8, Map.of()),
        "balanced", new Profile("balanced", balanced, Duration.ofMinutes(10), 4, Map.of()),
        "deep",
            new Profile(
                "deep", deep, Duration.ofMinutes(15), 2, Map.of("afl++", Duration.ofMinutes(30))));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }
}
