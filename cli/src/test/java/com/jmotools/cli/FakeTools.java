package com.jmotools.cli;

import java.nio.file.Path;

/**
 * Fake scanners (shell scripts named like the real ones) that succeed, find things, fail, hang or
 * crash.
 */
final class FakeTools {

  private FakeTools() {}

  /**
   * semgrep: writes {@code n} SARIF results (HIGH = error) to --output and exits 1 ("findings").
   */
  static void semgrepFinds(CliFixture f, int n) {
    semgrepFindsAfter(f, n, "0");
  }

  /** semgrep as {@link #semgrepFinds}, after sleeping {@code seconds}. */
  static void semgrepFindsAfter(CliFixture f, int n, String seconds) {
    f.tool(
        "semgrep",
        "sleep "
            + seconds
            + "\nout=''\nwhile [ $# -gt 0 ]; do [ \"$1\" = --output ] && out=\"$2\"; shift; "
            + "done\ncat > \"$out\" <<'JSON'\n"
            + CliFixture.sarif(n, "error")
            + "\nJSON\nexit 1");
  }

  /** checkov: writes an empty SARIF into --output-file-path and exits 0. */
  static void checkovClean(CliFixture f) {
    f.tool(
        "checkov",
        "dir=''\nwhile [ $# -gt 0 ]; do [ \"$1\" = --output-file-path ] && dir=\"$2\"; shift; "
            + "done\ncat > \"$dir/results_sarif.sarif\" <<'JSON'\n"
            + CliFixture.sarif(0, "error")
            + "\nJSON\nexit 0");
  }

  /** trivy: prints an error and exits 3, which is not a findings code. */
  static void trivyFails(CliFixture f) {
    f.tool("trivy", "echo 'fatal: cannot do it' >&2\nexit 3");
  }

  /**
   * trivy: exits 3 on a target whose path contains {@code marker}; elsewhere writes an empty report
   * and exits 0.
   */
  static void trivyFailsOn(CliFixture f, String marker) {
    f.tool(
        "trivy",
        "out=''\nlast=''\nwhile [ $# -gt 0 ]; do [ \"$1\" = --output ] && out=\"$2\"; "
            + "last=\"$1\"; shift;"
            + " done\ncase \"$last\" in *"
            + marker
            + "*) echo 'fatal: cannot do it' >&2; exit 3;; esac\necho '{\"Results\":[]}' > "
            + "\"$out\"\nexit 0");
  }

  /**
   * trufflehog: starts a grandchild (whose pid goes to {@code pidFile}) and both sleep far past any
   * timeout of the tests.
   */
  static void trufflehogHangs(CliFixture f, Path pidFile) {
    f.tool("trufflehog", "sh -c 'echo $$ > " + pidFile + "; exec sleep 300' &\nsleep 300");
  }

  /** syft: kills itself with SIGSEGV. */
  static void syftCrashes(CliFixture f) {
    f.tool("syft", "kill -SEGV $$\nsleep 5");
  }

  /** A custom tool (jmo.yml) that prints {@code n} finding lines. */
  static void customLinter(CliFixture f, String name, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append("echo 'problem ").append(i).append("'\n");
    }
    f.tool(name, b + "exit 0");
  }
}
