package com.jmotools.telemetry.app;

import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.reports.Exporter;
import com.jmotools.telemetry.reports.Period;
import com.jmotools.telemetry.reports.TemporaryFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jmo-telemetry export}: the events of a period as JSONL or CSV. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Export the events of a period (default: the last 30 days) as JSONL (the guide's event"
            + " shape) or CSV.")
final class ExportCommand implements Callable<Integer> {

  @Mixin DatabaseOptions options;

  @Option(
      names = "--format",
      defaultValue = "jsonl",
      description = "jsonl or csv (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      description = "Write to this file (default: standard output).")
  Path out;

  @Spec CommandSpec spec;

  private final Clock clock;
  private final OutputStream stdout;

  ExportCommand(Clock clock, OutputStream stdout) {
    this.clock = clock;
    this.stdout = stdout;
  }

  @Override
  public Integer call() throws Exception {
    Exporter.Format f;
    try {
      f = Exporter.Format.parse(format);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--format: " + e.getMessage(), e);
    }
    var period = options.period(clock);
    try (Database db = options.open()) {
      Exporter exporter = new Exporter(db.dataSource(), db.dialect());
      long n;
      if (out == null) {
        OutputStream o = new BufferedOutputStream(stdout, 1 << 16);
        n = exporter.export(period, f, o);
        o.flush();
      } else {
        n = exportToFile(exporter, period, f);
      }
      spec.commandLine()
          .getErr()
          .println(
              "exported " + n + " events of " + period.from() + " to " + period.to() + " as " + f);
      spec.commandLine().getErr().flush();
    }
    return 0;
  }

  /**
   * Writes the export next to {@code out} and moves it into place, so a failed export leaves
   * neither a half file nor a hidden copy of the events: the target is checked first, and the
   * temporary file is deleted on any failure, the move's included, and when the run is interrupted;
   * one that a killed export to the same file left is deleted by the next.
   *
   * @throws UncheckedIOException if the file cannot be written, with the reason in one line
   */
  private long exportToFile(Exporter exporter, Period period, Exporter.Format f) {
    Path target = out.toAbsolutePath();
    Path parent = target.getParent();
    if (Files.isDirectory(target)) {
      throw failure("cannot write " + out, "it is a directory", null);
    }
    if (parent == null || !Files.isDirectory(parent)) {
      throw failure("cannot write " + out, "no such directory " + parent, null);
    }
    // Named after its target, so that the next export to it finds what a killed one left.
    String prefix = "." + target.getFileName() + ".export-";
    TemporaryFiles.removeLeftovers(parent, prefix, ".tmp", clock.instant());
    Path tmp;
    try {
      tmp = Files.createTempFile(parent, prefix, ".tmp");
    } catch (IOException e) {
      throw failure("cannot write into " + parent, reason(e), e);
    }
    boolean moved = false;
    TemporaryFiles.Guard interrupted = TemporaryFiles.deleteOnExit(tmp);
    try {
      long n;
      try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        n = exporter.export(period, f, o);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      moved = true;
      return n;
    } catch (IOException e) {
      throw failure("cannot write " + out, reason(e), e);
    } finally {
      if (!moved) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          spec.commandLine().getErr().println("jmo-telemetry export: cannot delete " + tmp);
        }
      }
      interrupted.close();
    }
  }

  /**
   * A failure whose message is one line, what and why; the JDK's exception is kept as the cause of
   * the reason, so the line does not repeat its bare path (the temporary file's, at that).
   */
  private static UncheckedIOException failure(String what, String why, IOException e) {
    return new UncheckedIOException(what + ": " + why, new IOException(why, e));
  }

  /** Why an I/O operation failed, in words: the JDK often gives only the path. */
  private static String reason(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
