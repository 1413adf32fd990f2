package com.jmotools.telemetry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RecordingCollectorTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final RecordingCollector collector = RecordingCollector.start();

  @AfterEach
  void stop() {
    collector.close();
  }

  record Answer(int status, String retryAfter, JsonNode body) {}

  private Answer post(String path, String body) throws IOException {
    HttpURLConnection c = (HttpURLConnection) new URL(collector.baseUrl() + path).openConnection();
    c.setConnectTimeout(2000);
    c.setReadTimeout(1000);
    c.setDoOutput(true);
    c.setRequestMethod("POST");
    c.setRequestProperty("Content-Type", "application/json");
    try (OutputStream out = c.getOutputStream()) {
      out.write(body.getBytes(StandardCharsets.UTF_8));
    }
    int status = c.getResponseCode();
    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    JsonNode json = in == null ? null : MAPPER.readTree(in);
    return new Answer(status, c.getHeaderField("Retry-After"), json);
  }

  private static String event(UUID eventId, UUID anonymousId, String profile) {
    return "{\"event\":\"tool.failed\",\"version\":\"0.7.0\""
        + ",\"platform\":\"Linux\",\"runtime\":\"java-17\","
        + "\"anonymous_id\":\""
        + anonymousId
        + "\",\"event_id\":\""
        + eventId
        + "\",\"timestamp\":\"2026-11-27T10:00:00Z\","
        + "\"metadata\":{\"tool\":\"semgrep\",\"failure_type\":\"timeout\",\"exit_code\":null,"
        + "\"profile\":\""
        + profile
        + "\"}}";
  }

  @Test
  void acceptsStoresOnceCountsDuplicatesAndRejectsWithAReason() throws IOException {
    UUID a = UUID.randomUUID();
    UUID e1 = UUID.randomUUID();
    Answer r =
        post(
            "/v1/events",
            "["
                + event(e1, a, "fast")
                + ","
                + event(e1, a, "fast")
                + ","
                + event(UUID.randomUUID(), a, "paranoid")
                + "]");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("accepted").asInt()).isEqualTo(1);
    assertThat(r.body().path("duplicates").asInt()).isEqualTo(1);
    assertThat(r.body().path("rejected").asInt()).isEqualTo(1);
    assertThat(r.body().path("results").get(0).path("status").asText()).isEqualTo("accepted");
    assertThat(r.body().path("results").get(0).path("event_id").asText()).isEqualTo(e1.toString());
    assertThat(r.body().path("results").get(1).path("status").asText()).isEqualTo("duplicate");
    assertThat(r.body().path("results").get(2).path("reason").asText())
        .startsWith("metadata.profile: must be one of");
    assertThat(collector.count()).isEqualTo(1);
    assertThat(collector.duplicates()).isEqualTo(1);
    assertThat(collector.events().get(0).path("event_id").asText()).isEqualTo(e1.toString());
  }

  @Test
  void refusesBodiesThatAreNotANonEmptyArrayOfAtMost100Objects() throws IOException {
    assertThat(post("/v1/events", "{}").status()).isEqualTo(400);
    assertThat(post("/v1/events", "[]").status()).isEqualTo(400);
    assertThat(post("/v1/events", "[1]").status()).isEqualTo(400);
    assertThat(post("/v1/events", "not json").status()).isEqualTo(400);
    assertThat(post("/v1/events", "[" + "{},".repeat(100) + "{}]").status()).isEqualTo(400);
    assertThat(post("/v1/events", "[{\"x\":\"" + "y".repeat(70_000) + "\"}]").status())
        .isEqualTo(413);
  }

  @Test
  void deletionErasesTheIdAndRefusesItsLaterEvents() throws IOException {
    UUID a = UUID.randomUUID();
    post("/v1/events", "[" + event(UUID.randomUUID(), a, "fast") + "]");
    Answer d = post("/v1/deletion-request", "{\"anonymous_id\":\"" + a + "\"}");
    assertThat(d.body().path("status").asText()).isEqualTo("deleted");
    assertThat(d.body().has("rows")).isFalse();
    assertThat(collector.count()).isZero();
    Answer later = post("/v1/events", "[" + event(UUID.randomUUID(), a, "fast") + "]");
    assertThat(later.body().path("results").get(0).path("reason").asText())
        .isEqualTo(RecordingCollector.DELETED_REASON);
  }

  @Test
  void answers429And503WithRetryAfter() throws IOException {
    collector.retryAfter(Duration.ofSeconds(12));
    collector.mode(RecordingCollector.Mode.TOO_MANY_REQUESTS);
    Answer r = post("/v1/events", "[{}]");
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.retryAfter()).isEqualTo("12");
    collector.mode(RecordingCollector.Mode.UNAVAILABLE);
    assertThat(post("/v1/events", "[{}]").status()).isEqualTo(503);
  }

  @Test
  void downClosesThePortAndNormalReopensItOnTheSamePort() throws IOException {
    int port = collector.port();
    collector.mode(RecordingCollector.Mode.DOWN);
    assertThatThrownBy(() -> post("/v1/events", "[{}]")).isInstanceOf(ConnectException.class);
    collector.mode(RecordingCollector.Mode.NORMAL);
    assertThat(collector.port()).isEqualTo(port);
    assertThat(post("/v1/events", "[{}]").status()).isEqualTo(200);
  }

  @Test
  void hangAcceptsButNeverAnswers() {
    collector.mode(RecordingCollector.Mode.HANG);
    assertThatThrownBy(() -> post("/v1/events", "[{}]")).isInstanceOf(SocketTimeoutException.class);
    assertThat(collector.requests()).isEqualTo(1);
  }
}
