package com.jmotools.telemetry.cli.internal;

import com.jmotools.telemetry.catalog.Buckets;
import com.jmotools.telemetry.catalog.Catalog;
import com.jmotools.telemetry.cli.CliEnvironment;
import com.jmotools.telemetry.client.Telemetry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The telemetry of one jmo run: builds the client from the environment and jmo.yml, shows the
 * notice, and records the five events with exactly the catalog's metadata. When telemetry is off
 * the client is a no-op, so the commands never test for it.
 */
public final class TelemetrySession implements AutoCloseable {

  /** The scan modes of the catalog. */
  public enum Mode {
    CLI("cli"), DOCKER("docker"), WIZARD("wizard");

    private final String wire;

    Mode(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  private final Telemetry client;
  private final Catalog catalog = Catalog.standard();

  private TelemetrySession(Telemetry client) {
    this.client = client;
  }

  /** A session for a run in {@code env} with the project settings of {@code config}. */
  public static TelemetrySession open(CliEnvironment env, JmoConfig config, String version) {
    return new TelemetrySession(Telemetry.builder()
        .hostVersion(version)
        .environment(env.variables())
        .projectSetting(config.telemetryEnabled())
        .projectEndpoint(config.telemetryEndpoint())
        .dockerMarker(env.dockerMarker())
        .stderr(env.err())
        .build());
  }

  /** The client, for {@code jmo telemetry}. */
  public Telemetry client() {
    return client;
  }

  /** Prints the opt-out notice on {@code err} if this scan is one of the first that show it. */
  public void showNoticeIfDue(PrintWriter err) {
    client.noticeToShow().ifPresent(notice -> {
      err.println(notice);
      err.flush();
      client.noticeShown();
    });
  }

  /** The mode of a scan: docker in a container, else wizard when the wizard started it, else cli. */
  public Mode mode(boolean fromWizard) {
    if (client.inDocker()) {
      return Mode.DOCKER;
    }
    return fromWizard ? Mode.WIZARD : Mode.CLI;
  }

  /** The profile as the catalog has it: fast, balanced or deep, anything else custom. */
  public static String profileToSend(String profileName, boolean toolsReplaced) {
    return !toolsReplaced && Profile.BUILT_IN.contains(profileName) ? profileName : Catalog.CUSTOM_TOOL;
  }

  /** The name sent for a tool: custom for tools defined in jmo.yml, else the catalog's name. */
  public String toolToSend(ToolDefinition tool) {
    return tool.builtIn() ? catalog.toolNameToSend(tool.name()) : Catalog.CUSTOM_TOOL;
  }

  public void scanStarted(Mode mode, String profile, List<ToolDefinition> tools, Map<String, Object> targetCounts) {
    Set<String> names = new LinkedHashSet<>();
    tools.forEach(t -> names.add(toolToSend(t)));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", mode.wire());
    m.put("profile", profile);
    m.put("tools", new ArrayList<>(names));
    m.put("target_types", targetCounts);
    client.record("scan.started", m);
  }

  public void toolFailed(ToolDefinition tool, ToolResult result, String profile) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tool", toolToSend(tool));
    m.put("failure_type", result.failure().wire());
    m.put("exit_code", result.exitCode());
    m.put("profile", profile);
    client.record("tool.failed", m);
  }

  public void scanCompleted(Mode mode, String profile, Duration elapsed, int succeeded, int failed, long findings) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", mode.wire());
    m.put("profile", profile);
    m.put("duration_bucket", Buckets.duration(elapsed));
    m.put("tools_succeeded", succeeded);
    m.put("tools_failed", failed);
    m.put("total_findings_bucket", Buckets.findings(findings));
    client.record("scan.completed", m);
  }

  public void reportGenerated(List<ReportFormat> formats, long findings, boolean suppressionsUsed, boolean compliance) {
    List<String> names = new ArrayList<>();
    formats.forEach(f -> names.add(f.wire()));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("output_formats", names);
    m.put("findings_bucket", Buckets.findings(findings));
    m.put("suppressions_used", suppressionsUsed);
    m.put("compliance_enabled", compliance);
    client.record("report.generated", m);
  }

  public void wizardCompleted(String profile, boolean docker, String artifact, Duration elapsed) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("profile_selected", profile);
    m.put("execution_mode", docker ? "docker" : "native");
    m.put("artifact_generated", artifact);
    m.put("duration_seconds", Buckets.wizardSeconds(elapsed));
    client.record("wizard.completed", m);
  }

  /** Delivers what it can within the client's flush timeout; never throws. */
  @Override
  public void close() {
    client.close();
  }
}
