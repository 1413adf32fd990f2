package com.jmotools.telemetry.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100,000 hostile bodies: malformed, oversized, deeply nested, wrongly typed, and valid events with
 * personal data (paths, e-mails, URLs, secrets, IP addresses) in every string field. None may get a
 * 5xx, none may be stored, and the server must stay up with bounded memory.
 */
@Timeout(600)
class FuzzTest {

  static final int BODIES = 100_000;
  static final int THREADS = 4;

  static final String[] PII = {
    "/home/alice/projects/api/config.py",
    "C:\\Users\\bob\\secrets.txt",
    "alice@example.com",
    "https://git.corp.example/team/backend.git",
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "192.168.1.23",
    "10.0.0.1",
    "2001:db8::1",
    "company-backend",
    "-----BEGIN RSA PRIVATE KEY-----",
    "user:password@host",
    "../../etc/passwd",
    "1.2.3.4.5",
    "'; DROP TABLE events; --",
    "\u0000\u202e",
  };

  @TempDir Path dir;

  @Test
  void hostileBodiesGetNo5xxAndStoreNothing() throws Exception {
    try (Database db = Database.open(dir.resolve("fuzz.db").toString());
        CollectorServer server =
            CollectorServer.builder(db)
                .port(0)
                .host("127.0.0.1")
                .rateLimit(0, 1)
                .purgeInterval(Duration.ZERO)
                .build()
                .start()) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String base = "http://127.0.0.1:" + server.port();
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      AtomicLong sent = new AtomicLong();
      AtomicLong connectionRetries = new AtomicLong();
      long heapAtStart = usedHeapAfterGc();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        work.add(
            pool.submit(
                () -> {
                  Random random = new Random(1234 + thread);
                  for (int i = thread; i < BODIES; i += THREADS) {
                    Body body = body(random, i);
                    HttpRequest request =
                        HttpRequest.newBuilder(URI.create(base + body.path))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes))
                            .build();
                    HttpResponse<String> response =
                        sendRetryingClosedConnections(client, request, connectionRetries);
                    statuses
                        .computeIfAbsent(response.statusCode(), k -> new AtomicInteger())
                        .incrementAndGet();
                    if (response.statusCode() >= 500) {
                      throw new AssertionError(
                          "5xx for body kind " + body.kind + ": " + response.body());
                    }
                    if (response.statusCode() == 200) {
                      JsonNode answer = TestEvents.JSON.readTree(response.body());
                      if (answer.path("accepted").asInt() != 0
                          || answer.path("duplicates").asInt() != 0) {
                        throw new AssertionError(
                            "stored a hostile body of kind "
                                + body.kind
                                + ": "
                                + new String(body.bytes, StandardCharsets.UTF_8));
                      }
                    }
                    sent.incrementAndGet();
                  }
                  return null;
                }));
      }
      for (Future<?> f : work) {
        f.get();
      }
      pool.shutdown();
      assertThat(sent.get()).isEqualTo(BODIES);
      // A connection the server closed (after a 413 it does not read the rest) may be picked from
      // the client's pool in the same instant; such a request is sent again. It must stay rare.
      assertThat(connectionRetries.get()).isLessThan(BODIES / 100);
      assertThat(statuses.keySet()).allMatch(s -> s < 500);
      assertThat(statuses).containsKeys(400, 413);
      assertThat(Rows.count(db)).isZero();
      // Still up and still taking real events.
      Http http = new Http(server.port());
      assertThat(http.get("/readyz").statusCode()).isEqualTo(200);
      assertThat(http.post("/", TestEvents.scanCompleted(Instant.now()).toString()).body())
          .isEqualTo("OK");
      assertThat(Rows.count(db)).isEqualTo(1);
      // Bounded memory: what the run leaves on the heap is small, whatever it sent.
      long growth = usedHeapAfterGc() - heapAtStart;
      assertThat(growth).isLessThan(64L * 1024 * 1024);
      System.out.println(
          "fuzz: "
              + BODIES
              + " bodies, statuses "
              + statuses
              + ", heap growth "
              + growth / 1024
              + " KiB, connection retries "
              + connectionRetries.get());
    }
  }

  /**
   * Sends {@code request}; when the JDK client fails on a pooled connection that was closed under
   * it (an I/O error without any answer), sends it once more on a fresh one. A second failure is
   * the server's and fails the test.
   */
  private static HttpResponse<String> sendRetryingClosedConnections(
      HttpClient client, HttpRequest request, AtomicLong retries) throws Exception {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException closedUnderUs) {
      retries.incrementAndGet();
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }

  record Body(String kind, String path, byte[] bytes) {}

  static Body body(Random random, int i) {
    String path =
        switch (random.nextInt(3)) {
          case 0 -> "/";
          case 1 -> "/e";
          default -> "/v1/events";
        };
    boolean batch = path.equals("/v1/events");
    int kind = i % 100 == 0 ? 0 : 1 + random.nextInt(6);
    switch (kind) {
      case 0:
        { // oversized
          byte[] bytes = new byte[64 * 1024 + 1 + random.nextInt(4096)];
          java.util.Arrays.fill(bytes, (byte) 'a');
          bytes[0] = '"';
          return new Body("oversized", path, bytes);
        }
      case 1:
        { // random bytes or truncated JSON
          if (random.nextBoolean()) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            return new Body("random", path, bytes);
          }
          String valid = wrap(TestEvents.scanCompleted(Instant.now()), batch).toString();
          return new Body(
              "truncated",
              path,
              valid.substring(0, random.nextInt(valid.length())).getBytes(StandardCharsets.UTF_8));
        }
      case 2:
        { // deeply nested
          int depth = 33 + random.nextInt(20_000);
          boolean arrays = random.nextBoolean();
          StringBuilder b = new StringBuilder(depth * 2 + 8);
          b.append(arrays ? "[".repeat(depth) : "{\"a\":".repeat(depth));
          b.append("1");
          b.append(arrays ? "]".repeat(depth) : "}".repeat(depth));
          byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
          return new Body(
              "nested",
              path,
              bytes.length > 64 * 1024 ? java.util.Arrays.copyOf(bytes, 64 * 1024) : bytes);
        }
      case 3:
        { // wrongly typed field
          ObjectNode event = TestEvents.scanCompleted(Instant.now());
          List<String> fields = leafPaths(event);
          String field = fields.get(random.nextInt(fields.size()));
          set(event, field, wrongType(random, get(event, field)));
          return new Body(
              "wrong-type", path, wrap(event, batch).toString().getBytes(StandardCharsets.UTF_8));
        }
      case 4:
        { // PII in a string field (and in unknown fields)
          ObjectNode event =
              random.nextBoolean() ? TestEvents.scanCompleted(Instant.now()) : toolFailed();
          List<String> strings = new ArrayList<>();
          for (String f : leafPaths(event)) {
            // platform is the one lenient field: any text is stored as Other, none of it kept
            // (contract test)
            if (get(event, f).isTextual() && !f.equals("platform")) {
              strings.add(f);
            }
          }
          String field = strings.get(random.nextInt(strings.size()));
          set(event, field, JsonNodeFactory.instance.textNode(PII[random.nextInt(PII.length)]));
          return new Body(
              "pii", path, wrap(event, batch).toString().getBytes(StandardCharsets.UTF_8));
        }
      case 5:
        { // PII as an extra field, at the top or in metadata
          ObjectNode event = TestEvents.scanCompleted(Instant.now());
          ObjectNode target = random.nextBoolean() ? event : (ObjectNode) event.get("metadata");
          target.put(
              random.nextBoolean() ? "file_path" : PII[random.nextInt(PII.length)],
              PII[random.nextInt(PII.length)]);
          return new Body(
              "pii-field", path, wrap(event, batch).toString().getBytes(StandardCharsets.UTF_8));
        }
      default:
        { // wrong shapes: scalars, arrays of scalars, empty objects
          String[] shapes = {
            "null", "true", "42", "\"x\"", "[]", "[null]", "{}", "[{}]", "[[]]", "{\"event\":null}"
          };
          return new Body(
              "shape",
              path,
              shapes[random.nextInt(shapes.length)].getBytes(StandardCharsets.UTF_8));
        }
    }
  }

  static ObjectNode toolFailed() {
    ObjectNode e = TestEvents.scanCompleted(Instant.now());
    e.put("event", "tool.failed");
    ObjectNode m = e.putObject("metadata");
    m.put("tool", "trivy");
    m.put("failure_type", "timeout");
    m.putNull("exit_code");
    m.put("profile", "balanced");
    return e;
  }

  static JsonNode wrap(ObjectNode event, boolean batch) {
    if (!batch) {
      return event;
    }
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    array.add(event);
    return array;
  }

  static List<String> leafPaths(ObjectNode event) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = event.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (name.equals("metadata")) {
        for (Iterator<String> m = event.get("metadata").fieldNames(); m.hasNext(); ) {
          out.add("metadata." + m.next());
        }
      } else {
        out.add(name);
      }
    }
    return out;
  }

  static JsonNode get(ObjectNode event, String path) {
    return path.startsWith("metadata.")
        ? event.get("metadata").get(path.substring(9))
        : event.get(path);
  }

  static void set(ObjectNode event, String path, JsonNode value) {
    if (path.startsWith("metadata.")) {
      ((ObjectNode) event.get("metadata")).set(path.substring(9), value);
    } else {
      event.set(path, value);
    }
  }

  static JsonNode wrongType(Random random, JsonNode current) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    List<JsonNode> options =
        new ArrayList<>(
            List.of(
                f.numberNode(random.nextInt()),
                f.booleanNode(true),
                f.arrayNode().add("x"),
                f.objectNode().put("k", "v"),
                f.numberNode(1.5),
                f.textNode("x")));
    options.removeIf(o -> o.getNodeType() == current.getNodeType());
    return options.get(random.nextInt(options.size()));
  }
}
