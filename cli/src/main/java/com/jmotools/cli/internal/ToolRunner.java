package com.jmotools.cli.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs one tool on one target as child processes: placeholders expanded, the environment given (not
 * the JVM's own), output under the tool's results directory, and the timeout enforced on the whole
 * process tree.
 *
 * <p>Each run leaves {@code status.json} in its directory, which {@code jmo report} reads.
 */
public final class ToolRunner {

  /** The results file each tool run leaves in its directory. */
  public static final String STATUS_FILE = "status.json";

  /** How long a killed process tree gets to go away before the runner stops waiting. */
  public static final Duration KILL_GRACE = Duration.ofSeconds(5);

  /** Files scanned at most when expanding {@code {files:GLOB}}. */
  public static final int MAX_FILES_WALKED = 200_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> SKIPPED_DIRS =
      Set.of(".git", "node_modules", ".venv", "venv", "__pycache__", ".tox");

  private final Map<String, String> environment;
  private final Set<Process> live = ConcurrentHashMap.newKeySet();

  /** A runner whose child processes get exactly {@code environment} (PATH included). */
  public ToolRunner(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** Resolves an executable on the environment's PATH, as a shell would. */
  public Optional<Path> which(String executable) {
    if (executable.contains("/") || executable.contains(File.separator)) {
      Path p = Path.of(executable);
      return Files.isExecutable(p) && !Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }
    String path = environment.getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, executable);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The executables of {@code tool} not found on PATH. */
  public List<String> missingExecutables(ToolDefinition tool) {
    List<String> missing = new ArrayList<>();
    for (String exe : tool.executables()) {
      if (which(exe).isEmpty()) {
        missing.add(exe);
      }
    }
    return missing;
  }

  /** A tool that has nothing to do on this target, and why: it ran no command. */
  private static ToolResult notApplicable(
      Target target, ToolDefinition tool, Path directory, String reason) {
    return new ToolResult(
        target,
        tool.name(),
        ToolResult.Status.NOT_APPLICABLE,
        null,
        null,
        Duration.ZERO,
        0,
        directory,
        reason);
  }

  /**
   * Runs {@code tool} on {@code target}, writing into {@code directory} (emptied first).
   *
   * @throws InterruptedException if interrupted while waiting; the process tree is killed first
   */
  public ToolResult run(ToolDefinition tool, Target target, Path directory, Duration timeout)
      throws InterruptedException {
    long start = System.nanoTime();
    List<List<String>> steps = commandsFor(tool, target.type());
    if (steps == null) {
      return notApplicable(
          target, tool, directory, "no command for " + target.type().key() + " targets");
    }
    if (tool.requiredFile() != null
        && (target.root() == null || !Files.exists(target.root().resolve(tool.requiredFile())))) {
      return notApplicable(
          target, tool, directory, "needs " + tool.requiredFile() + " in the target");
    }
    try {
      deleteRecursively(directory);
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UserError(
          ExitCodes.ERROR,
          directory + ": cannot prepare the results directory (" + e.getMessage() + ")",
          e);
    }
    Path output = directory.resolve(tool.outputFile());
    List<List<String>> commands = new ArrayList<>();
    for (List<String> step : steps) {
      Optional<List<String>> expanded = expand(step, target, output, directory, timeout);
      if (expanded.isEmpty()) {
        return finish(
            tool,
            target,
            directory,
            notApplicable(target, tool, directory, "no matching files"),
            null);
      }
      commands.add(expanded.get());
    }

    long deadline = start + timeout.toNanos();
    Integer exit = null;
    for (int i = 0; i < commands.size(); i++) {
      boolean last = i == commands.size() - 1;
      StepEnd end =
          runStep(tool, target, directory, output, commands.get(i), last, start, deadline, timeout);
      if (end.failure() != null) {
        return finish(tool, target, directory, end.failure(), end.exit());
      }
      exit = end.exit();
    }
    return finish(
        tool, target, directory, succeeded(tool, target, directory, output, exit, start), exit);
  }

  /** How one step ended: its exit code, and the failed result that ends the run if it failed. */
  private record StepEnd(Integer exit, ToolResult failure) {}

  /**
   * Runs one command of the tool within the run's deadline; its process tree is killed at the
   * deadline or when this thread is interrupted.
   */
  private StepEnd runStep(
      ToolDefinition tool,
      Target target,
      Path directory,
      Path output,
      List<String> expanded,
      boolean last,
      long start,
      long deadline,
      Duration timeout)
      throws InterruptedException {
    List<String> command = new ArrayList<>(expanded);
    Optional<Path> exe = which(command.get(0));
    if (exe.isEmpty()) {
      return new StepEnd(
          null,
          failed(
              target,
              tool,
              ToolResult.FailureType.CRASH,
              null,
              start,
              directory,
              "could not start: " + command.get(0) + " not found on PATH"));
    }
    command.set(0, exe.get().toString());
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(
                target.root() != null && target.type() != TargetType.IAC
                    ? target.root().toFile()
                    : directory.toFile())
            .redirectError(
                ProcessBuilder.Redirect.appendTo(directory.resolve("stderr.log").toFile()))
            .redirectOutput(
                last && tool.outputFromStdout()
                    ? ProcessBuilder.Redirect.to(output.toFile())
                    : ProcessBuilder.Redirect.appendTo(directory.resolve("stdout.log").toFile()));
    pb.environment().clear();
    pb.environment().putAll(environment);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      return new StepEnd(
          null,
          failed(
              target,
              tool,
              ToolResult.FailureType.CRASH,
              null,
              start,
              directory,
              "could not start: " + e.getMessage()));
    }
    live.add(process);
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // the child closed its stdin first; nothing to tell it
    }
    try {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0 || !process.waitFor(remaining, TimeUnit.NANOSECONDS)) {
        killTree(process);
        return new StepEnd(
            null,
            failed(
                target,
                tool,
                ToolResult.FailureType.TIMEOUT,
                null,
                start,
                directory,
                "timed out after " + timeout.toSeconds() + " s; process tree killed"));
      }
    } catch (InterruptedException e) {
      killTree(process);
      throw e;
    } finally {
      live.remove(process);
    }
    int exit = process.exitValue();
    if (exit > 128 && exit <= 128 + 64) {
      return new StepEnd(
          exit,
          failed(
              target,
              tool,
              ToolResult.FailureType.CRASH,
              null,
              start,
              directory,
              "killed by signal " + (exit - 128)));
    }
    if (exit != 0 && !tool.findingsExitCodes().contains(exit)) {
      return new StepEnd(
          exit,
          failed(
              target,
              tool,
              ToolResult.FailureType.NON_ZERO_EXIT,
              exit,
              start,
              directory,
              "exit code " + exit));
    }
    return new StepEnd(exit, null);
  }

  /** The result of a run whose every step succeeded: its findings, read from the tool's output. */
  private static ToolResult succeeded(
      ToolDefinition tool, Target target, Path directory, Path output, Integer exit, long start) {
    int count = 0;
    String detail = "";
    try {
      count = FindingsFormats.parse(tool.format(), tool.name(), output, target.root()).size();
    } catch (IOException e) {
      detail = "output not readable: " + e.getMessage();
    }
    return new ToolResult(
        target,
        tool.name(),
        ToolResult.Status.SUCCEEDED,
        null,
        exit,
        Duration.ofNanos(System.nanoTime() - start),
        count,
        directory,
        detail);
  }

  /**
   * The steps of {@code tool} for targets of {@code type}; GitLab checkouts are scanned as
   * repositories.
   */
  public static List<List<String>> commandsFor(ToolDefinition tool, TargetType type) {
    List<List<String>> steps = tool.commands().get(type);
    return steps == null && type == TargetType.GITLAB
        ? tool.commands().get(TargetType.REPO)
        : steps;
  }

  /** Kills every process still running (the scan was interrupted). */
  public void killAll() {
    live.forEach(ToolRunner::killTree);
  }

  private ToolResult failed(
      Target target,
      ToolDefinition tool,
      ToolResult.FailureType type,
      Integer exit,
      long start,
      Path directory,
      String detail) {
    return new ToolResult(
        target,
        tool.name(),
        ToolResult.Status.FAILED,
        type,
        exit,
        Duration.ofNanos(System.nanoTime() - start),
        0,
        directory,
        detail);
  }

  private ToolResult finish(
      ToolDefinition tool, Target target, Path directory, ToolResult result, Integer rawExit) {
    ObjectNode status = JSON.createObjectNode();
    status.put("tool", tool.name());
    status.put("built_in", tool.builtIn());
    status.put("target", target.name());
    status.put("target_type", target.type().key());
    status.put("target_root", target.root() == null ? null : target.root().toString());
    status.put("format", tool.format());
    status.put("output", tool.outputFile());
    status.put("status", result.status().name().toLowerCase(java.util.Locale.ROOT));
    status.put("failure_type", result.failure() == null ? null : result.failure().wire());
    if (rawExit == null) {
      status.putNull("exit_code");
    } else {
      status.put("exit_code", rawExit);
    }
    status.put("duration_ms", result.duration().toMillis());
    status.put("findings", result.findings());
    status.put("detail", result.detail());
    try {
      Files.createDirectories(directory);
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(directory.resolve(STATUS_FILE).toFile(), status);
    } catch (IOException e) {
      throw new UserError(
          ExitCodes.ERROR,
          directory + ": cannot write " + STATUS_FILE + " (" + e.getMessage() + ")",
          e);
    }
    return result;
  }

  /** Kills {@code process} and every descendant, children before the parent could respawn them. */
  static void killTree(Process process) {
    ProcessHandle root = process.toHandle();
    for (int round = 0; round < 3; round++) {
      List<ProcessHandle> tree = root.descendants().collect(java.util.stream.Collectors.toList());
      tree.forEach(ProcessHandle::destroyForcibly);
      root.destroyForcibly();
      if (tree.isEmpty()) {
        break;
      }
    }
    try {
      process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Optional<List<String>> expand(
      List<String> step, Target target, Path output, Path outdir, Duration timeout) {
    List<String> out = new ArrayList<>();
    for (String word : step) {
      if (word.startsWith("{files:") && word.endsWith("}")) {
        List<String> files =
            matchingFiles(target, word.substring("{files:".length(), word.length() - 1));
        if (files.isEmpty()) {
          return Optional.empty();
        }
        out.addAll(files);
        continue;
      }
      out.add(
          word.replace("{target}", target.value())
              .replace("{output}", output.toString())
              .replace("{outdir}", outdir.toString())
              .replace("{timeout}", Long.toString(Math.max(1, timeout.toSeconds())))
              .replace("{duration}", Long.toString(Math.max(1, timeout.toSeconds() * 9 / 10))));
    }
    return Optional.of(out);
  }

  private static List<String> matchingFiles(Target target, String glob) {
    if (target.root() == null || !Files.isDirectory(target.root())) {
      return List.of();
    }
    PathMatcher matcher = target.root().getFileSystem().getPathMatcher("glob:" + glob);
    List<String> out = new ArrayList<>();
    try {
      Files.walkFileTree(
          target.root(),
          new SimpleFileVisitor<>() {
            int seen;

            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              return !dir.equals(target.root())
                      && SKIPPED_DIRS.contains(dir.getFileName().toString())
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile() && matcher.matches(file.getFileName())) {
                out.add(target.root().relativize(file).toString());
              }
              return ++seen > MAX_FILES_WALKED
                  ? FileVisitResult.TERMINATE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      return List.of();
    }
    out.sort(Comparator.naturalOrder());
    // Relative names, run from the target directory: "./" keeps a file named "-x" from being an
    // option.
    return out.stream().map(f -> "./" + f).collect(java.util.stream.Collectors.toList());
  }

  /**
   * Empties a tool's results directory from an earlier run. Only a directory jmo wrote (it holds
   * {@value #STATUS_FILE}) or an empty one is removed, so a mistaken --results-dir cannot delete
   * anything else.
   */
  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    if (!Files.isDirectory(dir) || Files.isSymbolicLink(dir)) {
      throw new UserError(
          ExitCodes.ERROR,
          dir + " exists and is not a results directory of jmo; choose another --results-dir");
    }
    if (!Files.exists(dir.resolve(STATUS_FILE))) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new UserError(
              ExitCodes.ERROR,
              dir + " holds files jmo did not write; choose another --results-dir");
        }
      }
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p :
          walk.sorted(Comparator.reverseOrder()).collect(java.util.stream.Collectors.toList())) {
        Files.deleteIfExists(p);
      }
    }
  }
}
