import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Events per second stored by 1, 2 and 4 collector processes on one PostgreSQL database.
 *
 * <p>For each round and each collector count, the schema is emptied, that many {@code jmo-telemetry
 * serve} processes start on the same database, and {@code clients} threads post batches of 100
 * fresh events round-robin to them (each event to one collector) for a warm-up and then a measured
 * period. It counts the events acknowledged as accepted and every answer by status; any 5xx is
 * printed. Rounds alternate the counts (1, 2, 4, 1, 2, 4, ...) so that a noisy machine's drift
 * affects them alike; the medians and the ratios to one collector are printed at the end.
 *
 * <pre>
 * ./mvnw -q -B -o package -DskipTests -pl collector -am
 * createdb -h 127.0.0.1 -U postgres jmo_bench_scaleout
 * java -cp "collector/target/jmo-telemetry-collector-0.7.0.jar:collector/target/lib/*" bench/collector/ScaleOut.java \
 *   'jdbc:postgresql://127.0.0.1:5432/jmo_bench_scaleout?user=postgres' [rounds=3] [seconds=15] [clients=16] [counts=1,2,4]
 * </pre>
 */
public class ScaleOut {

  /** The collector without the analytics extension (run from the repository's root). */
  private static final String BARE_COLLECTOR = "bench/collector/BareCollector.java";
  private static final Pattern LISTENING = Pattern.compile("listening on http://\\S+:(\\d+) ");
  private static final int BATCH = 100;

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    int clients = args.length > 3 ? Integer.parseInt(args[3]) : 16;
    int[] counts = java.util.Arrays.stream((args.length > 4 ? args[4] : "1,2,4").split(","))
        .mapToInt(Integer::parseInt).toArray();
    Map<Integer, List<Double>> rates = new TreeMap<>();
    for (int round = 1; round <= rounds; round++) {
      for (int n : counts) {
        double rate = measure(url, n, seconds, clients, round);
        rates.computeIfAbsent(n, k -> new ArrayList<>()).add(rate);
      }
    }
    double one = median(rates.get(1));
    System.out.println();
    System.out.printf("load average at the end: %s%n", loadAverage());
    for (int n : counts) {
      double m = median(rates.get(n));
      System.out.printf("%d collector(s): median %.0f events/s over %d rounds %s; ratio to 1: %.2f%n", n, m, rounds,
          rates.get(n).stream().map(r -> String.format("%.0f", r)).toList(), m / one);
    }
  }

  private static double measure(String url, int collectors, int seconds, int clients, int round) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS public CASCADE");
      s.execute("CREATE SCHEMA public");
    }
    List<Process> processes = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    try {
      for (int i = 0; i < collectors; i++) {
        Process p = new ProcessBuilder(javaBin(), "-Xmx384m", "-cp", System.getProperty("java.class.path"),
            BARE_COLLECTOR, "serve", "--port", "0", "--db", url,
            "--rate-limit", "0").redirectErrorStream(true).start();
        processes.add(p);
        ports.add(port(p));
      }
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
      AtomicBoolean measuring = new AtomicBoolean(false);
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong accepted = new AtomicLong();
      Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
      AtomicLong failures = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < clients; t++) {
        int first = t;
        Thread thread = new Thread(() -> {
          int next = first;
          while (running.get()) {
            int port = ports.get(next++ % ports.size());
            String body = batch();
            try {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
                  .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
              if (measuring.get()) {
                statuses.computeIfAbsent(r.statusCode(), k -> new AtomicLong()).incrementAndGet();
                if (r.statusCode() == 200) {
                  Matcher m = Pattern.compile("\"accepted\":(\\d+)").matcher(r.body());
                  if (m.find()) {
                    accepted.addAndGet(Long.parseLong(m.group(1)));
                  }
                }
              }
            } catch (Exception e) {
              failures.incrementAndGet();
            }
          }
        });
        thread.start();
        threads.add(thread);
      }
      Thread.sleep(3_000); // warm-up
      measuring.set(true);
      long start = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      measuring.set(false);
      double elapsed = (System.nanoTime() - start) / 1e9;
      running.set(false);
      for (Thread thread : threads) {
        thread.join(60_000);
      }
      double rate = accepted.get() / elapsed;
      System.out.printf("round %d, %d collector(s): %.0f events/s accepted; answers %s; transport failures %d; load %s%n",
          round, collectors, rate, statuses, failures.get(), loadAverage());
      return rate;
    } finally {
      for (Process p : processes) {
        p.destroy();
      }
      for (Process p : processes) {
        p.waitFor(60, TimeUnit.SECONDS);
      }
    }
  }

  private static String batch() {
    StringBuilder b = new StringBuilder("[");
    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
    for (int i = 0; i < BATCH; i++) {
      b.append(i == 0 ? "" : ",").append("{\"event\":\"scan.completed\",\"version\":\"0.7.0\",\"platform\":\"Linux\",")
          .append("\"runtime\":\"java-17\",\"anonymous_id\":\"").append(UUID.randomUUID())
          .append("\",\"event_id\":\"").append(v7(hour)).append("\",\"timestamp\":\"").append(hour)
          .append("\",\"metadata\":{\"mode\":\"cli\",\"profile\":\"balanced\",\"duration_bucket\":\"5-15min\",")
          .append("\"tools_succeeded\":8,\"tools_failed\":0,\"total_findings_bucket\":\"10-100\"}}");
    }
    return b.append(']').toString();
  }

  /** A UUID v7 whose time field is the hour, as our client makes them. */
  private static UUID v7(Instant hour) {
    UUID random = UUID.randomUUID();
    long msb = (hour.toEpochMilli() << 16) | 0x7000L | (random.getMostSignificantBits() & 0x0FFFL);
    long lsb = (random.getLeastSignificantBits() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  private static int port(Process p) throws Exception {
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread pump = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          } else if (line.contains("ERROR") || line.contains(" 500 ")) {
            System.out.println("collector: " + line);
          }
        }
      } catch (Exception ignored) {
        // the process ended
      }
      port.completeExceptionally(new IllegalStateException("the collector exited before listening"));
    });
    pump.setDaemon(true);
    pump.start();
    return port.get(60, TimeUnit.SECONDS);
  }

  private static String javaBin() {
    return System.getProperty("java.home") + "/bin/java";
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "?";
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
