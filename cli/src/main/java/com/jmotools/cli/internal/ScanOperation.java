package com.jmotools.cli.internal;

import com.jmotools.cli.CliEnvironment;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A whole scan: resolve the profile and tools, collect the targets, skip (or refuse, with {@code
 * --strict}) missing tools, then {@code scan.started}, the tool runs with a {@code tool.failed} per
 * failure, and {@code scan.completed}.
 */
public final class ScanOperation {

  /** The outcome of a scan. */
  public record Outcome(
      List<ToolResult> results, long findings, int succeeded, int failed, Path resultsDir) {}

  private final CliEnvironment env;
  private final JmoConfig config;
  private final TelemetrySession telemetry;
  private final PrintWriter err;

  public ScanOperation(
      CliEnvironment env, JmoConfig config, TelemetrySession telemetry, PrintWriter err) {
    this.env = env;
    this.config = config;
    this.telemetry = telemetry;
    this.err = err;
  }

  /**
   * Runs the scan.
   *
   * @throws UserError for an unknown profile or tool, no targets, or a missing tool under --strict
   * @throws InterruptedException if interrupted (the running tools are killed)
   */
  public Outcome run(ScanRequest request) throws InterruptedException {
    String profileName =
        request.profileName() != null ? request.profileName() : config.defaultProfile();
    Profile profile = profile(profileName);
    boolean replaced = !request.tools().isEmpty();
    String profileToSend = TelemetrySession.profileToSend(profileName, replaced);
    Map<String, ToolDefinition> selected =
        selectTools(replaced ? request.tools() : profile.tools());
    List<Target> targets = targets(request);
    ToolRunner runner = new ToolRunner(env.variables());
    List<ToolDefinition> runnable = installed(selected, runner, request.strict());

    TelemetrySession.Mode mode = telemetry.mode(request.fromWizard());
    Instant start = env.clock().instant();
    telemetry.scanStarted(mode, profileToSend, runnable, TargetCollector.counts(targets));

    // the command line wins, then jmo.yml's top-level setting, then the profile's
    int threads =
        request.threads() != null
            ? request.threads()
            : config.runDefaults().threads() != null
                ? config.runDefaults().threads()
                : profile.threads();
    java.time.Duration timeout =
        request.timeout() != null ? request.timeout() : config.runDefaults().timeout();
    ScanListener listener = listener(new Progress(err, env.terminal()), selected, profileToSend);
    Path resultsDir = resultsDirectory(request);
    List<ToolResult> results =
        new ScanEngine(runner, env.variables())
            .run(targets, runnable, profile, threads, timeout, resultsDir, listener);

    Outcome outcome = outcome(results, resultsDir);
    Duration elapsed = Duration.between(start, env.clock().instant());
    telemetry.scanCompleted(
        mode,
        profileToSend,
        elapsed,
        outcome.succeeded(),
        outcome.failed(),
        outcome.findings(),
        runsPerTool(results, runnable, selected));
    err.println(
        String.format(
            Locale.ROOT,
            "jmo: scan done in %.1f s: %d tool run(s) succeeded, %d failed, %d finding(s); results"
                + " in %s",
            elapsed.toMillis() / 1000.0,
            outcome.succeeded(),
            outcome.failed(),
            outcome.findings(),
            resultsDir));
    // The notice comes last, where it is not scrolled away by the progress lines.
    telemetry.showNoticeIfDue(err);
    err.flush();
    return outcome;
  }

  private Profile profile(String name) {
    Profile profile = config.profiles().get(name);
    if (profile == null) {
      throw new UserError(
          ExitCodes.CONFIG,
          "unknown profile '"
              + name
              + "' (known: "
              + String.join(", ", new java.util.TreeSet<>(config.profiles().keySet()))
              + ")");
    }
    return profile;
  }

  /** The definitions of the named tools, in order, each once. */
  private Map<String, ToolDefinition> selectTools(List<String> toolNames) {
    ToolRegistry registry = config.registry();
    Map<String, ToolDefinition> selected = new LinkedHashMap<>();
    for (String name : toolNames) {
      ToolDefinition d =
          registry
              .find(name.trim())
              .orElseThrow(
                  () ->
                      new UserError(
                          ExitCodes.CONFIG,
                          "unknown tool '"
                              + name
                              + "' (built in: "
                              + String.join(", ", builtInNames(registry))
                              + "; others can be defined under custom_tools in jmo.yml)"));
      selected.put(d.name(), d);
    }
    return selected;
  }

  private List<Target> targets(ScanRequest request) {
    String token = env.variables().get(GitLabProjects.TOKEN_VARIABLE);
    List<Target> targets =
        TargetCollector.collect(
            request.targets(), env.workingDirectory(), GitLabProjects.api(token));
    if (targets.isEmpty()) {
      throw new UserError(
          ExitCodes.CONFIG,
          "nothing to scan: give --repo, --repos-dir, --targets, --image, --url, --terraform-state,"
              + " --cloudformation, --k8s-manifest, --gitlab-repo, --gitlab-group or"
              + " --k8s-context");
    }
    return targets;
  }

  /**
   * The selected tools whose executables are on the PATH; the others are skipped with a hint (or
   * refused if strict).
   */
  private List<ToolDefinition> installed(
      Map<String, ToolDefinition> selected, ToolRunner runner, boolean strict) {
    List<ToolDefinition> runnable = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (ToolDefinition d : selected.values()) {
      List<String> exes = runner.missingExecutables(d);
      if (exes.isEmpty()) {
        runnable.add(d);
      } else {
        missing.add(
            d.name()
                + " ("
                + String.join(", ", exes)
                + " not on PATH; install: "
                + d.installHint()
                + ")");
      }
    }
    if (!missing.isEmpty() && strict) {
      throw new UserError(
          ExitCodes.MISSING_TOOL, "--strict: not installed: " + String.join("; ", missing));
    }
    missing.forEach(m -> err.println("jmo: warning: skipping " + m));
    return runnable;
  }

  /** Shows the progress and records each failed tool run as it finishes. */
  private ScanListener listener(
      Progress progress, Map<String, ToolDefinition> selected, String profileToSend) {
    return new ScanListener() {
      @Override
      public void planned(int runs) {
        progress.planned(runs);
      }

      @Override
      public void started(Target target, String tool) {
        progress.started(target, tool);
      }

      @Override
      public void finished(ToolResult result) {
        progress.finished(result);
        if (result.status() == ToolResult.Status.FAILED) {
          telemetry.toolFailed(selected.get(result.tool()), result, profileToSend);
        }
      }

      @Override
      public void warn(String message) {
        progress.warn(message);
      }

      @Override
      public void done() {
        progress.done();
      }
    };
  }

  /**
   * Creates the results directory and marks it as a scan's, even when no tool runs, so that jmo
   * report RESULTS_DIR works after any scan.
   */
  private Path resultsDirectory(ScanRequest request) {
    Path resultsDir = env.workingDirectory().resolve(request.resultsDir()).normalize();
    try {
      java.nio.file.Files.createDirectories(resultsDir);
      java.nio.file.Files.writeString(
          resultsDir.resolve(ResultsReader.SCAN_MARKER),
          "a jmo scan wrote this directory; jmo report reads it\n",
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new UserError(
          ExitCodes.ERROR,
          resultsDir + ": cannot create the results directory (" + e.getMessage() + ")",
          e);
    }
    return resultsDir;
  }

  private static Outcome outcome(List<ToolResult> results, Path resultsDir) {
    int succeeded = 0;
    int failed = 0;
    long findings = 0;
    for (ToolResult r : results) {
      if (r.status() == ToolResult.Status.SUCCEEDED) {
        succeeded++;
        findings += r.findings();
      } else if (r.status() == ToolResult.Status.FAILED) {
        failed++;
      }
    }
    return new Outcome(results, findings, succeeded, failed, resultsDir);
  }

  /**
   * Runs per tool (one per target it applied to): the denominator of a tool's failure rate. Every
   * tool that scan.started listed is in it, with 0 when it applied to none of the targets: a tool
   * missing from the report would be counted as one estimated run (the rule for old clients).
   */
  private static Map<ToolDefinition, Integer> runsPerTool(
      List<ToolResult> results, List<ToolDefinition> listed, Map<String, ToolDefinition> selected) {
    Map<ToolDefinition, Integer> runs = new LinkedHashMap<>();
    for (ToolDefinition d : listed) {
      runs.put(d, 0);
    }
    for (ToolResult r : results) {
      if (r.status() != ToolResult.Status.NOT_APPLICABLE) {
        runs.merge(selected.get(r.tool()), 1, Integer::sum);
      }
    }
    return runs;
  }

  private static List<String> builtInNames(ToolRegistry registry) {
    List<String> out = new ArrayList<>();
    registry.all().stream().filter(ToolDefinition::builtIn).forEach(d -> out.add(d.name()));
    return out;
  }
}
