package com.jmotools.cli.internal;

import static com.jmotools.cli.internal.TargetType.IAC;
import static com.jmotools.cli.internal.TargetType.IMAGE;
import static com.jmotools.cli.internal.TargetType.K8S;
import static com.jmotools.cli.internal.TargetType.REPO;
import static com.jmotools.cli.internal.TargetType.URL;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tool definitions jmo knows: the built-in scanners plus the custom tools of jmo.yml (a custom
 * tool may not reuse a built-in name, so a repository's jmo.yml cannot redefine what "trivy" runs).
 */
public final class ToolRegistry {

  private final Map<String, ToolDefinition> tools;

  private ToolRegistry(Map<String, ToolDefinition> tools) {
    this.tools = java.util.Collections.unmodifiableMap(tools);
  }

  /** The built-in definitions only. */
  public static ToolRegistry builtIn() {
    Map<String, ToolDefinition> map = new LinkedHashMap<>();
    for (ToolDefinition d : builtInDefinitions()) {
      map.put(d.name(), d);
    }
    return new ToolRegistry(map);
  }

  /**
   * The built-ins plus {@code custom}.
   *
   * @throws IllegalArgumentException if a custom tool reuses a built-in name
   */
  public ToolRegistry with(Collection<ToolDefinition> custom) {
    Map<String, ToolDefinition> map = new LinkedHashMap<>(tools);
    for (ToolDefinition d : custom) {
      if (tools.containsKey(d.name())) {
        throw new IllegalArgumentException(
            "custom tool '" + d.name() + "' has the name of a built-in tool; choose another name");
      }
      map.put(d.name(), d);
    }
    return new ToolRegistry(map);
  }

  /** The definition of {@code name}, if known. */
  public Optional<ToolDefinition> find(String name) {
    return Optional.ofNullable(tools.get(name));
  }

  /** Every definition, built-ins first. */
  public Collection<ToolDefinition> all() {
    return tools.values();
  }

  private static List<ToolDefinition> builtInDefinitions() {
    return List.of(
        ToolDefinition.builder("trufflehog")
            .command(REPO, "trufflehog", "filesystem", "{target}", "--json", "--no-update")
            .command(IMAGE, "trufflehog", "docker", "--image", "{target}", "--json", "--no-update")
            .output("trufflehog.jsonl")
            .stdout()
            .format("trufflehog-jsonl")
            .findingsExitCodes(183)
            .install(
                "https://github.com/trufflesecurity/trufflehog#installation (brew install"
                    + " trufflehog)")
            .build(),
        ToolDefinition.builder("semgrep")
            .command(
                REPO,
                "semgrep",
                "scan",
                "--config",
                "p/default",
                "--sarif",
                "--output",
                "{output}",
                "--quiet",
                "--metrics",
                "off",
                "{target}")
            .output("semgrep.sarif")
            .format("sarif")
            .findingsExitCodes(1)
            .install("pipx install semgrep")
            .build(),
        ToolDefinition.builder("trivy")
            .command(
                REPO,
                "trivy",
                "fs",
                "--quiet",
                "--scanners",
                "vuln,secret,misconfig",
                "--format",
                "json",
                "--output",
                "{output}",
                "{target}")
            .command(
                IMAGE,
                "trivy",
                "image",
                "--quiet",
                "--format",
                "json",
                "--output",
                "{output}",
                "{target}")
            .command(
                IAC,
                "trivy",
                "config",
                "--quiet",
                "--format",
                "json",
                "--output",
                "{output}",
                "{target}")
            .command(
                K8S,
                "trivy",
                "k8s",
                "--context",
                "{target}",
                "--report",
                "all",
                "--format",
                "json",
                "--output",
                "{output}")
            .output("trivy.json")
            .format("trivy-json")
            .install(
                "https://trivy.dev/latest/getting-started/installation/ (apt install trivy, brew"
                    + " install trivy)")
            .build(),
        ToolDefinition.builder("syft")
            .command(
                REPO, "syft", "scan", "dir:{target}", "--quiet", "-o", "cyclonedx-json={output}")
            .command(IMAGE, "syft", "scan", "{target}", "--quiet", "-o", "cyclonedx-json={output}")
            .output("syft.cdx.json")
            .format("none")
            .install("https://github.com/anchore/syft#installation (brew install syft)")
            .build(),
        ToolDefinition.builder("checkov")
            .command(
                REPO,
                "checkov",
                "--quiet",
                "-d",
                "{target}",
                "-o",
                "sarif",
                "--output-file-path",
                "{outdir}")
            .command(
                IAC,
                "checkov",
                "--quiet",
                "-f",
                "{target}",
                "-o",
                "sarif",
                "--output-file-path",
                "{outdir}")
            .output("results_sarif.sarif")
            .format("sarif")
            .findingsExitCodes(1)
            .install("pipx install checkov")
            .build(),
        ToolDefinition.builder("hadolint")
            .command(REPO, "hadolint", "--no-fail", "-f", "sarif", "{files:Dockerfile*}")
            .output("hadolint.sarif")
            .stdout()
            .format("sarif")
            .findingsExitCodes(1)
            .install("https://github.com/hadolint/hadolint#install (brew install hadolint)")
            .build(),
        ToolDefinition.builder("zap")
            .command(URL, "zap-baseline.py", "-t", "{target}", "-J", "{output}", "-I")
            .output("zap.json")
            .format("zap-json")
            .findingsExitCodes(1, 2)
            .install(
                "https://www.zaproxy.org/docs/docker/baseline-scan/ (or docker run"
                    + " zaproxy/zap-stable)")
            .build(),
        ToolDefinition.builder("noseyparker")
            .steps(
                REPO,
                List.of(
                    List.of("noseyparker", "scan", "--datastore", "{outdir}/datastore", "{target}"),
                    List.of(
                        "noseyparker",
                        "report",
                        "--datastore",
                        "{outdir}/datastore",
                        "--format",
                        "json")))
            .output("noseyparker.json")
            .stdout()
            .format("noseyparker-json")
            .install(
                "https://github.com/praetorian-inc/noseyparker#installation (brew install"
                    + " noseyparker)")
            .build(),
        ToolDefinition.builder("bandit")
            .command(REPO, "bandit", "-q", "-r", "{target}", "-f", "json", "-o", "{output}")
            .output("bandit.json")
            .format("bandit-json")
            .findingsExitCodes(1)
            .install("pipx install bandit (or apt install python3-bandit)")
            .build(),
        ToolDefinition.builder("falco")
            .command(
                K8S,
                "falco",
                "-o",
                "json_output=true",
                "-o",
                "stdout_output.enabled=true",
                "-M",
                "{duration}")
            .output("falco.jsonl")
            .stdout()
            .format("falco-jsonl")
            .install("https://falco.org/docs/setup/packages/")
            .build(),
        ToolDefinition.builder("afl++")
            .command(
                REPO,
                "afl-fuzz",
                "-i",
                "{target}/fuzz/in",
                "-o",
                "{outdir}/afl",
                "-V",
                "{duration}",
                "--",
                "{target}/fuzz/target",
                "@@")
            .requiredFile("fuzz/target")
            .output("afl")
            .format("afl-dir")
            .install("apt install afl++ (runs on repositories with fuzz/target and fuzz/in)")
            .build(),
        ToolDefinition.builder("shellcheck")
            .command(REPO, "shellcheck", "-f", "json1", "{files:*.sh}")
            .output("shellcheck.json")
            .stdout()
            .format("shellcheck-json1")
            .findingsExitCodes(1)
            .install("apt install shellcheck (brew install shellcheck)")
            .build(),
        ToolDefinition.builder("gitleaks")
            .command(
                REPO,
                "gitleaks",
                "dir",
                "{target}",
                "--no-banner",
                "--report-format",
                "sarif",
                "--report-path",
                "{output}")
            .output("gitleaks.sarif")
            .format("sarif")
            .findingsExitCodes(1)
            .install("https://github.com/gitleaks/gitleaks#installing (brew install gitleaks)")
            .build());
  }
}
