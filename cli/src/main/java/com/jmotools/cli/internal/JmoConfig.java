package com.jmotools.cli.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What jmo.yml says, after checking: profiles (built-ins with the file's overrides), custom tools,
 * suppressions, compliance, and the telemetry settings passed to the client.
 *
 * @param source the file read, or null when there was none
 * @param defaultProfile the profile used when none is named
 * @param profiles every profile by name
 * @param customTools tools defined in the file
 * @param suppressions suppression rules
 * @param compliance whether reports map findings to compliance frameworks
 * @param telemetryEnabled {@code telemetry.enabled}, or null when absent
 * @param telemetryEndpoint {@code telemetry.endpoint}, or null when absent
 * @param runDefaults the top-level {@code threads}, {@code timeout}, {@code fail_on} and {@code
 *     outputs}: what a run uses when its command line does not say
 */
public record JmoConfig(
    Path source,
    String defaultProfile,
    Map<String, Profile> profiles,
    List<ToolDefinition> customTools,
    List<Suppression> suppressions,
    boolean compliance,
    Boolean telemetryEnabled,
    String telemetryEndpoint,
    RunDefaults runDefaults) {

  /**
   * The file's defaults for every run, each {@code null} when absent (then the profile's, or the
   * command's own default, applies).
   *
   * @param threads how many tool runs at once (overrides the profile's; {@code --threads} overrides
   *     it)
   * @param timeout the timeout of each tool run (overrides the profile's; {@code --timeout}
   *     overrides it)
   * @param failOn the {@code --fail-on} of report and ci when the command line gives none
   * @param outputs the {@code --formats} of report and ci when the command line gives none
   */
  public record RunDefaults(
      Integer threads, Duration timeout, Severity failOn, List<ReportFormat> outputs) {
    /** No defaults. */
    public static final RunDefaults NONE = new RunDefaults(null, null, null, null);

    public RunDefaults {
      outputs = outputs == null ? null : List.copyOf(outputs);
    }
  }

  /** The profile used when neither the command line nor jmo.yml names one. */
  public static final String DEFAULT_PROFILE = "balanced";

  public JmoConfig {
    Objects.requireNonNull(defaultProfile, "defaultProfile");
    profiles = Map.copyOf(profiles);
    customTools = List.copyOf(customTools);
    suppressions = List.copyOf(suppressions);
    runDefaults = runDefaults == null ? RunDefaults.NONE : runDefaults;
    if (!profiles.containsKey(defaultProfile)) {
      throw new IllegalArgumentException(
          "default_profile '"
              + defaultProfile
              + "' is not a profile (known: "
              + String.join(", ", new java.util.TreeSet<>(profiles.keySet()))
              + ")");
    }
  }

  /** The configuration when there is no jmo.yml. */
  public static JmoConfig defaults() {
    return new JmoConfig(
        null,
        DEFAULT_PROFILE,
        Profile.builtIns(),
        List.of(),
        List.of(),
        false,
        null,
        null,
        RunDefaults.NONE);
  }

  /** The tool registry: built-ins plus this file's custom tools. */
  public ToolRegistry registry() {
    return ToolRegistry.builtIn().with(customTools);
  }
}
