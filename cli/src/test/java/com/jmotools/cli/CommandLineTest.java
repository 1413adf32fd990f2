package com.jmotools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Help, exit codes and one-line errors of jmo and jmotools. */
class CommandLineTest {

  @TempDir Path tmp;

  private CliFixture f;

  @BeforeEach
  void setUp() {
    f = new CliFixture(tmp);
    f.env.put("JMO_TELEMETRY_DISABLE", "1");
  }

  @Test
  void everyHelpThatListsExitCodesListsInterrupted() {
    // Ctrl-C ends any command with 130 (USER_GUIDE lists it): every list of exit codes says so
    String[][] jmo = {
      {"--help"},
      {"scan", "--help"},
      {"report", "--help"},
      {"ci", "--help"},
      {"telemetry", "--help"}
    };
    for (String[] args : jmo) {
      assertThat(f.jmo(args).out())
          .as(String.join(" ", args))
          .contains("Exit codes:")
          .contains("130  interrupted (Ctrl-C)");
    }
    for (String sub : new String[] {"", "fast", "balanced", "full", "wizard"}) {
      String[] args = sub.isEmpty() ? new String[] {"--help"} : new String[] {sub, "--help"};
      assertThat(f.jmotools("", false, args).out())
          .as("jmotools " + sub)
          .contains("Exit codes:")
          .contains("130  interrupted (Ctrl-C)");
    }
  }

  @Test
  void everyCommandHasHelpWithTheExitCodes() {
    for (String[] args :
        new String[][] {
          {"--help"},
          {"scan", "--help"},
          {"report", "--help"},
          {"ci", "--help"},
          {"telemetry", "--help"},
          {"telemetry", "status", "--help"}
        }) {
      CliFixture.Run run = f.jmo(args);
      assertThat(run.code()).as(String.join(" ", args)).isZero();
      assertThat(run.out()).contains("Usage: jmo");
    }
    assertThat(f.jmo("scan", "--help").out())
        .contains("--repos-dir")
        .contains("--k8s-context")
        .contains("--strict")
        .contains("Exit codes:")
        .contains("4  --strict and a tool is not installed");
    for (String sub : new String[] {"fast", "balanced", "full", "wizard"}) {
      CliFixture.Run run = f.jmotools("", false, sub, "--help");
      assertThat(run.code()).isZero();
      assertThat(run.out()).contains("Usage: jmotools " + sub);
    }
    assertThat(f.jmo("--version").out()).startsWith("jmo " + Jmo.version());
    // jmo telemetry runs no scanner: its help lists its own exit codes
    assertThat(f.jmo("telemetry", "--help").out())
        .contains("Exit codes:")
        .doesNotContain("--strict")
        .doesNotContain("findings at or above");
    // the first line of each description is a whole sentence (it is what the command lists show)
    assertThat(f.jmo("--help").out()).contains("Write the reports of a jmo scan's results.");
    assertThat(f.jmotools("", false, "--help").out())
        .contains("Interactive set-up, then the scan.");
  }

  @Test
  void everySubcommandPrintsTheVersion() {
    String[][] all = {
      {},
      {"scan"},
      {"report"},
      {"ci"},
      {"telemetry"},
      {"telemetry", "status"},
      {"telemetry", "enable"},
      {"telemetry", "disable"},
      {"telemetry", "show"},
      {"telemetry", "reset-id"},
      {"telemetry", "delete"},
      {"telemetry", "flush"},
      {"generate-completion"}
    };
    for (String[] sub : all) {
      String[] args = java.util.Arrays.copyOf(sub, sub.length + 1);
      args[sub.length] = "--version";
      CliFixture.Run run = f.jmo(args);
      assertThat(run.code()).as(String.join(" ", args)).isZero();
      assertThat(run.out().trim())
          .as(String.join(" ", args))
          .isEqualTo(String.join(" ", "jmo", String.join(" ", sub)).trim() + " " + Jmo.version());
    }
    for (String sub : new String[] {"fast", "balanced", "full", "wizard", "generate-completion"}) {
      CliFixture.Run run = f.jmotools("", false, sub, "--version");
      assertThat(run.out().trim()).as(sub).isEqualTo("jmotools " + sub + " " + Jmo.version());
    }
  }

  @Test
  void shellCompletionIsGeneratedForJmoAndJmotools() {
    CliFixture.Run jmo = f.jmo("generate-completion");
    assertThat(jmo.code()).isZero();
    assertThat(jmo.out()).contains("complete -F").contains("telemetry").contains("--repos-dir");
    CliFixture.Run jmotools = f.jmotools("", false, "generate-completion");
    assertThat(jmotools.out()).contains("complete -F").contains("wizard");
  }

  @Test
  void userErrorsAreOneLineWithTheirExitCode() {
    f.repo("app");
    assertOneLine(
        f.jmo("scan", "--bogus"), 2, "jmo scan: Unknown option: '--bogus' (see jmo scan --help)");
    assertOneLine(
        f.jmo("scan", "--repo", "app", "--threads", "0"),
        2,
        "jmo: --threads must be from 1 to 256");
    assertOneLine(f.jmo("scan"), 3, "jmo: nothing to scan");
    assertOneLine(
        f.jmo("scan", "--repo", "missing"), 3, "jmo: repository missing: no such directory");
    assertOneLine(
        f.jmo("scan", "--repo", "app", "--profile-name", "nope"), 3, "jmo: unknown profile 'nope'");
    assertOneLine(f.jmo("scan", "--repo", "app", "--tools", "nmap"), 3, "jmo: unknown tool 'nmap'");
    assertOneLine(f.jmo("scan", "--repo", "app", "--config", "absent.yml"), 3, "jmo: ");
    assertOneLine(
        f.jmo("scan", "--repo=-rf"), 3, "jmo: repository '-rf': a path must not start with '-'");
    assertOneLine(
        f.jmo("scan", "--terraform-state=-x.tfstate"),
        3,
        "jmo: --terraform-state '-x.tfstate': a path must not start with '-'");
    assertOneLine(
        f.jmo("scan", "--image", "-oProxyCommand=x"),
        3,
        "jmo: image '-oProxyCommand=x': not a valid name");
    assertOneLine(
        f.jmo("scan", "--url", "file:///etc/passwd"),
        3,
        "jmo: url file:///etc/passwd: must be an http");
    assertOneLine(f.jmo("report", "nowhere"), 3, "jmo: ");
    assertOneLine(
        f.jmo("report", "app", "--formats", "pdf"),
        2,
        "jmo: --formats: unknown report format 'pdf'");
    assertOneLine(
        f.jmo("report", "app", "--fail-on", "urgent"),
        2,
        "jmo: --fail-on: unknown severity 'urgent'");
    assertOneLine(f.jmo("report", "app"), 3, "jmo: ");
    assertOneLine(
        f.jmotools("", false, "fast"),
        3,
        "jmotools: nothing to scan: give --repo PATH or --repos-dir DIR");
    assertOneLine(
        f.jmotools("", false, "wizard", "--yes", "--repo", "missing"),
        3,
        "jmotools: wizard: missing: no such directory");
    CliFixture.write(f.work.resolve("jmo.yml"), "telemetry: [\n");
    assertOneLine(
        f.jmo("scan", "--repo", "app"),
        3,
        "jmo: " + f.work.resolve("jmo.yml") + ": not valid YAML at line 2, column 1: ");
    assertThat(f.jmo().code()).isEqualTo(2);
  }

  @picocli.CommandLine.Command(name = "boom")
  static final class Boom implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
      throw new OutOfMemoryError("Java heap space");
    }
  }

  @Test
  void anErrorNoHandlerCatchesIsOneLineAndExitCode5() {
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cl = new picocli.CommandLine(new Boom());
    cl.setErr(new java.io.PrintWriter(err, true));
    assertThat(Commands.execute(cl)).isEqualTo(5);
    assertThat(err.toString())
        .isEqualTo(
            "boom: unexpected error: out of memory (Java heap space)" + System.lineSeparator());
  }

  private static void assertOneLine(CliFixture.Run run, int code, String start) {
    assertThat(run.code()).as(run.toString()).isEqualTo(code);
    String firstLine = run.err().lines().findFirst().orElse("");
    assertThat(firstLine).as(run.toString()).startsWith(start);
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(run.err().lines().count()).as(run.toString()).isEqualTo(1);
  }
}
