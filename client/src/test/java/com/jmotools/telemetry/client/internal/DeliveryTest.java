package com.jmotools.telemetry.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jmotools.telemetry.catalog.Catalog;
import com.jmotools.telemetry.catalog.EventIds;
import com.jmotools.telemetry.catalog.EventValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveryTest {

  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
  private static final UUID ID = UUID.fromString("a7f3c8e2-4b1d-4f9e-8c3a-2d5e7f9b1a3c");

  @TempDir Path state;
  private final Counters counters = new Counters();
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private Outbox outbox;

  @BeforeEach
  void setUp() {
    outbox =
        new Outbox(
            state, new Outbox.Limits(10_000, 100L << 20, Duration.ofDays(30)), clock, counters);
  }

  /** A hand-written fake uploader: answers with the function, records the batches. */
  private static final class FakeUploader implements Uploader {
    final List<JsonNode> batches = new ArrayList<>();
    final List<Integer> sizes = new ArrayList<>();
    final Function<JsonNode, UploadResult> answer;

    FakeUploader(Function<JsonNode, UploadResult> answer) {
      this.answer = answer;
    }

    @Override
    public UploadResult upload(byte[] jsonArray, Duration timeout) {
      try {
        JsonNode batch = Json.MAPPER.readTree(jsonArray);
        batches.add(batch);
        sizes.add(jsonArray.length);
        return answer.apply(batch);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    @Override
    public DeletionAnswer requestDeletion(UUID anonymousId, Duration timeout) {
      throw new UnsupportedOperationException();
    }
  }

  private static UploadResult acceptAll(JsonNode batch) {
    List<UploadResult.Item> items = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      items.add(new UploadResult.Item(i, UploadResult.Status.ACCEPTED, null));
    }
    return new UploadResult.Answered(items);
  }

  private Delivery delivery(Uploader uploader) {
    return delivery(uploader, Delivery.MAX_BATCH_BYTES);
  }

  private Delivery delivery(Uploader uploader, int maxBytes) {
    return new Delivery(
        outbox,
        uploader,
        new RetryAfterStore(state, clock),
        new SentLog(state, 1 << 20),
        () -> EventValidator.of(Catalog.standard(), EventValidator.Presence.COMPLETE),
        counters,
        maxBytes);
  }

  private void add(int n) throws IOException {
    ObjectNode e = Json.MAPPER.createObjectNode();
    UUID eventId = EventIds.newId(NOW);
    e.put("event", "tool.failed");
    e.put("version", "0.7.0");
    e.put("platform", "Linux");
    e.put("runtime", "java-17");
    e.put("anonymous_id", ID.toString());
    e.put("event_id", eventId.toString());
    e.put("timestamp", "2026-11-27T10:00:00Z");
    ObjectNode m = e.putObject("metadata");
    m.put("tool", "semgrep");
    m.put("failure_type", "non_zero_exit");
    m.put("exit_code", n);
    m.put("profile", "fast");
    outbox.add(eventId.toString(), Json.MAPPER.writeValueAsBytes(e), NOW.plusMillis(n));
  }

  @Test
  void sendsAtMostOneHundredEventsPerBatchOldestFirst() throws IOException {
    for (int i = 0; i < 250; i++) {
      add(i);
    }
    FakeUploader up = new FakeUploader(DeliveryTest::acceptAll);
    Delivery d = delivery(up);
    assertThat(d.sendOneBatch(Duration.ofSeconds(1)).kind()).isEqualTo(Delivery.Kind.PROGRESS);
    assertThat(d.sendOneBatch(Duration.ofSeconds(1)).delivered()).isEqualTo(100);
    assertThat(d.sendOneBatch(Duration.ofSeconds(1)).delivered()).isEqualTo(50);
    assertThat(d.sendOneBatch(Duration.ofSeconds(1)).kind()).isEqualTo(Delivery.Kind.EMPTY);
    assertThat(up.batches).extracting(JsonNode::size).containsExactly(100, 100, 50);
    assertThat(up.batches.get(0).get(0).path("metadata").path("exit_code").asInt()).isZero();
    assertThat(up.sizes).allMatch(s -> s <= Delivery.MAX_BATCH_BYTES);
    assertThat(counters.snapshot().delivered()).isEqualTo(250);
    assertThat(new SentLog(state, 1 << 20).read()).hasSize(250);
  }

  @Test
  void keepsEachBatchWithinTheByteLimit() throws IOException {
    // the catalog's events are small (100 of the largest fit in 64 KiB), so the limit is lowered
    // here
    for (int i = 0; i < 100; i++) {
      ObjectNode e = Json.MAPPER.createObjectNode();
      UUID eventId = EventIds.newId(NOW);
      e.put("event", "scan.started");
      e.put("version", "0.7.0");
      e.put("platform", "Linux");
      e.put("runtime", "java-17");
      e.put("anonymous_id", ID.toString());
      e.put("event_id", eventId.toString());
      e.put("timestamp", "2026-11-27T10:00:00Z");
      ObjectNode m = e.putObject("metadata");
      m.put("mode", "cli");
      m.put("profile", "custom");
      var tools = m.putArray("tools");
      Catalog.standard().tools().forEach(tools::add);
      ObjectNode tt = m.putObject("target_types");
      for (String k : List.of("repos", "images", "urls", "iac", "gitlab", "k8s")) {
        tt.put(k, 100000);
      }
      outbox.add(eventId.toString(), Json.MAPPER.writeValueAsBytes(e), NOW.plusMillis(i));
    }
    FakeUploader up = new FakeUploader(DeliveryTest::acceptAll);
    Delivery d = delivery(up, 8 * 1024);
    while (d.sendOneBatch(Duration.ofSeconds(1)).kind() != Delivery.Kind.EMPTY) {
      // drain
    }
    assertThat(up.batches.size()).isGreaterThan(5);
    assertThat(up.sizes).allMatch(s -> s <= 8 * 1024);
    assertThat(up.sizes.get(0)).isGreaterThan(7 * 1024);
    assertThat(counters.snapshot().delivered()).isEqualTo(100);
  }

  @Test
  void aCorruptOrEditedEntryIsRemovedAndCountedNotSentAndDoesNotBlockTheRest() throws IOException {
    add(1);
    long t = NOW.toEpochMilli();
    Files.writeString(
        outbox.directory().resolve(t + "-000000-00000000-0000-0000-0000-000000000000.json"),
        "{not json");
    Files.writeString(
        outbox.directory().resolve(t + "-000000-00000000-0000-0000-0000-000000000001.json"),
        "{\"event\":\"scan.completed\",\"secret\":\"/home/alice\"}");
    FakeUploader up = new FakeUploader(DeliveryTest::acceptAll);
    Delivery.Pass pass = delivery(up).sendOneBatch(Duration.ofSeconds(1));
    assertThat(pass.delivered()).isEqualTo(1);
    assertThat(pass.dropped()).isEqualTo(2);
    assertThat(counters.snapshot().dropped()).containsEntry("corrupt_entry", 2L);
    assertThat(up.batches).hasSize(1);
    assertThat(up.batches.get(0).toString()).doesNotContain("alice");
    assertThat(outbox.list()).isEmpty();
  }

  @Test
  void rejectedEventsAreRemovedAndCountedByTheFieldNamed() throws IOException {
    add(1);
    add(2);
    FakeUploader up =
        new FakeUploader(
            batch ->
                new UploadResult.Answered(
                    List.of(
                        new UploadResult.Item(0, UploadResult.Status.DUPLICATE, null),
                        new UploadResult.Item(
                            1,
                            UploadResult.Status.REJECTED,
                            "metadata.profile: must be one of fast, balanced"))));
    Delivery.Pass pass = delivery(up).sendOneBatch(Duration.ofSeconds(1));
    assertThat(pass.delivered()).isEqualTo(1);
    assertThat(pass.rejected()).isEqualTo(1);
    assertThat(counters.snapshot().dropped()).containsEntry("rejected:metadata.profile", 1L);
    assertThat(outbox.list()).isEmpty();
    // sent.jsonl holds only what the collector acknowledged; the rejected one is logged apart, with
    // why
    List<com.fasterxml.jackson.databind.JsonNode> sent = new SentLog(state, 1 << 20).read();
    List<com.fasterxml.jackson.databind.JsonNode> refused =
        new SentLog(state, 1 << 20).rejectedLog().read();
    assertThat(sent).hasSize(1);
    assertThat(refused).hasSize(1);
    assertThat(refused.get(0).path("reason").asText())
        .isEqualTo("metadata.profile: must be one of fast, balanced");
    assertThat(refused.get(0).path("event").path("event_id").asText())
        .isNotEqualTo(sent.get(0).path("event_id").asText())
        .isNotEmpty();
  }

  @Test
  void eventsTheAnswerDoesNotMentionStayForALaterTry() throws IOException {
    add(1);
    add(2);
    FakeUploader up =
        new FakeUploader(
            batch ->
                new UploadResult.Answered(
                    List.of(
                        new UploadResult.Item(1, UploadResult.Status.ACCEPTED, null),
                        new UploadResult.Item(7, UploadResult.Status.ACCEPTED, null))));
    delivery(up).sendOneBatch(Duration.ofSeconds(1));
    assertThat(outbox.list()).hasSize(1);
  }

  @Test
  void aClientErrorWithoutPerEventResultsKeepsEveryEventAndLogsNothingAsSent() throws IOException {
    add(1);
    add(2);
    FakeUploader up = new FakeUploader(batch -> UploadResult.Failed.httpStatus(404));
    Delivery.Pass pass = delivery(up).sendOneBatch(Duration.ofSeconds(1));
    assertThat(pass.kind()).isEqualTo(Delivery.Kind.FAILED);
    assertThat(outbox.list()).hasSize(2);
    assertThat(counters.snapshot().dropped()).isEmpty();
    assertThat(new SentLog(state, 1 << 20).read()).isEmpty();
  }

  @Test
  void retryLaterIsStoredForEveryProcessAndNothingIsSentUntilThen() throws IOException {
    add(1);
    FakeUploader up =
        new FakeUploader(batch -> new UploadResult.RetryLater(429, Duration.ofSeconds(120)));
    Delivery.Pass pass = delivery(up).sendOneBatch(Duration.ofSeconds(1));
    assertThat(pass.kind()).isEqualTo(Delivery.Kind.RETRY_LATER);
    assertThat(pass.notBefore()).isEqualTo(NOW.plusSeconds(120));
    assertThat(new RetryAfterStore(state, clock).notBefore()).contains(NOW.plusSeconds(120));

    FakeUploader other = new FakeUploader(DeliveryTest::acceptAll);
    assertThat(delivery(other).sendOneBatch(Duration.ofSeconds(1)).kind())
        .isEqualTo(Delivery.Kind.RETRY_LATER);
    assertThat(other.batches).isEmpty();
    assertThat(outbox.list()).hasSize(1);
  }

  @Test
  void aFailureKeepsTheBatchAndCountsIt() throws IOException {
    add(1);
    Delivery.Pass pass =
        delivery(new FakeUploader(batch -> UploadResult.Failed.of(UploadFailure.NETWORK)))
            .sendOneBatch(Duration.ofSeconds(1));
    assertThat(pass.kind()).isEqualTo(Delivery.Kind.FAILED);
    assertThat(pass.error()).isEqualTo("network");
    assertThat(outbox.list()).hasSize(1);
    assertThat(counters.snapshot().uploadFailures()).isEqualTo(1);
  }

  @Test
  void fieldLabelsAreBounded() {
    assertThat(Delivery.fieldOf("metadata.tools[3]: must be a tool"))
        .isEqualTo("metadata.tools[3]");
    assertThat(Delivery.fieldOf("no colon here")).isEqualTo("unknown");
    assertThat(Delivery.fieldOf(null)).isEqualTo("unknown");
    assertThat(Delivery.fieldOf("x".repeat(100) + ": y")).isEqualTo("unknown");
    assertThat(Delivery.fieldOf("we ird: y")).isEqualTo("unknown");
  }
}
