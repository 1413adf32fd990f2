package com.jmotools.telemetry.bench.client;

import com.jmotools.telemetry.testing.RecordingCollector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures what telemetry adds to a host process's exit when the collector answers promptly: it
 * runs {@link HostProcessMain} as separate JVMs, alternating telemetry on and off in the same run,
 * and reports the medians of (a) the time spent in {@code close()} and (b) the wall time from the
 * start of {@code close()} to the process's exit as seen by the parent. Target: (b) on minus (b)
 * off at most 20 ms.
 *
 * <p>Usage: {@code ExitTimeHarness [pairs=20] [scanMillis=300]}.
 */
public final class ExitTimeHarness {

  private ExitTimeHarness() {}

  /**
   * The medians of one run.
   *
   * @param pairs how many on/off pairs ran
   * @param closeOnMillis median time in close() with telemetry on
   * @param closeOffMillis median time in close() with telemetry off
   * @param exitOnMillis median close-start-to-exit with telemetry on
   * @param exitOffMillis median close-start-to-exit with telemetry off
   * @param delivered events the collector stored (2 per "on" process expected)
   */
  public record Result(int pairs, double closeOnMillis, double closeOffMillis, double exitOnMillis, double exitOffMillis,
      int delivered) {
    /** What telemetry adds to the exit: the difference of the medians. */
    public double addedMillis() {
      return exitOnMillis - exitOffMillis;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT,
          "pairs=%d close() on=%.1f ms off=%.1f ms | close-to-exit on=%.1f ms off=%.1f ms | added=%.1f ms | delivered=%d",
          pairs, closeOnMillis, closeOffMillis, exitOnMillis, exitOffMillis, addedMillis(), delivered);
    }
  }

  private record Sample(double closeMillis, double exitMillis) {}

  public static void main(String[] args) throws Exception {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    long scanMillis = args.length > 1 ? Long.parseLong(args[1]) : 300;
    System.out.println(measure(pairs, scanMillis));
  }

  /** Runs {@code pairs} on/off pairs of host processes against a prompt loopback collector. */
  public static Result measure(int pairs, long scanMillis) throws IOException, InterruptedException {
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
      return new Result(pairs, median(on, true), median(off, true), median(on, false), median(off, false), collector.count());
    }
  }

  private static Sample run(Path state, String url, String mode, long scanMillis) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp",
        System.getProperty("java.class.path"), HostProcessMain.class.getName(), state.toString(), url, mode,
        Long.toString(scanMillis)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    long exited = System.currentTimeMillis();
    if (code != 0) {
      throw new IllegalStateException("host process failed (" + code + "): " + out);
    }
    long closeStart = value(out, "close-start ");
    long closeNanos = value(out, "close-nanos ");
    return new Sample(closeNanos / 1e6, exited - closeStart);
  }

  private static long value(String out, String prefix) {
    return out.lines().filter(l -> l.startsWith(prefix)).mapToLong(l -> Long.parseLong(l.substring(prefix.length()).trim()))
        .findFirst().orElseThrow(() -> new IllegalStateException("no " + prefix.trim() + " in: " + out));
  }

  private static double median(List<Sample> samples, boolean close) {
    double[] v = samples.stream().mapToDouble(s -> close ? s.closeMillis() : s.exitMillis()).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
