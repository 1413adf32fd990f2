package com.jmotools.telemetry.app;

import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.reports.Exporter;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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
    Exporter.Format f = Exporter.Format.parse(format);
    var period = options.period(clock);
    try (Database db = options.open()) {
      Exporter exporter = new Exporter(db.dataSource(), db.dialect());
      long n;
      if (out == null) {
        OutputStream o = new BufferedOutputStream(stdout, 1 << 16);
        n = exporter.export(period, f, o);
        o.flush();
      } else {
        // Written next to the target and moved into place, so a failed export leaves no half file.
        Path parent = out.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(parent, ".export", ".tmp");
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
          n = exporter.export(period, f, o);
        } catch (RuntimeException | java.io.IOException e) {
          Files.deleteIfExists(tmp);
          throw e;
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      spec.commandLine()
          .getErr()
          .println(
              "exported " + n + " events of " + period.from() + " to " + period.to() + " as " + f);
      spec.commandLine().getErr().flush();
    }
    return 0;
  }
}
