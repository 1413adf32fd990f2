package com.jmotools.telemetry.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that post batches of fresh events to one or more collectors until stopped, remembering
 * every event_id a collector acknowledged (accepted or duplicate) and which ones it accepted.
 */
final class Load implements AutoCloseable {

  final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  final Set<String> sent = ConcurrentHashMap.newKeySet();

  /** Every event sent, to send again (a client whose acknowledgement was lost retries). */
  final List<ObjectNode> sentEvents = Collections.synchronizedList(new ArrayList<>());

  final AtomicLong acceptedCount = new AtomicLong();
  final AtomicLong failures = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();

  /**
   * @param ports collectors to post to; with several, each batch goes to every one of them
   * @param clients client threads
   */
  Load(List<Integer> ports, int clients) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    for (int c = 0; c < clients; c++) {
      Random random = new Random(c);
      Thread t =
          new Thread(
              () -> {
                while (running.get()) {
                  List<ObjectNode> batch = new ArrayList<>();
                  int n = 1 + random.nextInt(20);
                  for (int i = 0; i < n; i++) {
                    batch.add(TestEvents.scanCompleted(UUID.randomUUID(), Instant.now()));
                  }
                  batch.forEach(e -> sent.add(e.get("event_id").asText()));
                  sentEvents.addAll(batch);
                  String body = TestEvents.array(batch);
                  for (int port : ports) {
                    post(http, port, body);
                  }
                }
              },
              "load-" + c);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  private void post(HttpClient http, int port, String body) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        failures.incrementAndGet();
        return;
      }
      JsonNode answer = TestEvents.JSON.readTree(response.body());
      for (JsonNode r : answer.get("results")) {
        String status = r.get("status").asText();
        if (status.equals("accepted") || status.equals("duplicate")) {
          acknowledged.add(r.get("event_id").asText());
        }
        if (status.equals("accepted")) {
          acceptedCount.incrementAndGet();
        }
      }
    } catch (Exception e) {
      failures.incrementAndGet(); // the collector died or refused: nothing acknowledged
    }
  }

  @Override
  public void close() {
    running.set(false);
    try {
      for (Thread t : threads) {
        t.join(60_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
