package com.jmotools.telemetry.bench.client;

import com.jmotools.telemetry.testing.RecordingCollector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Measures what telemetry adds to a host process's exit when the collector answers promptly: it
 * runs {@link HostProcessMain} as separate JVMs, alternating telemetry on and off in the same run,
 * and reports the medians of (a) the time spent in {@code close()} and (b) the wall time from the
 * start of {@code close()} to the process's exit as seen by the parent. Target: (b) on minus (b)
 * off at most 20 ms.
 *
 * <p>Usage: {@code ExitTimeHarness [pairs=20] [scanMillis=1000]}.
 */
public final class ExitTimeHarness {

  /**
   * How long the stand-in host "scans" by default: a real scan takes seconds to minutes, and the
   * client loads the catalog on its uploader thread meanwhile. Shorter runs also pay for whatever
   * of that load is left when they close.
   */
  public static final long DEFAULT_SCAN_MILLIS = 1000;

  private ExitTimeHarness() {}

  /**
   * The medians of one run.
   *
   * @param pairs how many on/off pairs ran
   * @param closeOnMillis median time in close() with telemetry on
   * @param closeOffMillis median time in close() with telemetry off
   * @param exitOnMillis median close-start-to-exit with telemetry on
   * @param exitOffMillis median close-start-to-exit with telemetry off
   * @param wallOnMillis median wall time of the whole process with telemetry on
   * @param wallOffMillis median wall time of the whole process with telemetry off
   * @param delivered events the collector stored (2 per "on" process expected)
   */
  public record Result(
      int pairs,
      double closeOnMillis,
      double closeOffMillis,
      double exitOnMillis,
      double exitOffMillis,
      double wallOnMillis,
      double wallOffMillis,
      int delivered) {
    /** What telemetry adds to the exit: the difference of the medians. */
    public double addedMillis() {
      return exitOnMillis - exitOffMillis;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "pairs=%d close() on=%.1f ms off=%.1f ms | close-to-exit on=%.1f ms off=%.1f ms |"
              + " added=%.1f ms | whole process on=%.0f ms off=%.0f ms | delivered=%d",
          pairs,
          closeOnMillis,
          closeOffMillis,
          exitOnMillis,
          exitOffMillis,
          addedMillis(),
          wallOnMillis,
          wallOffMillis,
          delivered);
    }
  }

  private record Sample(double closeMillis, double exitMillis, double wallMillis) {}

  public static void main(String[] args) throws Exception {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    long scanMillis = args.length > 1 ? Long.parseLong(args[1]) : DEFAULT_SCAN_MILLIS;
    System.out.println(measure(pairs, scanMillis));
  }

  /** Runs {@code pairs} on/off pairs of host processes against a prompt loopback collector. */
  public static Result measure(int pairs, long scanMillis)
      throws IOException, InterruptedException {
    if (pairs < 1) {
      throw new IllegalArgumentException("pairs < 1: " + pairs);
    }
    Path state = Files.createTempDirectory("jmo-bench-exit");
    List<Sample> on = new ArrayList<>();
    List<Sample> off = new ArrayList<>();
    try (RecordingCollector collector = RecordingCollector.start()) {
      for (int i = 0; i < pairs; i++) {
        on.add(run(state, collector.baseUrl(), "on", scanMillis));
        off.add(run(state, collector.baseUrl(), "off", scanMillis));
      }
      return new Result(
          pairs,
          median(on, Sample::closeMillis),
          median(off, Sample::closeMillis),
          median(on, Sample::exitMillis),
          median(off, Sample::exitMillis),
          median(on, Sample::wallMillis),
          median(off, Sample::wallMillis),
          collector.count());
    }
  }

  private static Sample run(Path state, String url, String mode, long scanMillis)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    long started = System.nanoTime();
    Process p =
        new ProcessBuilder(
                java,
                "-Xshare:auto",
                "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData",
                "-cp",
                System.getProperty("java.class.path"),
                HostProcessMain.class.getName(),
                state.toString(),
                url,
                mode,
                Long.toString(scanMillis))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    long exited = System.currentTimeMillis();
    double wall = (System.nanoTime() - started) / 1e6;
    if (code != 0) {
      throw new IllegalStateException("host process failed (" + code + "): " + out);
    }
    long closeStart = value(out, "close-start ");
    long closeNanos = value(out, "close-nanos ");
    return new Sample(closeNanos / 1e6, exited - closeStart, wall);
  }

  private static long value(String out, String prefix) {
    return out.lines()
        .filter(l -> l.startsWith(prefix))
        .mapToLong(l -> Long.parseLong(l.substring(prefix.length()).trim()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no " + prefix.trim() + " in: " + out));
  }

  private static double median(List<Sample> samples, ToDoubleFunction<Sample> f) {
    double[] v = samples.stream().mapToDouble(f).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
