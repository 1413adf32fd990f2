package com.jmotools.telemetry.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Talks to a collector with the JDK's {@link HttpClient}: {@code POST <base>/v1/events} and
 * {@code POST <base>/v1/deletion-request}. Every call is bounded by the timeout it is given (the
 * connection and the whole exchange), and never throws.
 */
public final class HttpUploader implements Uploader {

  /** The wait asked for when a 429/503 carries no usable {@code Retry-After}. */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(60);

  private static final int MAX_ANSWER_CHARS = 1 << 20;

  private final URI events;
  private final URI deletion;
  private final Duration connectTimeout;
  private final Clock clock;
  private volatile HttpClient client;

  /**
   * @param base the collector's base URL (http or https), without the {@code /v1/...} path
   * @param connectTimeout the longest wait for a connection
   */
  public HttpUploader(URI base, Duration connectTimeout, Clock clock) {
    String b = base.toString();
    while (b.endsWith("/")) {
      b = b.substring(0, b.length() - 1);
    }
    this.events = URI.create(b + "/v1/events");
    this.deletion = URI.create(b + "/v1/deletion-request");
    this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Parses a base URL.
   *
   * @return the URI, or {@code null} when it is not an absolute http(s) URL with a host
   */
  public static URI parseBase(String text) {
    if (text == null || text.isBlank() || text.length() > 2000) {
      return null;
    }
    try {
      URI uri = new URI(text.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
          || uri.getRawQuery() != null || uri.getRawFragment() != null) {
        return null;
      }
      return uri;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  /** Builds the HTTP client now (class loading, selector thread), so the first upload is quicker. */
  public void warmUp() {
    client();
  }

  private HttpClient client() {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "jmo-telemetry-http");
            t.setDaemon(true);
            return t;
          });
          c = HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(connectTimeout)
              .followRedirects(HttpClient.Redirect.NEVER)
              .executor(executor)
              .build();
          client = c;
        }
      }
    }
    return c;
  }

  @Override
  public UploadResult upload(byte[] jsonArray, Duration timeout) {
    HttpResponse<String> response;
    try {
      response = post(events, jsonArray, timeout);
    } catch (TimeoutException e) {
      return new UploadResult.Failed("timeout");
    } catch (IOException | RuntimeException e) {
      return new UploadResult.Failed("network");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new UploadResult.Failed("interrupted");
    }
    int status = response.statusCode();
    if (status == 200) {
      return parseAnswer(response.body());
    }
    if (status == 429 || status == 503) {
      return new UploadResult.RetryLater(status, retryAfter(response.headers().firstValue("Retry-After").orElse(null)));
    }
    if (status >= 400 && status < 500) {
      return new UploadResult.Refused(status);
    }
    return new UploadResult.Failed("http_" + status);
  }

  @Override
  public DeletionAnswer requestDeletion(UUID anonymousId, Duration timeout) {
    byte[] body = ("{\"anonymous_id\":\"" + anonymousId + "\"}").getBytes(StandardCharsets.UTF_8);
    try {
      HttpResponse<String> response = post(deletion, body, timeout);
      if (response.statusCode() != 200) {
        return new DeletionAnswer(false, 0, "the collector answered HTTP " + response.statusCode());
      }
      JsonNode node = Json.MAPPER.readTree(response.body());
      if (node == null || !"deleted".equals(node.path("status").asText())) {
        return new DeletionAnswer(false, 0, "the collector did not confirm the deletion");
      }
      return new DeletionAnswer(true, Math.max(0, node.path("rows").asLong(0)), null);
    } catch (TimeoutException e) {
      return new DeletionAnswer(false, 0, "no answer within " + timeout.toMillis() + " ms");
    } catch (IOException | RuntimeException e) {
      return new DeletionAnswer(false, 0, "cannot reach the collector (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new DeletionAnswer(false, 0, "interrupted");
    }
  }

  private HttpResponse<String> post(URI uri, byte[] body, Duration timeout)
      throws IOException, InterruptedException, TimeoutException {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new TimeoutException("no time left");
    }
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    CompletableFuture<HttpResponse<String>> future =
        client().sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof java.net.http.HttpTimeoutException) {
        throw new TimeoutException("timed out");
      }
      throw cause instanceof IOException ? (IOException) cause : new IOException(cause);
    } catch (TimeoutException | InterruptedException e) {
      future.cancel(true);
      throw e;
    }
  }

  private static UploadResult parseAnswer(String body) {
    try {
      if (body == null || body.length() > MAX_ANSWER_CHARS) {
        return new UploadResult.Failed("bad_answer");
      }
      JsonNode node = Json.MAPPER.readTree(body);
      JsonNode results = node == null ? null : node.get("results");
      if (results == null || !results.isArray()) {
        return new UploadResult.Failed("bad_answer");
      }
      List<UploadResult.Item> items = new ArrayList<>();
      for (JsonNode r : results) {
        if (!r.path("index").canConvertToInt()) {
          continue;
        }
        UploadResult.Status status;
        switch (r.path("status").asText()) {
          case "accepted":
            status = UploadResult.Status.ACCEPTED;
            break;
          case "duplicate":
            status = UploadResult.Status.DUPLICATE;
            break;
          case "rejected":
            status = UploadResult.Status.REJECTED;
            break;
          default:
            continue;
        }
        String reason = r.hasNonNull("reason") ? r.get("reason").asText() : null;
        items.add(new UploadResult.Item(r.get("index").asInt(), status, reason));
      }
      return new UploadResult.Answered(items);
    } catch (IOException | RuntimeException e) {
      return new UploadResult.Failed("bad_answer");
    }
  }

  /** Reads a {@code Retry-After} value: seconds, or an HTTP date; {@link #DEFAULT_RETRY_AFTER} otherwise. */
  Duration retryAfter(String header) {
    if (header == null || header.isBlank() || header.length() > 64) {
      return DEFAULT_RETRY_AFTER;
    }
    String h = header.trim();
    try {
      long seconds = Long.parseLong(h);
      return seconds < 0 ? DEFAULT_RETRY_AFTER : Duration.ofSeconds(Math.min(seconds, RetryAfterStore.MAX_WAIT.toSeconds()));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime t = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(clock.instant(), t.toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException e) {
        return DEFAULT_RETRY_AFTER;
      }
    }
  }
}
