package com.jmotools.cli.internal;

import com.jmotools.cli.CliEnvironment;
import com.jmotools.telemetry.catalog.Buckets;
import com.jmotools.telemetry.catalog.Catalog;
import com.jmotools.telemetry.client.Telemetry;
import com.jmotools.telemetry.client.TelemetryBuilder;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The telemetry of one jmo run: builds the client from the environment and jmo.yml, shows the
 * notice, and records the five events with exactly the catalog's metadata. When telemetry is off
 * the client is a no-op, so the commands never test for it.
 *
 * <p>The client is built, and events are handed to it, on one background thread, in order: the scan
 * does not wait for the client's start-up (class loading, the outbox, the HTTP client) and runs its
 * tools meanwhile. {@link #close} waits at most {@value #DEFAULT_HANDOVER_MILLIS} ms for that
 * thread, then closes the client (which delivers within its own flush timeout).
 *
 * <p>A run shorter than {@link #SHORT_RUN} stays off the network: its events are stored and sent by
 * a later run, the next that lasts {@link #SHORT_RUN} or the first after the oldest has waited
 * {@link #MAX_WAIT} ({@code TelemetryBuilder#deferShortRuns}). Waiting at exit for one request to
 * the collector cost a half-second scan about 8 % of its time (bench/cli/README.md); a real scan,
 * which lasts seconds to minutes, sends in the background and flushes at exit as before.
 */
public final class TelemetrySession implements AutoCloseable {

  /**
   * The longest {@link #close} waits for the client to be built and every event handed to it:
   * {@value} ms.
   */
  public static final long DEFAULT_HANDOVER_MILLIS = 3000;

  /** A run that ends sooner sends nothing: its events wait in the outbox for a later run. */
  public static final Duration SHORT_RUN = Duration.ofSeconds(1);

  /** A run that starts when the oldest waiting event is this old sends at once, however short. */
  public static final Duration MAX_WAIT = Duration.ofHours(1);

  /** The scan modes of the catalog. */
  public enum Mode {
    CLI("cli"),
    DOCKER("docker"),
    WIZARD("wizard");

    private final String wire;

    Mode(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  private final ExecutorService worker;
  private final Future<Telemetry> client;
  private final boolean inDocker;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TelemetrySession(Callable<Telemetry> build, boolean inDocker) {
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "jmo-telemetry-handover");
              t.setDaemon(true);
              return t;
            });
    this.client = worker.submit(build);
    this.inDocker = inDocker;
  }

  /** A session whose client comes from {@code build} (run on the background thread). For tests. */
  static TelemetrySession of(Callable<Telemetry> build, boolean inDocker) {
    return new TelemetrySession(build, inDocker);
  }

  /** A session for a run in {@code env} with the project settings of {@code config}. */
  public static TelemetrySession open(CliEnvironment env, JmoConfig config, String version) {
    // The JMo image sets DOCKER_CONTAINER (the guide's rule); /.dockerenv alone is any container.
    String dockerVariable = env.variables().get(Telemetry.DOCKER_VARIABLE);
    boolean docker = dockerVariable != null && !dockerVariable.isEmpty();
    return new TelemetrySession(
        () -> builder(env, config, version).deferShortRuns(SHORT_RUN, MAX_WAIT).build(), docker);
  }

  /**
   * A client for {@code jmo telemetry ...} and the wizard's question: it decides and manages, but
   * never records, so looking at the status never creates the anonymous id.
   */
  public static Telemetry administrationClient(
      CliEnvironment env, JmoConfig config, String version) {
    return builder(env, config, version).administration().build();
  }

  private static TelemetryBuilder builder(CliEnvironment env, JmoConfig config, String version) {
    return Telemetry.builder()
        .hostVersion(version)
        .environment(env.variables())
        .projectSetting(config.telemetryEnabled())
        .projectEndpoint(config.telemetryEndpoint())
        .projectFile(config.source() == null ? "jmo.yml" : config.source().toString())
        .dockerMarker(env.dockerMarker())
        .stderr(env.err());
  }

  /**
   * The client, waiting for it to be built, for {@code jmo telemetry}.
   *
   * @throws IllegalStateException if it could not be built
   */
  public Telemetry client() {
    try {
      return client.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting telemetry", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "telemetry could not start: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * Prints the opt-out notice on {@code err} if this scan is one of the first that show it. Waits
   * for the client (bounded); a client that is not ready in time shows nothing and counts nothing.
   */
  public void showNoticeIfDue(PrintWriter err) {
    Telemetry t = readyClient();
    if (t == null) {
      return;
    }
    t.noticeToShow()
        .ifPresent(
            notice -> {
              err.println(notice);
              err.flush();
              t.noticeShown();
            });
  }

  /**
   * The mode of a scan: wizard when the wizard started it (wherever it runs), else docker when run
   * from the JMo image ({@code DOCKER_CONTAINER} set), else cli.
   */
  public Mode mode(boolean fromWizard) {
    if (fromWizard) {
      return Mode.WIZARD;
    }
    return inDocker ? Mode.DOCKER : Mode.CLI;
  }

  private Telemetry readyClient() {
    try {
      return client.get(DEFAULT_HANDOVER_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | TimeoutException e) {
      return null;
    }
  }

  /**
   * Hands an event to the client on the background thread, after the events before it. Never
   * throws.
   */
  private void record(String event, java.util.function.Supplier<Map<String, Object>> metadata) {
    if (closed.get()) {
      return;
    }
    try {
      worker.execute(
          () -> {
            try {
              Telemetry t = client.get();
              if (t.recording()) { // off: do not even build the metadata
                t.record(event, metadata.get());
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } catch (ExecutionException | RuntimeException e) {
              // telemetry never breaks the host: no client, no event
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing: the event is not recorded
    }
  }

  /** The profile as the catalog has it: fast, balanced or deep, anything else custom. */
  public static String profileToSend(String profileName, boolean toolsReplaced) {
    return !toolsReplaced && Profile.BUILT_IN.contains(profileName)
        ? profileName
        : Catalog.CUSTOM_TOOL;
  }

  /** The name sent for a tool: custom for tools defined in jmo.yml, else the catalog's name. */
  public static String toolToSend(ToolDefinition tool) {
    return tool.builtIn() ? Catalog.standard().toolNameToSend(tool.name()) : Catalog.CUSTOM_TOOL;
  }

  public void scanStarted(
      Mode mode, String profile, List<ToolDefinition> tools, Map<String, Object> targetCounts) {
    record(
        "scan.started",
        () -> {
          Set<String> names = new LinkedHashSet<>();
          tools.forEach(t -> names.add(toolToSend(t)));
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("mode", mode.wire());
          m.put("profile", profile);
          m.put("tools", new ArrayList<>(names));
          m.put("target_types", targetCounts);
          return m;
        });
  }

  public void toolFailed(ToolDefinition tool, ToolResult result, String profile) {
    record(
        "tool.failed",
        () -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("tool", toolToSend(tool));
          m.put("failure_type", result.failure().wire());
          m.put("exit_code", result.exitCode());
          m.put("profile", profile);
          return m;
        });
  }

  public void scanCompleted(
      Mode mode,
      String profile,
      Duration elapsed,
      int succeeded,
      int failed,
      long findings,
      Map<ToolDefinition, Integer> runs) {
    record(
        "scan.completed",
        () -> {
          Map<String, Integer> toolRuns = new LinkedHashMap<>();
          runs.forEach((tool, n) -> toolRuns.merge(toolToSend(tool), n, Integer::sum));
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("mode", mode.wire());
          m.put("profile", profile);
          m.put("duration_bucket", Buckets.duration(elapsed));
          m.put("tools_succeeded", succeeded);
          m.put("tools_failed", failed);
          m.put("total_findings_bucket", Buckets.findings(findings));
          m.put("tool_runs", toolRuns);
          return m;
        });
  }

  public void reportGenerated(
      List<ReportFormat> formats, long findings, boolean suppressionsUsed, boolean compliance) {
    record(
        "report.generated",
        () -> {
          List<String> names = new ArrayList<>();
          formats.forEach(f -> names.add(f.wire()));
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("output_formats", names);
          m.put("findings_bucket", Buckets.findings(findings));
          m.put("suppressions_used", suppressionsUsed);
          m.put("compliance_enabled", compliance);
          return m;
        });
  }

  public void wizardCompleted(String profile, boolean docker, String artifact, Duration elapsed) {
    record(
        "wizard.completed",
        () -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("profile_selected", profile);
          m.put("execution_mode", docker ? "docker" : "native");
          m.put("artifact_generated", artifact);
          m.put("duration_seconds", Buckets.wizardSeconds(elapsed));
          return m;
        });
  }

  /**
   * Waits (at most {@value #DEFAULT_HANDOVER_MILLIS} ms) for the events to reach the client, then
   * closes it: it delivers what it can within its flush timeout and keeps the rest in the outbox.
   * Idempotent; never throws.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    worker.shutdown();
    try {
      if (worker.awaitTermination(DEFAULT_HANDOVER_MILLIS, TimeUnit.MILLISECONDS)
          && client.isDone()
          && !client.isCancelled()) {
        client.get().close();
      } else {
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      worker.shutdownNow();
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RuntimeException e) {
      // no client was built: nothing to close
    }
  }
}
