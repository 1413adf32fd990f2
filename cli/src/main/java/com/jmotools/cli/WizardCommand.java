package com.jmotools.cli;

import com.jmotools.cli.internal.Artifacts;
import com.jmotools.cli.internal.ConfigEditor;
import com.jmotools.cli.internal.ExitCodes;
import com.jmotools.cli.internal.JmoConfig;
import com.jmotools.cli.internal.ReportFormat;
import com.jmotools.cli.internal.ReportOperation;
import com.jmotools.cli.internal.ScanOperation;
import com.jmotools.cli.internal.ScanRequest;
import com.jmotools.cli.internal.TargetOptions;
import com.jmotools.cli.internal.TelemetrySession;
import com.jmotools.cli.internal.UserError;
import com.jmotools.telemetry.catalog.BriefItem;
import com.jmotools.telemetry.catalog.Catalog;
import com.jmotools.telemetry.client.ConsentRule;
import com.jmotools.telemetry.client.ConsentStatus;
import com.jmotools.telemetry.client.Telemetry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jmotools wizard}: asks for a profile, the targets, Docker or native, and an artifact to
 * generate; on a terminal, while no telemetry choice is recorded, asks the guide's telemetry
 * question and writes the answer into jmo.yml. Then runs the scan (mode wizard) and writes the
 * reports.
 */
@Command(
    name = "wizard",
    mixinStandardHelpOptions = true,
    footer = ExitCodes.HELP,
    description = {
      "Interactive set-up, then the scan.",
      "Asks for the profile, the targets, Docker or native, and an artifact to generate (a Makefile"
          + " target,",
      "a shell script or a GitHub Actions workflow); then scans. --yes, or a standard input that is"
          + " not a",
      "terminal, takes the defaults and the options given without asking anything (and changes"
          + " nothing about",
      "telemetry)."
    })
final class WizardCommand implements Callable<Integer> {

  /**
   * The telemetry question of the guide, asked only on a terminal while no choice is recorded. What
   * it says is collected is the catalog's summary ({@link Catalog#inBrief()}): every kind of field
   * that can be sent, in the words of the notice.
   */
  static final String TELEMETRY_QUESTION = telemetryQuestion(Catalog.standard());

  private static String telemetryQuestion(Catalog catalog) {
    StringBuilder q =
        new StringBuilder(
            String.join(
                "\n",
                "",
                "============================================================",
                "Help improve JMo Security",
                "============================================================",
                "We'd like to collect anonymous usage stats to prioritize features.",
                "",
                "What we collect (nothing else):",
                ""));
    for (BriefItem item : catalog.inBrief()) {
      q.append("   - ").append(item.text()).append('\n');
    }
    return q.append(
            String.join(
                "\n",
                "",
                "What we DON'T collect:",
                "   - Repository names or paths",
                "   - Finding details or secrets",
                "   - IP addresses or user info",
                "",
                "Privacy: docs/PRIVACY.md. You can change your answer any time with jmo telemetry"
                    + " enable|disable (your own choice wins over jmo.yml).",
                ""))
        .toString();
  }

  private final CliEnvironment env;

  @Spec CommandSpec spec;

  @Mixin ConfigOption config;

  @Option(
      names = {"-y", "--yes"},
      description = "Take the defaults (and the options given) without asking.")
  boolean yes;

  @Option(
      names = "--profile",
      paramLabel = "NAME",
      description = "fast, balanced or deep (default: balanced).")
  String profile;

  @Option(
      names = "--repo",
      paramLabel = "PATH",
      description = "The repository to scan (default: the current directory).")
  Path repo;

  @Option(
      names = "--repos-dir",
      paramLabel = "DIR",
      description = "Scan every directory under DIR instead of one repository.")
  Path reposDir;

  @Option(
      names = "--docker",
      description = "Run the scan in the jmo Docker image instead of natively.")
  boolean docker;

  @Option(
      names = "--artifact",
      paramLabel = "KIND",
      description = "Generate makefile, shell, gha or none (default: none).")
  String artifact;

  @Option(
      names = "--results-dir",
      paramLabel = "DIR",
      defaultValue = ScanMixin.DEFAULT_RESULTS_DIR,
      description = "Where results go (default: ${DEFAULT-VALUE}).")
  Path resultsDir;

  @Option(names = "--no-run", description = "Only generate the artifact; do not scan now.")
  boolean noRun;

  WizardCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() throws InterruptedException {
    Instant start = env.clock().instant();
    PrintWriter out = spec.commandLine().getOut();
    boolean interactive = env.terminal() && !yes;
    BufferedReader in = new BufferedReader(new InputStreamReader(env.in(), StandardCharsets.UTF_8));
    Prompter ask = new Prompter(in, out, interactive);
    JmoConfig cfg = config.load(env);

    String chosenProfile =
        ask.choice(
            "Profile", List.of("fast", "balanced", "deep"), profile != null ? profile : "balanced");
    boolean many = reposDir != null;
    String targetText =
        reposDir != null ? reposDir.toString() : repo != null ? repo.toString() : ".";
    if (interactive && repo == null && reposDir == null) {
      many = ask.yesNo("Scan a directory of repositories (instead of one repository)?", false);
      targetText = ask.text(many ? "Directory of repositories" : "Repository to scan", ".");
    }
    Path target = env.workingDirectory().resolve(targetText).normalize();
    if (!Files.isDirectory(target)) {
      throw new UserError(ExitCodes.CONFIG, "wizard: " + targetText + ": no such directory");
    }
    boolean useDocker =
        "docker"
            .equals(
                ask.choice(
                    "Run natively or in Docker",
                    List.of("native", "docker"),
                    docker ? "docker" : "native"));
    Artifacts.Kind kind;
    try {
      kind =
          Artifacts.Kind.parse(
              ask.choice(
                  "Generate an artifact",
                  List.of("makefile", "shell", "gha", "none"),
                  artifact != null ? artifact : "none"));
    } catch (IllegalArgumentException e) {
      throw new UserError(ExitCodes.USAGE, "--artifact: " + e.getMessage());
    }

    if (interactive) {
      cfg = askTelemetry(cfg, ask, out);
    }

    // Artifacts live in the working directory and run from it: native commands use relative paths
    // (so a workflow runs in CI's checkout); docker needs absolute ones for its volume mounts.
    Path absoluteResults = env.workingDirectory().resolve(resultsDir).normalize();
    Path artifactTarget = useDocker ? target : relativeToWork(target);
    Path artifactResults = useDocker ? absoluteResults : relativeToWork(absoluteResults);
    String command =
        Artifacts.command(chosenProfile, artifactTarget, many, useDocker, artifactResults);
    String artifactWire = null;
    if (kind != null) {
      Path written = Artifacts.write(kind, env.workingDirectory(), command);
      artifactWire = kind.wire();
      out.println("wrote " + written);
    }
    boolean run = !noRun && ask.yesNo("Run the scan now?", true);

    try (TelemetrySession telemetry = TelemetrySession.open(env, cfg, Version.VERSION)) {
      telemetry.wizardCompleted(
          chosenProfile, useDocker, artifactWire, Duration.between(start, env.clock().instant()));
      if (!run) {
        out.println("to scan later: " + command);
        return ExitCodes.OK;
      }
      if (useDocker) {
        return runDocker(Artifacts.argv(chosenProfile, target, many, true, absoluteResults));
      }
      TargetOptions targets = new TargetOptions();
      if (many) {
        targets.reposDir = target;
      } else {
        targets.repos.add(target);
      }
      ScanOperation.Outcome outcome =
          new ScanOperation(env, cfg, telemetry, spec.commandLine().getErr())
              .run(
                  new ScanRequest(
                      targets, chosenProfile, List.of(), resultsDir, null, null, false, true));
      return new ReportOperation(env, cfg, telemetry, out, Version.VERSION)
          .run(outcome.resultsDir(), null, List.of(ReportFormat.values()), null, true);
    }
  }

  /**
   * Asks the telemetry question when the user has made no choice and nothing else decides (the
   * default policy, or a project's jmo.yml "on" this user has not consented to). The answer is the
   * user's own: it goes to their settings (a "no" also removes what was waiting to be sent) and
   * into jmo.yml, which the wizard writes; every change is printed.
   */
  private JmoConfig askTelemetry(JmoConfig cfg, Prompter ask, PrintWriter out) {
    try (Telemetry probe = TelemetrySession.administrationClient(env, cfg, Version.VERSION)) {
      ConsentStatus status = probe.status();
      boolean undecided =
          status.rule() == ConsentRule.DEFAULT_POLICY
              || (status.rule() == ConsentRule.EXPLICIT_ON && status.waitsForNotice());
      if (!undecided) {
        return cfg; // the user chose already, or the environment or the project's "off" decides
      }
      out.println(TELEMETRY_QUESTION);
      boolean enabled = ask.yesNo("Enable anonymous telemetry?", false);
      int waiting = probe.pendingCount(); // names only: no entry is read
      try {
        if (enabled) {
          probe.enableForUser();
        } else {
          probe.disableForUser();
        }
      } catch (java.io.UncheckedIOException e) {
        throw TelemetryCommand.choiceNotStored(probe, e, enabled);
      }
      Path file = config.file(env);
      ConfigEditor.setTelemetryEnabled(file, enabled);
      out.println(
          "Telemetry "
              + (enabled ? "enabled" : "disabled")
              + " for you: wrote enabled: "
              + enabled
              + " into "
              + probe.userSettingsFile()
              + ", and telemetry.enabled: "
              + enabled
              + " into "
              + file
              + (!enabled && waiting > 0
                  ? "; removed the " + waiting + " event(s) that were waiting to be sent"
                  : "")
              + ". Change it any time: jmo telemetry enable|disable.");
      return config.load(env);
    }
  }

  private Path relativeToWork(Path p) {
    Path work = env.workingDirectory();
    if (p.startsWith(work)) {
      Path rel = work.relativize(p);
      return rel.toString().isEmpty() ? Path.of(".") : rel;
    }
    return p;
  }

  /** Runs the scan in the Docker image, its output copied to ours; exit code 5 if docker fails. */
  private int runDocker(List<String> argv) throws InterruptedException {
    // Resolved on the given PATH, as scanners are (ProcessBuilder would use the JVM's own).
    Path docker =
        new com.jmotools.cli.internal.ToolRunner(env.variables())
            .which(argv.get(0))
            .orElseThrow(
                () ->
                    new UserError(
                        ExitCodes.ERROR, "docker is not installed (not on PATH); choose native"));
    List<String> command = new java.util.ArrayList<>(argv);
    command.set(0, docker.toString());
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(env.workingDirectory().toFile())
            .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env.variables());
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      p.getInputStream().transferTo(env.out());
      return p.waitFor() == 0 ? ExitCodes.OK : ExitCodes.ERROR;
    } catch (IOException e) {
      throw new UserError(
          ExitCodes.ERROR, "cannot run docker (is it installed?): " + e.getMessage(), e);
    }
  }

  /** Asks questions on a terminal; off a terminal, or with --yes, answers each with its default. */
  static final class Prompter {
    private final BufferedReader in;
    private final PrintWriter out;
    private final boolean interactive;

    Prompter(BufferedReader in, PrintWriter out, boolean interactive) {
      this.in = in;
      this.out = out;
      this.interactive = interactive;
    }

    String choice(String question, List<String> options, String dflt) {
      if (!options.contains(dflt)) {
        throw new UserError(
            ExitCodes.USAGE,
            question.toLowerCase(Locale.ROOT) + ": '" + dflt + "' is not one of " + options);
      }
      while (interactive) {
        String answer = read(question + " [" + String.join("/", options) + "] (" + dflt + "): ");
        if (answer == null || answer.isBlank()) {
          return dflt;
        }
        String a = answer.trim().toLowerCase(Locale.ROOT);
        if (options.contains(a)) {
          return a;
        }
        out.println("Please answer one of " + String.join(", ", options) + ".");
      }
      return dflt;
    }

    boolean yesNo(String question, boolean dflt) {
      while (interactive) {
        String answer = read(question + (dflt ? " [Y/n]: " : " [y/N]: "));
        if (answer == null || answer.isBlank()) {
          return dflt;
        }
        String a = answer.trim().toLowerCase(Locale.ROOT);
        if (a.equals("y") || a.equals("yes")) {
          return true;
        }
        if (a.equals("n") || a.equals("no")) {
          return false;
        }
        out.println("Please answer y or n.");
      }
      return dflt;
    }

    String text(String question, String dflt) {
      if (!interactive) {
        return dflt;
      }
      String answer = read(question + " (" + dflt + "): ");
      return answer == null || answer.isBlank() ? dflt : answer.trim();
    }

    /**
     * One line, or null at end of input (which then answers every later question with its default).
     */
    private String read(String prompt) {
      out.print(prompt);
      out.flush();
      try {
        String line = in.readLine();
        if (line == null) {
          out.println();
        }
        return line;
      } catch (IOException e) {
        return null;
      }
    }
  }
}
