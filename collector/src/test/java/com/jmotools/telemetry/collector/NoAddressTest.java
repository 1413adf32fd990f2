package com.jmotools.telemetry.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * After traffic from 127.0.0.1 carrying {@code X-Forwarded-For} (and friends), neither the database
 * files (including the WAL) nor the collector's log output (request log on) contain an address.
 */
@Timeout(180)
class NoAddressTest {

  static final List<String> FORWARDED =
      List.of(
          "203.0.113.77",
          "198.51.100.23",
          "192.0.2.146",
          "2001:db8::7334",
          "2001:db8:85a3::8a2e:370:7334");

  @TempDir Path dir;

  @Test
  void noAddressReachesTheDatabaseOrTheLogs() throws Exception {
    Path dbFile = dir.resolve("private.db");
    Path log = dir.resolve("collector.log");
    try (CollectorProcess collector =
        CollectorProcess.start(
            log,
            dbFile.toString(),
            "--request-log",
            "--rate-limit",
            "5",
            "--rate-burst",
            "20",
            "--idle-timeout-seconds",
            "1")) {
      Http http = new Http(collector.port());
      UUID id = UUID.randomUUID();
      List<Integer> statuses = new ArrayList<>();
      // An address inside an event is refused, not stored.
      var withAddress = TestEvents.scanCompleted(id, Instant.now()).put("version", "203.0.113.77");
      HttpResponse<String> refused = http.post("/", withAddress.toString());
      assertThat(refused.statusCode()).isEqualTo(400);
      for (int i = 0; i < 40; i++) {
        String forwarded = FORWARDED.get(i % FORWARDED.size());
        HttpRequest.Builder good =
            HttpRequest.newBuilder(URI.create(http.base() + (i % 2 == 0 ? "/v1/events" : "/")))
                .header("X-Forwarded-For", forwarded + ", 192.0.2.1")
                .header("X-Real-IP", forwarded)
                .header("Forwarded", "for=" + forwarded + ";proto=https")
                .header("Content-Type", "application/json");
        String event = TestEvents.scanCompleted(id, Instant.now()).toString();
        statuses.add(
            http.send(
                    good.POST(
                        HttpRequest.BodyPublishers.ofString(
                            i % 2 == 0 ? "[" + event + "]" : event)))
                .statusCode());
        // Bad requests, which servers like to log with their origin.
        statuses.add(
            http.send(
                    HttpRequest.newBuilder(URI.create(http.base() + "/v1/events"))
                        .header("X-Forwarded-For", forwarded)
                        .POST(HttpRequest.BodyPublishers.ofString("{garbage")))
                .statusCode());
        statuses.add(
            http.send(
                    HttpRequest.newBuilder(URI.create(http.base() + "/nowhere"))
                        .header("X-Forwarded-For", forwarded)
                        .GET())
                .statusCode());
      }
      // An address in the path, right after a letter (the request log prints the path).
      statuses.add(
          http.send(
                  HttpRequest.newBuilder(URI.create(http.base() + "/a%3A%3Affff%3A10.0.0.1")).GET())
              .statusCode());
      // A malformed request line and a stalled body.
      try (Socket raw = new Socket("127.0.0.1", collector.port())) {
        OutputStream out = raw.getOutputStream();
        out.write(
            "BREW /coffee HTCPCP/1.0\r\nX-Forwarded-For: 203.0.113.77\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        raw.getInputStream().readAllBytes();
      }
      try (Socket raw = new Socket("127.0.0.1", collector.port())) {
        OutputStream out = raw.getOutputStream();
        out.write(
            ("POST /v1/events HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: "
                    + "198.51.100.23\r\nContent-Length: 500\r\n\r\n"
                    + "[")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        raw.getInputStream().readAllBytes(); // the idle timeout closes it
      }
      assertThat(statuses).contains(200, 400, 404, 429);
      assertThat(collector.terminate()).isEqualTo(143);
    }

    String all = CollectorProcess.readLog(log);
    // The start-up line names the operator's own bind address as given, unmasked; no other line
    // holds an address.
    assertThat(all).contains("listening on http://127.0.0.1:").doesNotContain("[address]:");
    String output =
        all.lines().filter(l -> !l.contains("listening on")).collect(Collectors.joining("\n"));
    assertThat(all).contains("listening on").contains("POST /v1/events 200").contains("POST / 429");
    List<String> addresses = new ArrayList<>(FORWARDED);
    addresses.addAll(List.of("127.0.0.1", "192.0.2.1", "0:0:0:0:0:0:0:1", "::1", "10.0.0.1"));
    for (String address : addresses) {
      assertThat(output).as("log output").doesNotContain(address);
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.getFileName().toString().startsWith("private.db")).toList();
    }
    assertThat(files).isNotEmpty();
    try (Database db = Database.open(dbFile.toString())) {
      assertThat(Rows.count(db)).isGreaterThan(0); // the good events were stored
    }
    for (Path file : files) {
      String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      for (String address : addresses) {
        assertThat(bytes).as(file.getFileName().toString()).doesNotContain(address);
      }
    }
  }
}
