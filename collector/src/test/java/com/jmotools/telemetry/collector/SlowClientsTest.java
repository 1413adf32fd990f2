package com.jmotools.telemetry.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients cannot starve the collector: a normal client at another address is served in under a
 * second while one address runs a slow-body attack or a slowloris, and the header and body
 * deadlines close the slow connections. Loopback only, bounded in connections and time; the counts
 * are sized for a 2-core machine with {@code ulimit -n} 20,000 (the attacker's and the server's
 * sockets share this JVM's descriptors); {@code bench/collector/slow-clients.sh} runs larger ones.
 */
@Timeout(180)
class SlowClientsTest {

  static final Duration HEADER_DEADLINE = Duration.ofSeconds(3);
  static final Duration BODY_DEADLINE = Duration.ofSeconds(4);

  @TempDir Path dir;
  private Database db;
  private CollectorServer server;

  @BeforeEach
  void start() {
    db = Database.open(dir.resolve("slow.db").toString());
    // No request rate limit: the attacks below open connections faster than the default would
    // admit.
    server =
        CollectorServer.builder(db)
            .port(0)
            .rateLimit(0, 1)
            .purgeInterval(Duration.ZERO)
            .deadlines(HEADER_DEADLINE, BODY_DEADLINE)
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
    db.close();
  }

  @Test
  void aNormalClientIsServedWithinASecondWhile300ConnectionsSendTheirBodiesAtOneBytePerSecond()
      throws Exception {
    List<Long> latencies;
    try (SlowAttack attack = new SlowAttack(SlowAttack.Kind.SLOW_BODY, server.port(), 300, 60)) {
      latencies = normalClient(Duration.ofSeconds(12));
      assertThat(attack.opened.get()).as("the attack ran").isGreaterThanOrEqualTo(300);
    }
    report("300 slow bodies", latencies);
    assertThat(latencies).allMatch(ms -> ms < 1_000);
  }

  @Test
  void aNormalClientIsServedWithinASecondDuringASlowlorisOfThousandsOfConnections()
      throws Exception {
    List<Long> latencies;
    try (SlowAttack attack = new SlowAttack(SlowAttack.Kind.SLOWLORIS, server.port(), 3_000, 300)) {
      latencies = normalClient(Duration.ofSeconds(12));
      assertThat(attack.opened.get()).as("the attack ran").isGreaterThanOrEqualTo(3_000);
      assertThat(attack.closedByServer.get())
          .as("beyond its share, one address's connections are closed")
          .isGreaterThan(1_000);
    }
    report("slowloris of 3,000", latencies);
    assertThat(latencies).allMatch(ms -> ms < 1_000);
  }

  @Test
  void headersTrickledByteByByteAreCutOffAtTheHeaderDeadline() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write("POST /v1/events HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();
      // A byte every 300 ms keeps Jetty's idle timeout (15 s) from ever firing.
      Thread trickler =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 100; i++) {
                    Thread.sleep(300);
                    out.write('X');
                  }
                } catch (Exception closed) {
                  // the server closed the connection: what we wait for
                }
              });
      trickler.setDaemon(true);
      trickler.start();
      InputStream in = socket.getInputStream();
      while (in.read() >= 0) {
        // whatever the server says, it closes the connection
      }
      Duration held = Duration.ofNanos(System.nanoTime() - start);
      assertThat(held).isBetween(HEADER_DEADLINE.minusMillis(100), HEADER_DEADLINE.plusSeconds(2));
    }
  }

  @Test
  void aBodyTrickledByteByByteIsCutOffAtTheBodyDeadline() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: "
                  + "application/json\r\nContent-Length: 1000\r\n\r\n"
                  + "[")
              .getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();
      Thread trickler =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 100; i++) {
                    Thread.sleep(300);
                    out.write(' ');
                  }
                } catch (Exception closed) {
                  // closed by the server
                }
              });
      trickler.setDaemon(true);
      trickler.start();
      InputStream in = socket.getInputStream();
      while (in.read() >= 0) {
        // drain
      }
      Duration held = Duration.ofNanos(System.nanoTime() - start);
      assertThat(held).isBetween(BODY_DEADLINE.minusMillis(100), BODY_DEADLINE.plusSeconds(2));
    }
    assertThat(Rows.count(db)).isZero();
  }

  @Test
  void oneAddressSendsAtMostItsShareOfBodiesAtATimeAndOthersAreServed() throws Exception {
    server.close();
    server =
        CollectorServer.builder(db)
            .port(0)
            .rateLimit(0, 1)
            .purgeInterval(Duration.ZERO)
            .deadlines(HEADER_DEADLINE, Duration.ofSeconds(20))
            .perClientLimits(100, 8)
            .build()
            .start();
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Socket s = new Socket("127.0.0.1", server.port());
        s.getOutputStream()
            .write(
                ("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: "
                        + "application/json\r\nContent-Length: 1000\r\n\r\n[")
                    .getBytes(StandardCharsets.US_ASCII));
        slow.add(s);
      }
      Thread.sleep(300); // let the eight reach their body reads
      RawHttp.Answer ninth =
          RawHttp.postJson(
              "127.0.0.1",
              server.port(),
              "/v1/events",
              TestEvents.array(List.of(TestEvents.scanCompleted(Instant.now()))));
      assertThat(ninth.status()).as("the ninth body from the same address").isEqualTo(429);
      assertThat(ninth.header("Retry-After")).isNotNull();
      RawHttp.Answer other =
          RawHttp.postJson(
              "127.0.0.2",
              server.port(),
              "/v1/events",
              TestEvents.array(List.of(TestEvents.scanCompleted(Instant.now()))));
      assertThat(other.status()).as("another address").isEqualTo(200);
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
    // The slots are given back: the same address is served again once its slow bodies are gone.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                RawHttp.postJson(
                            "127.0.0.1",
                            server.port(),
                            "/v1/events",
                            TestEvents.array(List.of(TestEvents.scanCompleted(Instant.now()))))
                        .status()
                    == 200);
  }

  @Test
  void theGlobalConnectionLimitHoldsNewConnectionsBackUntilTheDeadlinesFreeSlots()
      throws Exception {
    assertThat(CollectorServer.defaultMaxConnections())
        .as("below this process's descriptor limit")
        .isLessThan(
            (int)
                ((com.sun.management.UnixOperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                    .getMaxFileDescriptorCount());
    server.close();
    server =
        CollectorServer.builder(db)
            .port(0)
            .rateLimit(0, 1)
            .purgeInterval(Duration.ZERO)
            .deadlines(Duration.ofSeconds(2), BODY_DEADLINE)
            .maxConnections(20)
            .build()
            .start();
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        Socket s = new Socket();
        s.bind(new java.net.InetSocketAddress("127.0.0.3", 0));
        s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
        idle.add(s);
      }
      Thread.sleep(500); // all twenty accepted: the limit is reached
      long start = System.nanoTime();
      RawHttp.Answer answer =
          RawHttp.postJson(
              "127.0.0.2",
              server.port(),
              "/v1/events",
              TestEvents.array(List.of(TestEvents.scanCompleted(Instant.now()))));
      Duration waited = Duration.ofNanos(System.nanoTime() - start);
      assertThat(answer.status()).isEqualTo(200);
      // Not accepted until the header deadline closed idle connections: the limit was in force.
      assertThat(waited).isBetween(Duration.ofMillis(700), Duration.ofSeconds(8));
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
  }

  /**
   * A normal client at 127.0.0.2: one event every 200 ms, on a new connection each; the latencies
   * in ms.
   */
  private List<Long> normalClient(Duration during) throws InterruptedException {
    List<Long> latencies = new ArrayList<>();
    Thread.sleep(2_000); // let the attack build up
    long end = System.nanoTime() + during.toNanos();
    while (System.nanoTime() < end) {
      long start = System.nanoTime();
      RawHttp.Answer answer =
          RawHttp.postJson(
              "127.0.0.2",
              server.port(),
              "/v1/events",
              TestEvents.array(
                  List.of(TestEvents.scanCompleted(UUID.randomUUID(), Instant.now()))));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertThat(answer.status()).as("normal client's answer").isEqualTo(200);
      latencies.add(ms);
      Thread.sleep(200);
    }
    return latencies;
  }

  private static void report(String attack, List<Long> latencies) {
    List<Long> sorted = latencies.stream().sorted().toList();
    System.out.println(
        "during "
            + attack
            + ": "
            + sorted.size()
            + " normal requests, median "
            + sorted.get(sorted.size() / 2)
            + " ms, max "
            + sorted.get(sorted.size() - 1)
            + " ms");
  }
}
