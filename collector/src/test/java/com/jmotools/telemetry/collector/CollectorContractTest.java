package com.jmotools.telemetry.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jmotools.telemetry.catalog.EventIds;
import com.jmotools.telemetry.catalog.ValidatedEvent;
import com.jmotools.telemetry.collector.internal.StoredEventIds;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.TestAbortedException;

/**
 * The collector's wire contract, run once per database (SQLite and PostgreSQL subclasses): every
 * endpoint of DESIGN.md, validation, idempotency, deletion, limits and retention.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
abstract class CollectorContractTest {

  static final Instant NOW = Instant.parse("2026-11-26T14:32:09Z");

  Database db;
  private final List<CollectorServer> servers = new ArrayList<>();

  /** A fresh database location for this class (a new SQLite file or PostgreSQL schema). */
  abstract String createDatabase();

  /** Removes what {@link #createDatabase()} made. */
  abstract void dropDatabase(String location);

  private String location;

  private String skipReason;

  @BeforeAll
  void openDatabase() {
    try {
      location = createDatabase();
    } catch (TestAbortedException e) {
      skipReason = e.getMessage(); // reported on every test below, not swallowed with the class
      return;
    }
    db = Database.open(location);
  }

  @BeforeEach
  void requireDatabase() {
    assumeTrue(db != null, () -> skipReason);
  }

  @AfterAll
  void closeDatabase() {
    if (db != null) {
      db.close();
      dropDatabase(location);
    }
  }

  @AfterEach
  void stopServers() {
    servers.forEach(CollectorServer::close);
    servers.clear();
  }

  Http start(Consumer<CollectorServer.Builder> settings) {
    CollectorServer.Builder b =
        CollectorServer.builder(db)
            .port(0)
            .host("127.0.0.1")
            .rateLimit(0, 1)
            .purgeInterval(Duration.ZERO)
            .clock(Clock.fixed(NOW, ZoneOffset.UTC));
    settings.accept(b);
    CollectorServer server = b.build().start();
    servers.add(server);
    return new Http(server.port());
  }

  Http start() {
    return start(b -> {});
  }

  /** The rows of the installation that sent {@code anonymousId}: they hold its keyed form. */
  List<Rows.Row> rowsOf(UUID anonymousId) {
    return rowsStoredAs(storedAnonymousId(anonymousId));
  }

  /** The rows holding {@code anonymousId} as it is. */
  List<Rows.Row> rowsStoredAs(String anonymousId) {
    return Rows.all(db).stream().filter(r -> r.anonymousId().equals(anonymousId)).toList();
  }

  String storedAnonymousId(UUID sent) {
    return StoredEventIds.of(db).anonymousId(sent).toString();
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return TestEvents.JSON.readTree(response.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  // ------------------------------------------------------------------ the guide's Worker contract

  @Test
  void guidesCurlTestAnswersOkAndStoresTheRow() {
    Http http = start();
    UUID id = UUID.randomUUID();
    HttpResponse<String> response = http.post("/", TestEvents.guideCurlBody(id));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("OK");
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    List<Rows.Row> rows = rowsOf(id);
    assertThat(rows).hasSize(1);
    Rows.Row row = rows.get(0);
    assertThat(row.eventType()).isEqualTo("scan.started");
    assertThat(row.pythonVersion()).isEqualTo("3.11");
    assertThat(row.timestamp()).isEqualTo(Instant.parse("2025-10-19T12:00:00Z"));
    assertThat(row.receivedAt()).isEqualTo(NOW.truncatedTo(ChronoUnit.HOURS));
    assertThat(TestEvents.JSON.valueToTree(row.metadata()).asText()).contains("balanced");
    // The guide's clients send no event_id: one is made, a UUID v7 of the event's hour.
    assertThat(EventIds.hourOf(UUID.fromString(row.eventId())))
        .isEqualTo(Instant.parse("2025-10-19T12:00:00Z"));
  }

  @Test
  void slashEIsTheSameEndpoint() {
    Http http = start();
    UUID id = UUID.randomUUID();
    assertThat(http.post("/e", TestEvents.scanCompleted(id, NOW).toString()).body())
        .isEqualTo("OK");
    assertThat(rowsOf(id)).hasSize(1);
  }

  @Test
  void guideEndpointRefusesInvalidEventsWithTheReason() {
    Http http = start();
    UUID id = UUID.randomUUID();
    ObjectNode event = TestEvents.scanCompleted(id, NOW);
    ((ObjectNode) event.get("metadata")).put("profile", "turbo");
    HttpResponse<String> response = http.post("/", event.toString());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).startsWith("Invalid event: metadata.profile: must be one of");
    assertThat(response.body()).doesNotContain("turbo");

    assertThat(http.post("/", "{not json").body()).startsWith("Invalid event");
    assertThat(http.post("/", "{not json").statusCode()).isEqualTo(400);
    ObjectNode unknown = TestEvents.scanCompleted(id, NOW);
    unknown.put("hostname", "build-01.corp.example");
    HttpResponse<String> refused = http.post("/", unknown.toString());
    assertThat(refused.body()).isEqualTo("Invalid event: hostname: is not a field of the catalog");
    assertThat(rowsOf(id)).isEmpty();
  }

  @Test
  void guideEndpointAnswers405AndCorsPreflight() {
    Http http = start();
    HttpResponse<String> get = http.get("/");
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.body()).isEqualTo("Method not allowed");
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(http.base() + "/e"))
                        .PUT(HttpRequest.BodyPublishers.ofString("{}")))
                .statusCode())
        .isEqualTo(405);
    for (String path : List.of("/", "/e")) {
      for (String method :
          List.of("TRACE", "PROPFIND", "MKCOL", "LOCK", "HEAD", "DELETE", "PATCH", "GET")) {
        HttpResponse<String> refused =
            http.send(
                HttpRequest.newBuilder(URI.create(http.base() + path))
                    .method(method, HttpRequest.BodyPublishers.noBody()));
        assertThat(refused.statusCode()).as(method + " " + path).isEqualTo(405);
        assertThat(refused.headers().firstValue("Allow")).contains("POST, OPTIONS");
      }
    }
    HttpResponse<String> options =
        http.send(
            HttpRequest.newBuilder(URI.create(http.base() + "/"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertThat(options.statusCode()).isEqualTo(200);
    assertThat(options.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    assertThat(options.headers().firstValue("Access-Control-Allow-Methods"))
        .contains("POST, OPTIONS");
    assertThat(options.headers().firstValue("Access-Control-Allow-Headers"))
        .contains("Content-Type");
  }

  // ------------------------------------------------------------------ version and platform, every
  // endpoint

  @Test
  void anyPlatformTheGuidesClientsSendIsStoredAsOneOfTheFourOnEveryEndpoint() {
    Http http = start();
    java.util.Map<String, String> sentToStored = new java.util.LinkedHashMap<>();
    sentToStored.put("FreeBSD", "Other");
    sentToStored.put("Java", "Other");
    sentToStored.put("", "Other");
    sentToStored.put("CYGWIN_NT-10.0", "Other");
    sentToStored.put("Android", "Other");
    sentToStored.put("Darwin", "macOS");
    sentToStored.put("Windows", "Windows");
    for (String path : List.of("/", "/e", "/v1/events")) {
      for (java.util.Map.Entry<String, String> platform : sentToStored.entrySet()) {
        UUID id = UUID.randomUUID();
        ObjectNode event = TestEvents.scanCompleted(id, NOW);
        event.put("platform", platform.getKey());
        HttpResponse<String> response =
            http.post(
                path,
                path.equals("/v1/events") ? TestEvents.array(List.of(event)) : event.toString());
        assertThat(response.statusCode()).as(path + " " + platform.getKey()).isEqualTo(200);
        if (path.equals("/v1/events")) {
          assertThat(json(response).get("accepted").asInt()).isEqualTo(1);
        }
        assertThat(rowsOf(id))
            .singleElement()
            .satisfies(row -> assertThat(row.platform()).isEqualTo(platform.getValue()));
      }
    }
  }

  @Test
  void versionsAreStoredNormalisedAndVersionsCarryingTextAreRefusedOnEveryEndpoint() {
    Http http = start();
    for (String path : List.of("/", "/e", "/v1/events")) {
      for (String pep440 :
          List.of(
              "1.0.0rc1",
              "0.7.0.dev0",
              "0.7.1.post1",
              "1.0.0a2",
              "1.2rc1",
              "192.168.100.post77",
              "192.168.100rc77")) {
        UUID id = UUID.randomUUID();
        ObjectNode event = TestEvents.scanCompleted(id, NOW);
        event.put("version", pep440);
        HttpResponse<String> response =
            http.post(
                path,
                path.equals("/v1/events") ? TestEvents.array(List.of(event)) : event.toString());
        assertThat(response.statusCode()).as(path + " " + pep440).isEqualTo(200);
        assertThat(rowsOf(id))
            .singleElement()
            .satisfies(
                row ->
                    assertThat(row.version())
                        .isEqualTo(
                            com.jmotools.telemetry.catalog.ReleaseVersions.normalise(pep440)
                                .orElseThrow())
                        .doesNotContain("192.168.100.77")
                        .doesNotMatch(".*[0-9]+[^0-9]+[0-9]+[^0-9]+[0-9]+[^0-9]+[0-9]+.*"));
      }
      for (String leaky :
          List.of("0.7.0+198.51.100.77", "0.7.0-alice", "1.2.3-secret-repo", "0.7.0-acme.corp")) {
        UUID id = UUID.randomUUID();
        ObjectNode event = TestEvents.scanCompleted(id, NOW);
        event.put("version", leaky);
        if (path.equals("/v1/events")) {
          JsonNode answer = json(http.post(path, TestEvents.array(List.of(event))));
          assertThat(answer.get("rejected").asInt()).isEqualTo(1);
          assertThat(answer.get("results").get(0).get("reason").asText())
              .startsWith("version: must be a release version")
              .doesNotContain(leaky);
        } else {
          HttpResponse<String> response = http.post(path, event.toString());
          assertThat(response.statusCode()).as(path + " " + leaky).isEqualTo(400);
          assertThat(response.body())
              .startsWith("Invalid event: version: must be a release version")
              .doesNotContain(leaky);
        }
        assertThat(rowsOf(id)).as(leaky).isEmpty();
      }
    }
  }

  // ------------------------------------------------------------------ what bodies are read

  @Test
  void onlyJsonAndTextBodiesAreReadAndNothingCompressed() {
    Http http = start();
    UUID id = UUID.randomUUID();
    String one = TestEvents.scanCompleted(id, NOW).toString();
    String batch = TestEvents.array(List.of(TestEvents.scanCompleted(id, NOW)));
    String deletion = "{\"anonymous_id\":\"" + UUID.randomUUID() + "\"}";
    for (String type :
        List.of(
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/html",
            "application/xml",
            "application/json; charset=iso-8859-1")) {
      for (String[] request :
          List.of(
              new String[] {"/", one},
              new String[] {"/e", one},
              new String[] {"/v1/events", batch},
              new String[] {"/v1/deletion-request", deletion})) {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(http.base() + request[0]))
                    .header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString(request[1])));
        assertThat(response.statusCode()).as(request[0] + " " + type).isEqualTo(415);
      }
    }
    for (String encoding : List.of("gzip", "deflate", "br")) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(http.base() + "/v1/events"))
                  .header("Content-Type", "application/json")
                  .header("Content-Encoding", encoding)
                  .POST(HttpRequest.BodyPublishers.ofString(batch)));
      assertThat(response.statusCode()).as(encoding).isEqualTo(415);
      assertThat(json(response).get("error").asText()).contains("Content-Encoding");
    }
    // Bodies are read as UTF-8 whatever they declare: UTF-16 and UTF-32 are not read as JSON.
    for (java.nio.charset.Charset charset :
        List.of(
            StandardCharsets.UTF_16LE,
            StandardCharsets.UTF_16BE,
            StandardCharsets.UTF_16,
            java.nio.charset.Charset.forName("UTF-32LE"))) {
      HttpResponse<String> single =
          http.send(
              HttpRequest.newBuilder(URI.create(http.base() + "/"))
                  .header("Content-Type", "application/json; charset=utf-8")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(one.getBytes(charset))));
      assertThat(single.statusCode()).as(charset.name()).isEqualTo(400);
      assertThat(single.body()).isEqualTo("Invalid event: the body is not valid JSON");
      HttpResponse<String> many =
          http.send(
              HttpRequest.newBuilder(URI.create(http.base() + "/v1/events"))
                  .header("Content-Type", "application/json; charset=utf-8")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(batch.getBytes(charset))));
      assertThat(many.statusCode()).as(charset.name()).isEqualTo(400);
    }
    byte[] latin1 =
        one.replace("\"Linux\"", "\"Lin\u00fcx\"").getBytes(StandardCharsets.ISO_8859_1);
    assertThat(http.post("/", latin1).statusCode()).as("not UTF-8").isEqualTo(400);
    assertThat(rowsOf(id)).isEmpty();
    // A UTF-8 byte order mark is ignored.
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] withBom = new byte[3 + one.length()];
    System.arraycopy(bom, 0, withBom, 0, 3);
    System.arraycopy(one.getBytes(StandardCharsets.UTF_8), 0, withBom, 3, one.length());
    assertThat(http.post("/", withBom).body()).isEqualTo("OK");
    assertThat(rowsOf(id)).hasSize(1);
    // What is read: JSON with or without charset, a browser beacon's text/plain, identity encoding.
    for (String type :
        List.of(
            "application/json", "application/json; charset=UTF-8", "text/plain;charset=UTF-8")) {
      UUID accepted = UUID.randomUUID();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(http.base() + "/e"))
                  .header("Content-Type", type)
                  .header("Content-Encoding", "identity")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          TestEvents.scanCompleted(accepted, NOW).toString())));
      assertThat(response.statusCode()).as(type).isEqualTo(200);
      assertThat(rowsOf(accepted)).hasSize(1);
    }
  }

  // ------------------------------------------------------------------ POST /v1/events

  @Test
  void batchAnswersPerEventResultsAndStoresTheAccepted() {
    Http http = start();
    UUID id = UUID.randomUUID();
    ObjectNode first = TestEvents.scanCompleted(id, NOW);
    ObjectNode bad = TestEvents.scanCompleted(id, NOW);
    ((ObjectNode) bad.get("metadata")).put("profile", "turbo");
    ObjectNode third = TestEvents.scanCompleted(id, NOW.minus(Duration.ofHours(3)));
    HttpResponse<String> response =
        http.post("/v1/events", TestEvents.array(List.of(first, bad, third)));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode answer = json(response);
    assertThat(answer.get("accepted").asInt()).isEqualTo(2);
    assertThat(answer.get("duplicates").asInt()).isZero();
    assertThat(answer.get("rejected").asInt()).isEqualTo(1);
    JsonNode results = answer.get("results");
    assertThat(results.get(0).get("index").asInt()).isZero();
    assertThat(results.get(0).get("status").asText()).isEqualTo("accepted");
    assertThat(results.get(1).get("status").asText()).isEqualTo("rejected");
    assertThat(results.get(1).get("reason").asText())
        .startsWith("metadata.profile: must be one of");
    assertThat(results.get(1).has("event_id")).isFalse();
    assertThat(results.get(2).get("status").asText()).isEqualTo("accepted");
    // Each result names the id the event is stored under (derived from the one sent).
    assertThat(rowsOf(id))
        .extracting(Rows.Row::eventId)
        .containsExactlyInAnyOrder(
            results.get(0).get("event_id").asText(), results.get(2).get("event_id").asText())
        .doesNotContain(first.get("event_id").asText(), third.get("event_id").asText());
  }

  @Test
  void eventIdsThatCouldCarryDataAreNeverStored() {
    Http http = start();
    UUID id = UUID.randomUUID();
    // A v7 id holding the exact millisecond, and one spelling 192.168.1.100 and "alice@exampl".
    UUID exactTime = new UUID((NOW.toEpochMilli() << 16) | 0x7ABCL, 0x8123_4567_89AB_CDEFL);
    UUID spelled = UUID.fromString("c0a80164-616c-6963-6540-6578616d706c");
    ObjectNode first = TestEvents.scanCompleted(id, NOW);
    first.put("event_id", exactTime.toString());
    ObjectNode second = TestEvents.scanCompleted(id, NOW);
    second.put("event_id", spelled.toString());
    String body = TestEvents.array(List.of(first, second));
    assertThat(json(http.post("/v1/events", body)).get("accepted").asInt()).isEqualTo(2);
    List<String> stored = rowsOf(id).stream().map(Rows.Row::eventId).toList();
    assertThat(stored).hasSize(2);
    for (String text : stored) {
      UUID storedId = UUID.fromString(text);
      assertThat(storedId.version()).isEqualTo(7);
      assertThat(EventIds.hourOf(storedId)).isEqualTo(NOW.truncatedTo(ChronoUnit.HOURS));
      String hex = text.replace("-", "");
      assertThat(hex)
          .doesNotContain("c0a80164", "616c6963", "6578616d", "abc8123", "456789abcdef")
          .doesNotContain(Long.toHexString(NOW.toEpochMilli()));
    }
    // A retry maps to the same stored ids: duplicates, nothing stored twice.
    JsonNode again = json(http.post("/v1/events", body));
    assertThat(again.get("duplicates").asInt()).isEqualTo(2);
    assertThat(again.get("results").findValuesAsText("event_id"))
        .containsExactlyInAnyOrderElementsOf(stored);
    // The guide's endpoint derives the same id for the same event.
    assertThat(http.post("/", first.toString()).body()).isEqualTo("OK");
    assertThat(rowsOf(id)).hasSize(2);
  }

  @Test
  void theSentAnonymousIdIsNeverStoredOnAnyEndpoint() {
    Http http = start();
    // An id a modified client filled with data: 192.168.1.100 and "alice@exampl" spelled in hex.
    UUID id = UUID.fromString("c0a80164-616c-4963-a540-6578616d706c");
    ObjectNode batched = TestEvents.scanCompleted(id, NOW);
    assertThat(json(http.post("/v1/events", TestEvents.array(List.of(batched)))).get("accepted"))
        .hasToString("1");
    assertThat(http.post("/", TestEvents.scanCompleted(id, NOW).toString()).body()).isEqualTo("OK");
    assertThat(http.post("/e", TestEvents.guideCurlBody(id)).body()).isEqualTo("OK");

    String sentHex = id.toString().replace("-", "");
    List<Rows.Row> all = Rows.all(db);
    assertThat(all)
        .extracting(r -> r.anonymousId().replace("-", "").toLowerCase(java.util.Locale.ROOT))
        .doesNotContain(sentHex)
        .allSatisfy(hex -> assertThat(hex).doesNotContain("c0a80164", "6578616d706c"));
    // One installation, one stored id, shaped as the random UUID the schema and readers expect.
    List<Rows.Row> mine = rowsOf(id);
    assertThat(mine)
        .hasSize(3)
        .extracting(Rows.Row::anonymousId)
        .containsOnly(mine.get(0).anonymousId());
    UUID stored = UUID.fromString(mine.get(0).anonymousId());
    assertThat(stored.version()).isEqualTo(4);
    assertThat(stored.variant()).isEqualTo(2);
    // A retry of the same event is still a duplicate.
    JsonNode again = json(http.post("/v1/events", TestEvents.array(List.of(batched))));
    assertThat(again.get("duplicates").asInt()).isEqualTo(1);
    assertThat(rowsOf(id)).hasSize(3);
  }

  @Test
  void resendingABatchStoresNothingTwice() {
    Http http = start();
    UUID id = UUID.randomUUID();
    String body =
        TestEvents.array(
            List.of(TestEvents.scanCompleted(id, NOW), TestEvents.scanCompleted(id, NOW)));
    assertThat(json(http.post("/v1/events", body)).get("accepted").asInt()).isEqualTo(2);
    JsonNode again = json(http.post("/v1/events", body));
    assertThat(again.get("accepted").asInt()).isZero();
    assertThat(again.get("duplicates").asInt()).isEqualTo(2);
    assertThat(again.get("results").get(1).get("status").asText()).isEqualTo("duplicate");
    assertThat(rowsOf(id)).hasSize(2);
    // The same id twice in one batch: the second is a duplicate of the first.
    ObjectNode twin = TestEvents.scanCompleted(id, NOW);
    JsonNode twins = json(http.post("/v1/events", TestEvents.array(List.of(twin, twin))));
    assertThat(twins.get("results").get(0).get("status").asText()).isEqualTo("accepted");
    assertThat(twins.get("results").get(1).get("status").asText()).isEqualTo("duplicate");
    assertThat(rowsOf(id)).hasSize(3);
  }

  @Test
  void timestampsAreStoredCutToTheHourAndTheFutureIsRefused() {
    Http http = start();
    UUID id = UUID.randomUUID();
    ObjectNode exact = TestEvents.scanCompleted(id, Instant.parse("2026-11-26T09:41:17.123Z"));
    ObjectNode offset = TestEvents.scanCompleted(id, NOW);
    offset.put("timestamp", "2026-11-26T11:59:59+02:00");
    ObjectNode soon = TestEvents.scanCompleted(id, NOW.plus(Duration.ofHours(20)));
    ObjectNode tooLate = TestEvents.scanCompleted(id, NOW.plus(Duration.ofHours(25)));
    JsonNode answer =
        json(http.post("/v1/events", TestEvents.array(List.of(exact, offset, soon, tooLate))));
    assertThat(answer.get("accepted").asInt()).isEqualTo(3);
    assertThat(answer.get("results").get(3).get("reason").asText())
        .isEqualTo("timestamp: must not be more than a day in the future");
    assertThat(rowsOf(id))
        .extracting(Rows.Row::timestamp)
        .containsExactlyInAnyOrder(
            Instant.parse("2026-11-26T09:00:00Z"),
            Instant.parse("2026-11-26T09:00:00Z"),
            Instant.parse("2026-11-27T10:00:00Z"));
    if (db.dialect() == Dialect.SQLITE) {
      assertThat(
              Rows.query(
                  db,
                  "SELECT DISTINCT timestamp FROM events WHERE anonymous_id = '"
                      + storedAnonymousId(id)
                      + "' ORDER BY 1",
                  r -> r.getString(1)))
          .containsExactly("2026-11-26T09:00:00Z", "2026-11-27T10:00:00Z");
    }
  }

  @Test
  void malformedBatchesAreRefusedWhole() {
    Http http = start();
    assertThat(http.post("/v1/events", "{\"event\":\"scan.started\"}").statusCode()).isEqualTo(400);
    assertThat(json(http.post("/v1/events", "{\"event\":\"scan.started\"}")).get("error").asText())
        .isEqualTo("the body must be a JSON array of events");
    assertThat(http.post("/v1/events", "[]").statusCode()).isEqualTo(400);
    assertThat(http.post("/v1/events", "[1, 2]").statusCode()).isEqualTo(400);
    assertThat(http.post("/v1/events", "[{}, \"x\"]").statusCode()).isEqualTo(400);
    assertThat(http.post("/v1/events", "[{\"a\":1,\"a\":2}]").statusCode()).isEqualTo(400);
    assertThat(http.post("/v1/events", "not json").statusCode()).isEqualTo(400);
    List<ObjectNode> many = new ArrayList<>();
    UUID id = UUID.randomUUID();
    for (int i = 0; i < 101; i++) {
      ObjectNode e = TestEvents.JSON.createObjectNode();
      e.put("event", "x");
      many.add(e);
    }
    HttpResponse<String> tooMany = http.post("/v1/events", TestEvents.array(many));
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(json(tooMany).get("error").asText()).contains("between 1 and 100");
    List<ObjectNode> hundred = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      hundred.add(TestEvents.scanCompleted(id, NOW));
    }
    assertThat(json(http.post("/v1/events", TestEvents.array(hundred))).get("accepted").asInt())
        .isEqualTo(100);
  }

  @Test
  void bodiesOver64KibAreRefusedWith413() {
    Http http = start();
    byte[] big = new byte[64 * 1024 + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    big[0] = '[';
    big[big.length - 1] = ']';
    assertThat(http.post("/v1/events", big).statusCode()).isEqualTo(413);
    HttpResponse<String> guide = http.post("/", big);
    assertThat(guide.statusCode()).isEqualTo(413);
    byte[] fits = new byte[64 * 1024];
    java.util.Arrays.fill(fits, (byte) ' ');
    fits[0] = '[';
    fits[fits.length - 1] = ']';
    assertThat(http.post("/v1/events", fits).statusCode())
        .isEqualTo(400); // read, parsed: empty batch
  }

  @Test
  void chunkedBodiesOver64KibAreRefusedToo() throws Exception {
    Http http = start();
    byte[] chunk = new byte[16 * 1024];
    java.util.Arrays.fill(chunk, (byte) ' ');
    // A streaming publisher sends no Content-Length: the limit must hold while reading.
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(http.base() + "/v1/events"))
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(
                    () ->
                        new SequenceInputStream(
                            Collections.enumeration(
                                Collections.nCopies(8, chunk).stream()
                                    .map(c -> (InputStream) new ByteArrayInputStream(c))
                                    .toList()))))
            .build();
    HttpResponse<String> response =
        http.client().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(413);
  }

  // ------------------------------------------------------------------ deletion

  @Test
  void deletionRequestErasesRowsAndRefusesLaterEvents() {
    Http http = start();
    UUID id = UUID.randomUUID();
    UUID other = UUID.randomUUID();
    http.post(
        "/v1/events",
        TestEvents.array(
            List.of(
                TestEvents.scanCompleted(id, NOW),
                TestEvents.scanCompleted(id, NOW),
                TestEvents.scanCompleted(other, NOW))));
    assertThat(rowsOf(id)).hasSize(2);
    HttpResponse<String> deleted =
        http.post("/v1/deletion-request", "{\"anonymous_id\":\"" + id + "\"}");
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(rowsOf(id)).isEmpty();
    assertThat(rowsOf(other)).hasSize(1);
    // The erased id is recorded keyed, as the rows held it: deleted_ids names no machine either.
    assertThat(Rows.query(db, "SELECT anonymous_id FROM deleted_ids", r -> r.getString(1)))
        .contains(storedAnonymousId(id))
        .doesNotContain(id.toString());
    // No oracle: the answer is the same for an id with rows, the same id again, and an id never
    // seen, so holding an id tells nothing about whether it existed or how active it was.
    String again = http.post("/v1/deletion-request", "{\"anonymous_id\":\"" + id + "\"}").body();
    String unknown =
        http.post("/v1/deletion-request", "{\"anonymous_id\":\"" + UUID.randomUUID() + "\"}")
            .body();
    assertThat(deleted.body())
        .isEqualTo(again)
        .isEqualTo(unknown)
        .isEqualTo("{\"status\":\"deleted\"}");

    // Its later events are refused with a reason that does not name the erasure, and counted.
    JsonNode later =
        json(http.post("/v1/events", TestEvents.array(List.of(TestEvents.scanCompleted(id, NOW)))));
    assertThat(later.get("rejected").asInt()).isEqualTo(1);
    String reason = later.get("results").get(0).get("reason").asText();
    assertThat(reason).startsWith("anonymous_id: ").doesNotContainIgnoringCase("delet");
    assertThat(reason).doesNotContainIgnoringCase("erase").doesNotContainIgnoringCase("request");
    HttpResponse<String> guide = http.post("/", TestEvents.scanCompleted(id, NOW).toString());
    assertThat(guide.statusCode()).isEqualTo(400);
    assertThat(guide.body()).isEqualTo("Invalid event: " + reason);
    assertThat(rowsOf(id)).isEmpty();
    assertThat(http.get("/metrics").body())
        .contains("jmo_events_rejected_total{reason=\"deleted_id\"} 2.0");
  }

  @Test
  void deletionRequestRefusesAnythingButAUuid() {
    Http http = start();
    assertThat(http.post("/v1/deletion-request", "{\"anonymous_id\":\"test-uuid\"}").statusCode())
        .isEqualTo(400);
    assertThat(http.post("/v1/deletion-request", "{\"anonymous_id\":7}").statusCode())
        .isEqualTo(400);
    assertThat(http.post("/v1/deletion-request", "[]").statusCode()).isEqualTo(400);
    assertThat(
            http.post(
                    "/v1/deletion-request",
                    "{\"anonymous_id\":\"" + UUID.randomUUID() + "\",\"x\":1}")
                .statusCode())
        .isEqualTo(400);
  }

  // ------------------------------------------------------------------ limits

  @Test
  void tooManyRequestsFromOneClientAre429WithRetryAfter() {
    Http http = start(b -> b.rateLimit(0.5, 3));
    UUID id = UUID.randomUUID();
    for (int i = 0; i < 3; i++) {
      assertThat(
              http.post("/v1/events", TestEvents.array(List.of(TestEvents.scanCompleted(id, NOW))))
                  .statusCode())
          .isEqualTo(200);
    }
    HttpResponse<String> limited =
        http.post("/v1/events", TestEvents.array(List.of(TestEvents.scanCompleted(id, NOW))));
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After"))
        .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 2));
    assertThat(http.post("/", TestEvents.scanCompleted(id, NOW).toString()).statusCode())
        .isEqualTo(429);
    assertThat(rowsOf(id)).hasSize(3);
  }

  @Test
  void aSaturatedQueueAnswers503WithRetryAfter() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    EventStore real = EventStore.of(db);
    EventStore slow =
        new EventStore() {
          @Override
          public List<Outcome> append(List<EventRow> events, Instant receivedAt) {
            entered.countDown();
            try {
              release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return real.append(events, receivedAt);
          }

          @Override
          public int erase(UUID anonymousId, Instant at) {
            return real.erase(anonymousId, at);
          }

          @Override
          public long purgeBefore(Instant cutoff) {
            return real.purgeBefore(cutoff);
          }

          @Override
          public Cleaning cleanImported() {
            return real.cleanImported();
          }
        };
    Http http = start(b -> b.store(slow).maxQueuedEvents(150));
    UUID id = UUID.randomUUID();
    List<ObjectNode> hundred = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      hundred.add(TestEvents.scanCompleted(id, NOW));
    }
    var first =
        http.client()
            .sendAsync(
                HttpRequest.newBuilder(URI.create(http.base() + "/v1/events"))
                    .POST(HttpRequest.BodyPublishers.ofString(TestEvents.array(hundred)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    List<ObjectNode> more = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      more.add(TestEvents.scanCompleted(id, NOW));
    }
    var second =
        http.client()
            .sendAsync(
                HttpRequest.newBuilder(URI.create(http.base() + "/v1/events"))
                    .POST(HttpRequest.BodyPublishers.ofString(TestEvents.array(more)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    // The first batch is being written (still counted), the second waits: 140 of 150 taken.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.get("/metrics").body().contains("jmo_ingest_queue_events 140.0"));
    List<ObjectNode> twenty = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      twenty.add(TestEvents.scanCompleted(id, NOW));
    }
    HttpResponse<String> refused = http.post("/v1/events", TestEvents.array(twenty));
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(http.post("/", TestEvents.array(twenty).substring(1, 10)).statusCode())
        .isEqualTo(400);
    release.countDown();
    assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(second.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(rowsOf(id)).hasSize(140);
  }

  @Test
  void aFailedCommitAcknowledgesNothing() {
    EventStore broken =
        new EventStore() {
          @Override
          public List<Outcome> append(List<EventRow> events, Instant receivedAt) {
            throw new DatabaseException("disk full", null);
          }

          @Override
          public int erase(UUID anonymousId, Instant at) {
            throw new DatabaseException("disk full", null);
          }

          @Override
          public long purgeBefore(Instant cutoff) {
            return 0;
          }

          @Override
          public Cleaning cleanImported() {
            return new Cleaning(0, 0, 0);
          }
        };
    Http http = start(b -> b.store(broken));
    HttpResponse<String> batch =
        http.post("/v1/events", TestEvents.array(List.of(TestEvents.scanCompleted(NOW))));
    assertThat(batch.statusCode()).isEqualTo(503);
    assertThat(batch.headers().firstValue("Retry-After")).isPresent();
    HttpResponse<String> guide = http.post("/", TestEvents.scanCompleted(NOW).toString());
    assertThat(guide.statusCode()).isEqualTo(500);
    assertThat(guide.body()).isEqualTo("Internal error");
    HttpResponse<String> deletion =
        http.post("/v1/deletion-request", "{\"anonymous_id\":\"" + UUID.randomUUID() + "\"}");
    assertThat(deletion.statusCode()).isEqualTo(503);
    assertThat(json(deletion).get("error").asText()).doesNotContain("disk full");
  }

  @Test
  void readinessIsNotReadyWithTheReasonWhileCommitsFailAndReadyOnceOneSucceeds() {
    java.util.concurrent.atomic.AtomicBoolean diskFull =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    EventStore real = EventStore.of(db);
    EventStore flaky =
        new EventStore() {
          @Override
          public List<Outcome> append(List<EventRow> events, Instant receivedAt) {
            if (diskFull.get()) {
              throw new DatabaseException("disk full", null);
            }
            return real.append(events, receivedAt);
          }

          @Override
          public int erase(UUID anonymousId, Instant at) {
            return real.erase(anonymousId, at);
          }

          @Override
          public long purgeBefore(Instant cutoff) {
            return 0;
          }

          @Override
          public Cleaning cleanImported() {
            return new Cleaning(0, 0, 0);
          }
        };
    Http http = start(b -> b.store(flaky));
    assertThat(http.get("/readyz").statusCode()).as("ready before any commit").isEqualTo(200);
    UUID id = UUID.randomUUID();
    String batch = TestEvents.array(List.of(TestEvents.scanCompleted(id, NOW)));
    assertThat(http.post("/v1/events", batch).statusCode()).isEqualTo(503);
    HttpResponse<String> notReady = http.get("/readyz");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body())
        .startsWith("not ready: commits are failing")
        .doesNotContain("disk full");

    diskFull.set(false);
    assertThat(http.get("/readyz").statusCode())
        .as("still failing until a commit succeeds")
        .isEqualTo(503);
    assertThat(http.post("/v1/events", batch).statusCode()).isEqualTo(200);
    HttpResponse<String> ready = http.get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ready");
    assertThat(rowsOf(id)).hasSize(1);
  }

  @Test
  void deletionRequestsAreBoundedPerClientAndInAll() {
    Http http = start(b -> b.deletionRequestLimits(2, 1, 3, 1));
    int port = Integer.parseInt(http.base().substring(http.base().lastIndexOf(':') + 1));
    java.util.function.Function<String, RawHttp.Answer> deleteFrom =
        from ->
            RawHttp.postJson(
                from,
                port,
                "/v1/deletion-request",
                "{\"anonymous_id\":\"" + UUID.randomUUID() + "\"}");
    long before =
        Rows.query(db, "SELECT COUNT(*) AS n FROM deleted_ids", r -> r.getLong("n")).get(0);
    assertThat(deleteFrom.apply("127.0.0.2").status()).isEqualTo(200);
    assertThat(deleteFrom.apply("127.0.0.2").status()).isEqualTo(200);
    RawHttp.Answer perClient = deleteFrom.apply("127.0.0.2");
    assertThat(perClient.status()).as("the client's burst is spent").isEqualTo(429);
    assertThat(perClient.header("Retry-After")).isNotNull();
    assertThat(deleteFrom.apply("127.0.0.3").status())
        .as("another client still may")
        .isEqualTo(200);
    RawHttp.Answer total = deleteFrom.apply("127.0.0.4");
    assertThat(total.status()).as("the collector's ceiling is reached").isEqualTo(503);
    assertThat(total.header("Retry-After")).isNotNull();
    long after =
        Rows.query(db, "SELECT COUNT(*) AS n FROM deleted_ids", r -> r.getLong("n")).get(0);
    assertThat(after - before)
        .as("one row per request let through, none for the refused")
        .isEqualTo(3);
  }

  @Test
  void wrongAdminTokensAreThrottledPerClient() {
    String token = "0123456789abcdef-secret";
    CollectorExtension extension =
        (app, services) ->
            app.get(
                "/admin/ping",
                ctx -> {
                  services.admin().require(ctx);
                  ctx.result("pong");
                });
    Http http = start(b -> b.extension(extension).admin(AdminAuth.of(token)));
    int port = Integer.parseInt(http.base().substring(http.base().lastIndexOf(':') + 1));
    java.util.function.BiFunction<String, String, RawHttp.Answer> ping =
        (from, bearer) ->
            RawHttp.request(
                from, port, "GET", "/admin/ping", "Authorization: Bearer " + bearer + "\r\n", null);
    for (int i = 0; i < AdminAuth.FAILED_ATTEMPTS_BURST; i++) {
      assertThat(ping.apply("127.0.0.5", "guess-" + i + "-guess-guess").status()).isEqualTo(401);
    }
    RawHttp.Answer throttled = ping.apply("127.0.0.5", "guess-again-guess-again");
    assertThat(throttled.status()).isEqualTo(429);
    assertThat(Long.parseLong(throttled.header("Retry-After")))
        .isBetween(1L, (long) AdminAuth.FAILED_ATTEMPT_INTERVAL_SECONDS);
    assertThat(ping.apply("127.0.0.5", token).status())
        .as("even the right token waits: guessing cannot go on")
        .isEqualTo(429);
    assertThat(ping.apply("127.0.0.6", token).status())
        .as("another client is not affected")
        .isEqualTo(200);
    assertThat(ping.apply("127.0.0.6", token).body()).contains("pong");
  }

  @Test
  void stalledClientsAreDisconnected() throws Exception {
    Http http = start(b -> b.idleTimeout(Duration.ofMillis(500)));
    int port = Integer.parseInt(http.base().substring(http.base().lastIndexOf(':') + 1));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: "
                  + "application/json\r\nContent-Length: 1000\r\n\r\n"
                  + "[{")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long start = System.nanoTime();
      InputStream in = socket.getInputStream();
      // The server gives up on the stalled body: whatever it answers, it closes the connection.
      while (in.read() >= 0) {
        // drain
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }
  }

  // ------------------------------------------------------------------ operations

  @Test
  void healthReadinessAndMetrics() {
    Http http = start();
    assertThat(http.get("/healthz").statusCode()).isEqualTo(200);
    assertThat(http.get("/readyz").statusCode()).isEqualTo(200);
    ObjectNode bad = TestEvents.scanCompleted(NOW);
    bad.put("extra", 1);
    http.post("/v1/events", TestEvents.array(List.of(TestEvents.scanCompleted(NOW), bad)));
    String metrics = http.get("/metrics").body();
    assertThat(metrics).contains("jmo_events_accepted_total 1.0");
    assertThat(metrics).contains("jmo_events_rejected_total{reason=\"unknown_field\"} 1.0");
    assertThat(metrics).contains("jmo_events_duplicate_total");
    assertThat(metrics).contains("jmo_commit_batch_events_count");
    assertThat(metrics).contains("jmo_commit_latency_seconds");
    assertThat(metrics).contains("jmo_ingest_queue_events");
  }

  @Test
  void retentionPurgeRunsAtStartAndKeepsRecentEvents() {
    UUID id = UUID.randomUUID();
    EventStore store = EventStore.of(db);
    ValidatedEvent old = event(id, NOW.minus(Duration.ofDays(401)));
    ValidatedEvent recent = event(id, NOW.minus(Duration.ofDays(399)));
    store.appendEvents(List.of(old, recent), NOW); // the store keeps the ids it is given
    assertThat(rowsStoredAs(id.toString())).hasSize(2);
    start(b -> b.purgeInterval(Duration.ofDays(1)));
    await().atMost(Duration.ofSeconds(30)).until(() -> rowsStoredAs(id.toString()).size() == 1);
    assertThat(rowsStoredAs(id.toString()).get(0).eventId()).isEqualTo(recent.eventId().toString());
  }

  @Test
  void extensionsAddRoutesGuardedByTheAdminToken() {
    String token = "0123456789abcdef-secret";
    CollectorExtension extension =
        (app, services) ->
            app.get(
                "/admin/count",
                ctx -> {
                  services.admin().require(ctx);
                  ctx.result(Long.toString(Rows.count(services.database())));
                });
    Http http = start(b -> b.extension(extension).admin(AdminAuth.of(token)));
    assertThat(http.get("/admin/count").statusCode()).isEqualTo(401);
    // HEAD is refused as GET is: it runs the same handler, without the body.
    HttpResponse<String> head =
        http.send(
            HttpRequest.newBuilder(URI.create(http.base() + "/admin/count"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertThat(head.statusCode()).isEqualTo(401);
    assertThat(head.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(http.base() + "/admin/count"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .header("Authorization", "Bearer " + token))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(http.base() + "/healthz"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(http.base() + "/admin/count"))
                        .header("Authorization", "Bearer wrong-token-wrong-token"))
                .statusCode())
        .isEqualTo(401);
    HttpResponse<String> ok =
        http.send(
            HttpRequest.newBuilder(URI.create(http.base() + "/admin/count"))
                .header("Authorization", "Bearer " + token));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(Long.parseLong(ok.body())).isEqualTo(Rows.count(db));

    // One collector at a time writes a SQLite database: stop this one before starting the next.
    servers.remove(servers.size() - 1).close();
    Http disabled = start(b -> b.extension(extension));
    assertThat(
            disabled
                .send(
                    HttpRequest.newBuilder(URI.create(disabled.base() + "/admin/count"))
                        .header("Authorization", "Bearer " + token))
                .statusCode())
        .isEqualTo(403);
  }

  @Test
  void closingCommitsWhatWasAcknowledgedAndRefusesTheRest() {
    CollectorServer server =
        CollectorServer.builder(db)
            .port(0)
            .host("127.0.0.1")
            .rateLimit(0, 1)
            .purgeInterval(Duration.ZERO)
            .build()
            .start();
    Http http = new Http(server.port());
    UUID id = UUID.randomUUID();
    assertThat(
            http.post(
                    "/v1/events",
                    TestEvents.array(List.of(TestEvents.scanCompleted(id, Instant.now()))))
                .statusCode())
        .isEqualTo(200);
    server.close();
    server.close(); // idempotent
    assertThat(rowsOf(id)).hasSize(1);
  }

  static ValidatedEvent event(UUID anonymousId, Instant time) {
    return new ValidatedEvent(
        "scan.started",
        "0.7.0",
        "Linux",
        "java-17",
        null,
        anonymousId,
        EventIds.newId(time),
        time.truncatedTo(ChronoUnit.HOURS),
        TestEvents.JSON.createObjectNode().put("profile", "fast"));
  }
}
