package com.jmotools.cli.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the tools of a scan on its targets, up to {@code threads} runs at once, each with its own
 * timeout, results under {@code resultsDir/<target>/<tool>}.
 */
public final class ScanEngine {

  /** How long a GitLab clone may take. */
  public static final Duration CLONE_TIMEOUT = Duration.ofMinutes(10);

  private final ToolRunner runner;
  private final Map<String, String> environment;

  public ScanEngine(ToolRunner runner, Map<String, String> environment) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.environment = Map.copyOf(environment);
  }

  /**
   * Runs every tool on every target it handles and returns the results in (target, tool) order.
   *
   * @throws InterruptedException if interrupted; running process trees are killed first
   */
  public List<ToolResult> run(
      List<Target> targets,
      List<ToolDefinition> tools,
      Profile profile,
      int threads,
      Duration timeoutOverride,
      Path resultsDir,
      ScanListener listener)
      throws InterruptedException {
    List<Target> prepared = new ArrayList<>();
    for (Target t : targets) {
      if (t.type() == TargetType.GITLAB) {
        Target checkout = checkout(t, resultsDir, listener);
        if (checkout != null) {
          prepared.add(checkout);
        }
      } else {
        prepared.add(t);
      }
    }
    List<Job> jobs = new ArrayList<>();
    for (Target target : prepared) {
      for (ToolDefinition tool : tools) {
        if (ToolRunner.commandsFor(tool, target.type()) != null) {
          Duration timeout =
              timeoutOverride != null ? timeoutOverride : profile.timeoutOf(tool.name());
          jobs.add(
              new Job(
                  target,
                  tool,
                  resultsDir.resolve(target.name()).resolve(dirName(tool.name())),
                  timeout));
        }
      }
    }
    listener.planned(jobs.size());
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, "jmo-scan-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(threads, Math.max(1, jobs.size()))), factory);
    Thread killer = new Thread(runner::killAll, "jmo-kill-tools");
    boolean hook = addHook(killer);
    try {
      Map<Job, Future<ToolResult>> futures = new LinkedHashMap<>();
      for (Job job : jobs) {
        futures.put(
            job,
            pool.submit(
                () -> {
                  listener.started(job.target, job.tool.name());
                  ToolResult r = runner.run(job.tool, job.target, job.directory, job.timeout);
                  listener.finished(r);
                  return r;
                }));
      }
      List<ToolResult> results = new ArrayList<>();
      for (Future<ToolResult> f : futures.values()) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof UserError) {
            throw (UserError) e.getCause();
          }
          throw new IllegalStateException(
              "a tool run failed unexpectedly: " + e.getCause().getMessage(), e.getCause());
        }
      }
      listener.done();
      return results;
    } catch (InterruptedException e) {
      pool.shutdownNow();
      runner.killAll();
      throw e;
    } finally {
      pool.shutdownNow();
      if (hook) {
        try {
          Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is exiting; the hook runs anyway
        }
      }
    }
  }

  /** A directory name for a tool ("afl++" becomes "afl__"). */
  static String dirName(String tool) {
    return tool.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static boolean addHook(Thread hook) {
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      return true;
    } catch (IllegalStateException shuttingDown) {
      return false;
    }
  }

  /**
   * Clones a GitLab project (shallow), passing the token in git's environment, never on the command
   * line.
   */
  private Target checkout(Target target, Path resultsDir, ScanListener listener)
      throws InterruptedException {
    Path cloneDir = resultsDir.resolve(target.name()).resolve(".clone");
    Path dir = cloneDir.resolve("checkout");
    Map<String, String> env = new LinkedHashMap<>(environment);
    String token = environment.get(GitLabProjects.TOKEN_VARIABLE);
    if (token != null && !token.isBlank()) {
      String basic =
          Base64.getEncoder()
              .encodeToString(
                  ("oauth2:" + token).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      env.put("GIT_CONFIG_COUNT", "1");
      env.put("GIT_CONFIG_KEY_0", "http.extraHeader");
      env.put("GIT_CONFIG_VALUE_0", "Authorization: Basic " + basic);
    }
    env.put("GIT_TERMINAL_PROMPT", "0");
    ToolDefinition git =
        ToolDefinition.builder("git")
            .command(
                TargetType.GITLAB,
                "git",
                "clone",
                "--quiet",
                "--depth",
                "1",
                "--",
                target.value(),
                "{outdir}/checkout")
            .output("clone.log")
            .stdout()
            .format("none")
            .build();
    ToolRunner cloner = new ToolRunner(env);
    if (cloner.which("git").isEmpty()) {
      listener.warn("cannot clone " + target.name() + ": git is not installed; target skipped");
      return null;
    }
    ToolResult r =
        cloner.run(
            git,
            new Target(TargetType.GITLAB, target.value(), target.name(), null),
            cloneDir,
            CLONE_TIMEOUT);
    if (r.status() != ToolResult.Status.SUCCEEDED || !Files.isDirectory(dir)) {
      listener.warn("cannot clone " + target.name() + " (" + r.detail() + "); target skipped");
      return null;
    }
    return new Target(TargetType.GITLAB, dir.toString(), target.name(), dir);
  }

  private static final class Job {
    final Target target;
    final ToolDefinition tool;
    final Path directory;
    final Duration timeout;

    Job(Target target, ToolDefinition tool, Path directory, Duration timeout) {
      this.target = target;
      this.tool = tool;
      this.directory = directory;
      this.timeout = timeout;
    }
  }
}
