package com.jmotools.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressTest {

  private final Target target = new Target(TargetType.REPO, "/r", "app", Path.of("/r"));

  private ToolResult ok(String tool) {
    return new ToolResult(
        target,
        tool,
        ToolResult.Status.SUCCEEDED,
        null,
        0,
        Duration.ofMillis(1200),
        3,
        Path.of("/x"),
        "");
  }

  private ToolResult timedOut(String tool) {
    return new ToolResult(
        target,
        tool,
        ToolResult.Status.FAILED,
        ToolResult.FailureType.TIMEOUT,
        null,
        Duration.ofSeconds(5),
        0,
        Path.of("/x"),
        "timed out after 5 s");
  }

  @Test
  void offATerminalEachFinishedRunIsOnePlainLine() {
    StringWriter out = new StringWriter();
    Progress p = new Progress(new PrintWriter(out), false);
    p.planned(2);
    p.started(target, "semgrep");
    p.finished(ok("semgrep"));
    p.finished(timedOut("trivy"));
    p.done();
    assertThat(out.toString())
        .isEqualTo(
            String.join(
                System.lineSeparator(),
                "jmo: 2 tool run(s) planned",
                "jmo: [1/2] semgrep on app: ok, 3 finding(s) in 1.2 s",
                "jmo: [2/2] trivy on app: FAILED (timeout): timed out after 5 s",
                ""));
    assertThat(out.toString()).doesNotContain("\r").doesNotContain("\033");
  }

  @Test
  void onATerminalOneLineIsRedrawnWithDoneRunningAndFailed() {
    StringWriter out = new StringWriter();
    Progress p = new Progress(new PrintWriter(out), true);
    p.planned(3);
    p.started(target, "semgrep");
    p.started(target, "trivy");
    assertThat(out.toString())
        .endsWith("\r\033[2Kjmo: 0/3 done, 2 running, 0 failed [semgrep@app, trivy@app]");
    p.finished(timedOut("trivy"));
    assertThat(out.toString())
        .contains("jmo: trivy on app failed: timed out after 5 s")
        .endsWith("\r\033[2Kjmo: 1/3 done, 1 running, 1 failed [semgrep@app]");
    p.finished(ok("semgrep"));
    p.done();
    assertThat(out.toString()).contains("jmo: 2/3 done, 0 running, 1 failed");
  }
}
