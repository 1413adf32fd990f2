package com.jmotools.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a results directory ({@code <target>/<tool>/status.json} and each tool's output) into a
 * {@link ScanReport}, applying jmo.yml's suppressions.
 */
public final class ResultsReader {

  /** The file jmo scan leaves in every results directory, even when it ran no tool. */
  public static final String SCAN_MARKER = ".jmo-scan";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ResultsReader() {}

  /**
   * Reads {@code resultsDir}.
   *
   * @throws UserError ({@link ExitCodes#CONFIG}) if it is not a directory or holds no tool results
   */
  public static ScanReport read(
      Path resultsDir, List<Suppression> suppressions, boolean compliance, Clock clock) {
    return read(resultsDir, suppressions, compliance, clock, false);
  }

  /**
   * As {@link #read(Path, List, boolean, Clock)}; with {@code allowEmpty} no results give an empty
   * report.
   */
  public static ScanReport read(
      Path resultsDir,
      List<Suppression> suppressions,
      boolean compliance,
      Clock clock,
      boolean allowEmpty) {
    if (allowEmpty && !Files.isDirectory(resultsDir)) {
      return new ScanReport(
          clock.instant(), List.of(), List.of(), List.of(), compliance, List.of());
    }
    if (!Files.isDirectory(resultsDir)) {
      throw new UserError(ExitCodes.CONFIG, resultsDir + ": no such results directory");
    }
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    List<Finding> kept = new ArrayList<>();
    List<ScanReport.Suppressed> suppressed = new ArrayList<>();
    List<ScanReport.Run> runs = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path targetDir : list(resultsDir)) {
      for (Path toolDir : list(targetDir)) {
        Path statusFile = toolDir.resolve(ToolRunner.STATUS_FILE);
        if (!Files.isRegularFile(statusFile)) {
          continue;
        }
        JsonNode status;
        try {
          status = JSON.readTree(statusFile.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          status = null;
        } catch (IOException e) {
          problems.add(statusFile + ": cannot be read; that tool run is left out");
          continue;
        }
        if (status == null || !status.isObject()) {
          problems.add(
              statusFile
                  + ": corrupt (not the JSON object jmo scan writes); that tool run is left out"
                  + " (run jmo scan again to replace it)");
          continue;
        }
        String tool = status.path("tool").asText(toolDir.getFileName().toString());
        String target = status.path("target").asText(targetDir.getFileName().toString());
        String state = status.path("status").asText("unknown");
        runs.add(
            new ScanReport.Run(
                target,
                tool,
                state,
                status.path("failure_type").isNull()
                    ? null
                    : status.path("failure_type").asText(null),
                status.path("exit_code").isInt() ? status.path("exit_code").asInt() : null,
                status.path("duration_ms").asLong(0),
                status.path("findings").asInt(0)));
        if (!state.equals("succeeded")) {
          continue;
        }
        String output = status.path("output").asText("");
        if (output.isEmpty() || output.contains("/") || output.contains("..")) {
          problems.add(statusFile + ": names no output file");
          continue;
        }
        String root =
            status.path("target_root").isTextual() ? status.path("target_root").asText() : null;
        try {
          for (Finding f :
              FindingsFormats.parse(
                  status.path("format").asText("none"),
                  tool,
                  toolDir.resolve(output),
                  root == null ? null : Path.of(root))) {
            Finding withTarget = f.withTarget(target);
            Suppression rule =
                suppressions.stream()
                    .filter(s -> s.matches(withTarget, today))
                    .findFirst()
                    .orElse(null);
            if (rule == null) {
              kept.add(withTarget);
            } else {
              suppressed.add(new ScanReport.Suppressed(withTarget, rule.reason()));
            }
          }
        } catch (IOException | IllegalArgumentException e) {
          problems.add(tool + " on " + target + ": " + e.getMessage());
        }
      }
    }
    // A scan that ran no tool leaves only its marker: that reports no findings, as jmo ci does.
    if (runs.isEmpty()
        && !allowEmpty
        && (!problems.isEmpty() || !Files.isRegularFile(resultsDir.resolve(SCAN_MARKER)))) {
      if (!problems.isEmpty()) {
        throw new UserError(ExitCodes.CONFIG, problems.get(0));
      }
      throw new UserError(
          ExitCodes.CONFIG,
          resultsDir
              + ": holds no tool results (run jmo scan --results-dir "
              + resultsDir
              + " first)");
    }
    kept.sort(
        Comparator.comparing(Finding::severity)
            .thenComparing(Finding::target)
            .thenComparing(Finding::tool)
            .thenComparing(Finding::path)
            .thenComparingInt(Finding::line)
            .thenComparing(Finding::rule));
    return new ScanReport(clock.instant(), kept, suppressed, runs, compliance, problems);
  }

  private static List<Path> list(Path dir) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      throw new UserError(ExitCodes.ERROR, dir + ": cannot list (" + e.getMessage() + ")", e);
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }
}
