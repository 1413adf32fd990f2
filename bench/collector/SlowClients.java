import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A normal client's latency while slow clients attack a collector with its default settings
 * (loopback only, bounded in connections and time). The collector runs as its own process on a
 * fresh SQLite file; the attackers connect from 127.0.0.1, the normal client from 127.0.0.2 and
 * sends one event every 200 ms on a new connection.
 *
 * <ol>
 *   <li>baseline, no attack;
 *   <li>slow bodies: 300 connections opened at 15/s (under the default rate limit of 20/s), each
 *       sending its body at 1 byte/s, reopened when the collector closes them;
 *   <li>slowloris: {@code slowloris} connections opened as fast as 1,000/s, each sending a header
 *       byte a second, reopened when closed.
 * </ol>
 *
 * <pre>
 * ./mvnw -q -B -o package -DskipTests -pl collector -am
 * java -cp "collector/target/jmo-telemetry-collector-0.7.0.jar:collector/target/lib/*" bench/collector/SlowClients.java \
 *   [seconds-per-phase=30] [slowloris=15000] [port]
 * </pre>
 * The slowloris count is bounded by this process's descriptor limit ({@code ulimit -n}). With a
 * port, the attack goes to a collector already listening there on 127.0.0.1 (as {@code
 * bench/collector/hostile.sh} runs it, to measure {@code bin/jmo-telemetry serve}'s memory) instead
 * of one this program starts.
 */
public class SlowClients {

  /** The collector without the analytics extension (run from the repository's root). */
  private static final String BARE_COLLECTOR = "bench/collector/BareCollector.java";
  private static final Pattern LISTENING = Pattern.compile("listening on http://\\S+:(\\d+) ");

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int slowloris = args.length > 1 ? Integer.parseInt(args[1]) : 15_000;
    if (args.length > 2) {
      attack(Integer.parseInt(args[2]), seconds, slowloris);
      return;
    }
    Path dir = Files.createTempDirectory("jmo-slow");
    Process collector = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), BARE_COLLECTOR, "serve",
        "--port", "0", "--db", dir.resolve("slow.db").toString()).redirectErrorStream(true).start();
    try {
      attack(port(collector), seconds, slowloris);
    } finally {
      collector.destroy();
      collector.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static void attack(int port, int seconds, int slowloris) throws Exception {
    phase("baseline (no attack)", port, seconds, null);
    phase("300 slow bodies at 1 byte/s, opened at 15/s", port, seconds, new Attack(true, port, 300, 15));
    phase(slowloris + " slowloris connections", port, seconds, new Attack(false, port, slowloris, 1_000));
  }

  private static void phase(String name, int port, int seconds, Attack attack) throws Exception {
    List<Long> latencies = new ArrayList<>();
    long failures = 0;
    Thread.sleep(attack == null ? 0 : Math.min(20_000, seconds * 500L)); // let the attack build up
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      long start = System.nanoTime();
      int status = post(port);
      long ms = (System.nanoTime() - start) / 1_000_000;
      if (status == 200) {
        latencies.add(ms);
      } else {
        failures++;
      }
      Thread.sleep(200);
    }
    String attackFigures = "";
    if (attack != null) {
      attack.close();
      attackFigures = String.format("; attack opened %d connections, %d closed by the collector",
          attack.opened.get(), attack.closed.get());
    }
    List<Long> sorted = latencies.stream().sorted().toList();
    System.out.printf("%s: %d normal requests served, %d not; latency median %d ms, p99 %d ms, max %d ms%s%n", name,
        sorted.size(), failures, pct(sorted, 0.5), pct(sorted, 0.99), sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1),
        attackFigures);
  }

  private static long pct(List<Long> sorted, double p) {
    return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
  }

  /** One event from 127.0.0.2; the status, or 0 on an I/O failure. */
  private static int post(int port) {
    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
    String body = "[{\"event\":\"scan.completed\",\"version\":\"0.7.0\",\"platform\":\"Linux\",\"runtime\":\"java-17\","
        + "\"anonymous_id\":\"" + UUID.randomUUID() + "\",\"timestamp\":\"" + hour + "\",\"metadata\":{\"mode\":\"cli\","
        + "\"profile\":\"balanced\",\"duration_bucket\":\"5-15min\",\"tools_succeeded\":8,\"tools_failed\":0,"
        + "\"total_findings_bucket\":\"10-100\"}}]";
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
      s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
          + "close\r\nContent-Type: application/json\r\nContent-Length: " + content.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(content);
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      s.getInputStream().transferTo(answer);
      String text = answer.toString(StandardCharsets.US_ASCII);
      return text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : 0;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  /** Connections from 127.0.0.1 that trickle a byte a second of a body or of headers. */
  static final class Attack implements AutoCloseable {
    final AtomicLong opened = new AtomicLong();
    final AtomicLong closed = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Attack(boolean slowBody, int port, int connections, int opensPerSecond) {
      byte[] start = (slowBody
          ? "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n["
          : "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n").getBytes(StandardCharsets.US_ASCII);
      byte trickle = (byte) (slowBody ? ' ' : 'X');
      thread = new Thread(() -> {
        List<Socket> sockets = new ArrayList<>();
        long nextTick = System.nanoTime();
        long nextOpen = System.nanoTime();
        long interval = 1_000_000_000L / opensPerSecond;
        while (running.get()) {
          while (sockets.size() < connections && System.nanoTime() >= nextOpen && running.get()) {
            Socket s = new Socket();
            try {
              s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
              s.getOutputStream().write(start);
              sockets.add(s);
              opened.incrementAndGet();
            } catch (IOException e) {
              closeQuietly(s);
              closed.incrementAndGet();
            }
            nextOpen += interval;
          }
          if (System.nanoTime() >= nextTick) {
            nextTick += 1_000_000_000L;
            for (int i = sockets.size() - 1; i >= 0; i--) {
              Socket s = sockets.get(i);
              try {
                s.getOutputStream().write(trickle);
                if (s.getInputStream().available() > 0) {
                  throw new IOException("answered");
                }
              } catch (IOException e) {
                closeQuietly(s);
                sockets.remove(i);
                closed.incrementAndGet();
              }
            }
          }
          LockSupport.parkNanos(2_000_000);
        }
        sockets.forEach(Attack::closeQuietly);
      }, "attack");
      thread.setDaemon(true);
      thread.start();
    }

    private static void closeQuietly(Socket s) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closed already
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(60_000);
    }
  }

  private static int port(Process p) throws Exception {
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread pump = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          } else if (line.contains("ERROR") || line.contains("Too many open files")) {
            System.out.println("collector: " + line);
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
      port.completeExceptionally(new IllegalStateException("the collector exited before listening"));
    });
    pump.setDaemon(true);
    pump.start();
    return port.get(60, TimeUnit.SECONDS);
  }
}
