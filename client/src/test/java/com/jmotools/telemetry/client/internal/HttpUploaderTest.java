package com.jmotools.telemetry.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.jmotools.telemetry.testing.RecordingCollector;
import com.jmotools.telemetry.testing.TricklingServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpUploaderTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
  private final RecordingCollector collector = RecordingCollector.start();

  @AfterEach
  void stop() {
    collector.close();
  }

  private HttpUploader uploader() {
    return new HttpUploader(collector.baseUri(), Duration.ofSeconds(2), CLOCK);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsThePerEventResultsOfA200() {
    UploadResult r = uploader().upload(bytes("[{\"event\":\"nope\"}]"), Duration.ofSeconds(2));
    assertThat(r).isInstanceOf(UploadResult.Answered.class);
    UploadResult.Item item = ((UploadResult.Answered) r).items().get(0);
    assertThat(item.status()).isEqualTo(UploadResult.Status.REJECTED);
    assertThat(item.reason()).isNotBlank();
  }

  @Test
  void readsAnAnswerSkippingWhatItDoesNotKnow() {
    UploadResult r =
        HttpUploader.parseAnswer(
            bytes(
                "{\"accepted\":1,\"extra\":{\"results\":[1]},\"results\":["
                    + "{\"index\":0,\"event_id\":\"x\",\"status\":\"accepted\","
                    + "\"more\":[{\"a\":[]}]},"
                    + "{\"index\":1,\"status\":\"rejected\",\"reason\":"
                    + "\"metadata.profile: not allowed\"},"
                    + "{\"index\":2,\"status\":\"duplicate\",\"reason\":null},"
                    + "{\"index\":\"3\",\"status\":\"accepted\"},"
                    + "{\"index\":4,\"status\":\"lost\"},"
                    + "{\"index\":99999999999,\"status\":\"accepted\"},"
                    + "7, [\"x\"], null]}"));
    assertThat(r).isInstanceOf(UploadResult.Answered.class);
    assertThat(((UploadResult.Answered) r).items())
        .containsExactly(
            new UploadResult.Item(0, UploadResult.Status.ACCEPTED, null),
            new UploadResult.Item(1, UploadResult.Status.REJECTED, "metadata.profile: not allowed"),
            new UploadResult.Item(2, UploadResult.Status.DUPLICATE, null));
  }

  @Test
  void anAnswerWithoutAResultsArrayIsBad() {
    for (String body :
        new String[] {
          "",
          "[]",
          "{}",
          "{\"results\":{}}",
          "{\"results\":[{\"index\":0,",
          "null",
          "{\"results\":[]"
        }) {
      assertThat(HttpUploader.parseAnswer(bytes(body)))
          .as(body)
          .isEqualTo(UploadResult.Failed.of(UploadFailure.BAD_ANSWER));
    }
    assertThat(HttpUploader.parseAnswer(bytes("{\"results\":[]}")))
        .isEqualTo(new UploadResult.Answered(java.util.List.of()));
  }

  @Test
  void a429CarriesItsRetryAfter() {
    collector.retryAfter(Duration.ofSeconds(42));
    collector.mode(RecordingCollector.Mode.TOO_MANY_REQUESTS);
    assertThat(uploader().upload(bytes("[{}]"), Duration.ofSeconds(2)))
        .isEqualTo(new UploadResult.RetryLater(429, Duration.ofSeconds(42)));
  }

  @Test
  void everyRequestCarriesOnlyTheDocumentedHeaders() {
    uploader().upload(bytes("[{\"event\":\"nope\"}]"), Duration.ofSeconds(2));
    java.util.Map<String, java.util.List<String>> events = collector.lastRequestHeaders();
    uploader().requestDeletion(UUID.randomUUID(), Duration.ofSeconds(2));
    java.util.Map<String, java.util.List<String>> deletion = collector.lastRequestHeaders();
    for (java.util.Map<String, java.util.List<String>> headers :
        java.util.List.of(events, deletion)) {
      // as PRIVACY.md lists them: no JDK version, no browser-like Accept, nothing else
      assertThat(headers.get("user-agent")).containsExactly("jmo-telemetry");
      assertThat(headers.get("accept")).containsExactly("application/json");
      assertThat(headers.get("content-type")).containsExactly("application/json");
      // the JDK's, as nothing may be cached on the way
      assertThat(headers.get("cache-control")).containsExactly("no-cache");
      assertThat(headers.get("pragma")).containsExactly("no-cache");
      assertThat(headers.keySet())
          .isSubsetOf(
              "host",
              "user-agent",
              "accept",
              "content-type",
              "content-length",
              "connection",
              "cache-control",
              "pragma");
    }
  }

  @Test
  void evenTheCollectorsOwn400SettlesNoEvent() {
    assertThat(uploader().upload(bytes("{}"), Duration.ofSeconds(2)))
        .isEqualTo(UploadResult.Failed.httpStatus(400));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "PROXY_NOT_FOUND, http_404", "PROXY_AUTHENTICATION, http_407", "REDIRECT, http_302",
    "CAPTIVE_PORTAL, not_a_collector_answer", "EMPTY_OK, not_a_collector_answer",
        "FOREIGN_JSON, bad_answer"
  })
  void anAnswerThatIsNotOurCollectorsIsNoAnswer(RecordingCollector.Mode mode, String reason) {
    collector.mode(mode);
    assertThat(uploader().upload(bytes("[{}]"), Duration.ofSeconds(2)))
        .isInstanceOfSatisfying(
            UploadResult.Failed.class, f -> assertThat(f.reason()).isEqualTo(reason));
    assertThat(uploader().requestDeletion(UUID.randomUUID(), Duration.ofSeconds(2)).deleted())
        .isFalse();
    assertThat(collector.count()).isZero();
  }

  @Test
  void onlyApplicationJsonIsACollectorsContentType() {
    assertThat(HttpUploader.isJson("application/json")).isTrue();
    assertThat(HttpUploader.isJson("Application/JSON; charset=utf-8")).isTrue();
    assertThat(HttpUploader.isJson("text/html")).isFalse();
    assertThat(HttpUploader.isJson("application/jsonp")).isFalse();
    assertThat(HttpUploader.isJson(null)).isFalse();
  }

  @Test
  void aClosedPortIsANetworkFailure() {
    collector.mode(RecordingCollector.Mode.DOWN);
    assertThat(uploader().upload(bytes("[{}]"), Duration.ofSeconds(2)))
        .isEqualTo(UploadResult.Failed.of(UploadFailure.NETWORK));
  }

  @Test
  void aServerThatNeverAnswersTimesOutWithinTheTimeout() {
    collector.mode(RecordingCollector.Mode.HANG);
    long start = System.nanoTime();
    UploadResult r = uploader().upload(bytes("[{}]"), Duration.ofMillis(300));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1300));
    assertThat(r).isEqualTo(UploadResult.Failed.of(UploadFailure.TIMEOUT));
  }

  @Test
  void aServerThatTricklesItsAnswerIsCutAtTheDeadline() {
    try (TricklingServer slow = TricklingServer.start(Duration.ofMillis(100))) {
      HttpUploader up = new HttpUploader(slow.baseUri(), Duration.ofSeconds(2), CLOCK);
      long start = System.nanoTime();
      UploadResult r = up.upload(bytes("[{}]"), Duration.ofMillis(600));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1600));
      assertThat(r).isEqualTo(UploadResult.Failed.of(UploadFailure.TIMEOUT));

      start = System.nanoTime();
      Uploader.DeletionAnswer a = up.requestDeletion(UUID.randomUUID(), Duration.ofMillis(600));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1600));
      assertThat(a.deleted()).isFalse();
      assertThat(a.error()).isEqualTo("no answer within 600 ms");
      assertThat(slow.requests()).isEqualTo(2);
    }
  }

  @Test
  void abortCutsACallInFlightShort() throws Exception {
    collector.mode(RecordingCollector.Mode.HANG);
    HttpUploader up = uploader();
    CompletableFuture<UploadResult> call =
        CompletableFuture.supplyAsync(() -> up.upload(bytes("[{}]"), Duration.ofSeconds(20)));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> collector.requests() == 1);
    long start = System.nanoTime();
    assertThat(up.abort()).as("a call was in flight").isTrue();
    UploadResult r = call.get(5, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(r).isEqualTo(UploadResult.Failed.of(UploadFailure.ABORTED));
    collector.mode(RecordingCollector.Mode.NORMAL);
    assertThat(up.upload(bytes("[{}]"), Duration.ofSeconds(2)))
        .as("no new call after abort")
        .isEqualTo(UploadResult.Failed.of(UploadFailure.ABORTED));
    assertThat(up.abort()).as("nothing in flight").isFalse();
  }

  @Test
  void deletionIsConfirmedByTheStatusAloneWithoutARowCount() {
    UUID id = UUID.randomUUID();
    Uploader.DeletionAnswer a = uploader().requestDeletion(id, Duration.ofSeconds(2));
    assertThat(a.deleted()).isTrue();
    assertThat(a.error()).isNull();
    assertThat(collector.deletedIds()).contains(id.toString());
  }

  @Test
  void retryAfterAcceptsSecondsOrAnHttpDateAndFallsBackOtherwise() {
    HttpUploader up = uploader();
    assertThat(up.retryAfter("120")).isEqualTo(Duration.ofSeconds(120));
    assertThat(up.retryAfter("Fri, 27 Nov 2026 10:01:30 GMT")).isEqualTo(Duration.ofSeconds(90));
    // never sooner than a second: "0" or a past date would have every client call right back
    assertThat(up.retryAfter("Fri, 27 Nov 2026 09:00:00 GMT")).isEqualTo(Duration.ofSeconds(1));
    assertThat(up.retryAfter("0")).isEqualTo(HttpUploader.MIN_RETRY_AFTER);
    assertThat(up.retryAfter("Fri, 27 Nov 2026 10:00:00 GMT")).isEqualTo(Duration.ofSeconds(1));
    assertThat(up.retryAfter(null)).isEqualTo(HttpUploader.DEFAULT_RETRY_AFTER);
    assertThat(up.retryAfter("soon")).isEqualTo(HttpUploader.DEFAULT_RETRY_AFTER);
    assertThat(up.retryAfter("-5")).isEqualTo(HttpUploader.DEFAULT_RETRY_AFTER);
    assertThat(up.retryAfter("99999999999")).isEqualTo(RetryAfterStore.MAX_WAIT);
  }

  @Test
  void onlyAbsoluteHttpUrlsAreUsable() {
    assertThat(HttpUploader.parseBase("https://telemetry.jmotools.com")).isNotNull();
    assertThat(HttpUploader.parseBase("http://127.0.0.1:8080/base/")).isNotNull();
    assertThat(HttpUploader.parseBase("ftp://x")).isNull();
    assertThat(HttpUploader.parseBase("telemetry.jmotools.com")).isNull();
    assertThat(HttpUploader.parseBase("http://x/?q=1")).isNull();
    assertThat(HttpUploader.parseBase("")).isNull();
    assertThat(HttpUploader.parseBase(null)).isNull();
  }
}
