package com.jmotools.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ToolRunnerTest {

  @TempDir Path tmp;

  private Path bin;
  private Path repo;
  private ToolRunner runner;
  private Target target;

  @BeforeEach
  void setUp() throws IOException {
    bin = Files.createDirectories(tmp.resolve("bin"));
    repo = Files.createDirectories(tmp.resolve("repo"));
    runner = new ToolRunner(Map.of("PATH", bin + ":/usr/bin:/bin", "SECRET_OF_TEST", "passed"));
    target = new Target(TargetType.REPO, repo.toString(), "repo", repo);
  }

  private void script(String name, String body) throws IOException {
    Path p = bin.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private ToolDefinition tool(String name, String... words) {
    return ToolDefinition.builder(name)
        .command(TargetType.REPO, words)
        .output("out.txt")
        .stdout()
        .format("lines")
        .findingsExitCodes(1)
        .build();
  }

  private ToolResult run(ToolDefinition d, Duration timeout) throws InterruptedException {
    return runner.run(d, target, tmp.resolve("results").resolve(d.name()), timeout);
  }

  @Test
  void theChildGetsTheGivenEnvironmentAndRunsInTheTarget() throws Exception {
    script("t", "echo \"$SECRET_OF_TEST $(pwd)\"");
    ToolResult r = run(tool("t", "t"), Duration.ofSeconds(10));
    assertThat(r.status()).isEqualTo(ToolResult.Status.SUCCEEDED);
    assertThat(r.findings()).isEqualTo(1);
    assertThat(Files.readString(r.directory().resolve("out.txt")).trim())
        .isEqualTo("passed " + repo.toRealPath());
    assertThat(Files.readString(r.directory().resolve(ToolRunner.STATUS_FILE)))
        .contains("\"status\" : \"succeeded\"");
  }

  @Test
  void aFindingsExitCodeIsSuccessAndAnotherCodeIsAFailure() throws Exception {
    script("finds", "echo x; exit 1");
    script("breaks", "exit 2");
    assertThat(run(tool("finds", "finds"), Duration.ofSeconds(10)).status())
        .isEqualTo(ToolResult.Status.SUCCEEDED);
    ToolResult broken = run(tool("breaks", "breaks"), Duration.ofSeconds(10));
    assertThat(broken.failure()).isEqualTo(ToolResult.FailureType.NON_ZERO_EXIT);
    assertThat(broken.exitCode()).isEqualTo(2);
  }

  @Test
  void aTimeoutKillsTheWholeProcessTree() throws Exception {
    Path pid = tmp.resolve("pid");
    script("hang", "sh -c 'echo $$ > " + pid + "; exec sleep 300' &\nsleep 300");
    long start = System.nanoTime();
    ToolResult r = run(tool("hang", "hang"), Duration.ofMillis(1500));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    assertThat(r.failure()).isEqualTo(ToolResult.FailureType.TIMEOUT);
    assertThat(r.exitCode()).isNull();
    long grandchild = Long.parseLong(Files.readString(pid).trim());
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(grandchild).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void aSignalOrAFailedStartIsACrash() throws Exception {
    script("segv", "kill -SEGV $$");
    ToolResult killed = run(tool("segv", "segv"), Duration.ofSeconds(10));
    assertThat(killed.failure()).isEqualTo(ToolResult.FailureType.CRASH);
    assertThat(killed.exitCode()).isNull();
    Path notExecutable = bin.resolve("broken");
    Files.writeString(notExecutable, "#!/nonexistent/interpreter\n");
    Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rwxr-xr-x"));
    ToolResult cannotStart = run(tool("broken", "broken"), Duration.ofSeconds(10));
    assertThat(cannotStart.failure()).isEqualTo(ToolResult.FailureType.CRASH);
    assertThat(cannotStart.detail()).startsWith("could not start");
  }

  @Test
  void filesPlaceholdersExpandToMatchingFilesOrMakeTheToolNotApply() throws Exception {
    script("echoargs", "for a in \"$@\"; do echo \"$a\"; done");
    ToolDefinition d = tool("echoargs", "echoargs", "{files:*.sh}");
    assertThat(run(d, Duration.ofSeconds(10)).status()).isEqualTo(ToolResult.Status.NOT_APPLICABLE);
    Files.createDirectories(repo.resolve("a/.git"));
    Files.writeString(repo.resolve("a/x.sh"), "");
    Files.writeString(repo.resolve("-rf.sh"), "");
    Files.writeString(repo.resolve("a/.git/hook.sh"), "");
    ToolResult r = run(d, Duration.ofSeconds(10));
    assertThat(Files.readAllLines(r.directory().resolve("out.txt")))
        .containsExactly("./-rf.sh", "./a/x.sh");
  }

  @Test
  void aDirectoryJmoDidNotWriteIsNeverEmptied() throws Exception {
    script("t", "echo x");
    Path foreign = Files.createDirectories(tmp.resolve("results/t"));
    Files.writeString(foreign.resolve("precious.txt"), "keep");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> run(tool("t", "t"), Duration.ofSeconds(10)))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("did not write");
    assertThat(Files.readString(foreign.resolve("precious.txt"))).isEqualTo("keep");
    Files.delete(foreign.resolve("precious.txt"));
    assertThat(run(tool("t", "t"), Duration.ofSeconds(10)).status())
        .isEqualTo(ToolResult.Status.SUCCEEDED);
    Files.writeString(foreign.resolve("old-output.txt"), "from the last run");
    assertThat(run(tool("t", "t"), Duration.ofSeconds(10)).status())
        .isEqualTo(ToolResult.Status.SUCCEEDED);
    assertThat(foreign.resolve("old-output.txt")).doesNotExist();
  }

  @Test
  void whichLooksOnlyAtTheGivenPath() throws Exception {
    script("here", "true");
    assertThat(runner.which("here")).contains(bin.resolve("here"));
    assertThat(new ToolRunner(Map.of("PATH", tmp.resolve("empty").toString())).which("sh"))
        .isEmpty();
  }
}
