package com.jmotools.telemetry.client.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Talks to a collector over HTTP(S): {@code POST <base>/v1/events} and {@code POST
 * <base>/v1/deletion-request}. Every call is bounded as a whole by the timeout it is given: a
 * watchdog ({@value #WATCHDOG_THREAD_NAME}) closes the connection when the time is up, so a server
 * that trickles its answer a byte at a time cannot hold the caller longer (the JDK's read timeout
 * alone bounds only each read). A call can also be cut short by {@link #abort()}, and never throws.
 * Only a host name lookup is beyond the watchdog's reach (the JDK cannot interrupt it).
 *
 * <p>It uses the JDK's {@link HttpURLConnection} rather than {@code java.net.http.HttpClient}
 * because of a measurement: on Java 17 the HttpClient keeps a selector thread blocked in native
 * code for the life of the JVM, and the JVM waits up to 300 ms for such threads when it exits. A
 * CLI that used it exited 300-400 ms later than with telemetry off (bench/README.md); with this
 * class the difference is within noise. A request still in flight at {@code close()} is aborted
 * (its socket closed) for the same reason.
 */
public final class HttpUploader implements Uploader {

  /** The wait asked for when a 429/503 carries no usable {@code Retry-After}. */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(60);

  /**
   * The {@code User-Agent} of every request: the same for every version, platform and JVM (the
   * JDK's default names the exact Java patch level). PRIVACY.md lists every header sent.
   */
  public static final String USER_AGENT = "jmo-telemetry";

  /** The {@code Accept} of every request: the collector answers JSON. */
  public static final String ACCEPT = "application/json";

  /** The shortest wait a 429/503 leads to, whatever its {@code Retry-After} says: 1 s. */
  public static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);

  /** The name of the daemon thread that cuts requests at their deadline. */
  public static final String WATCHDOG_THREAD_NAME = "jmo-telemetry-watchdog";

  /**
   * After the deadline the watchdog closes the connection again this often while the call has not
   * returned: a connection the JDK opened after the first cut (a retry) is cut too.
   */
  static final Duration WATCHDOG_REPEAT = Duration.ofMillis(50);

  private static final int MAX_ANSWER_BYTES = 1 << 20;

  /**
   * One daemon thread for every uploader; it ends when idle, so a host that makes no request never
   * keeps it (and a host that exits never waits for it).
   */
  private static final ScheduledThreadPoolExecutor WATCHDOG = newWatchdog();

  private static final JsonFactory JSON = new JsonFactory();

  private final URL events;
  private final URL deletion;
  private final Duration connectTimeout;
  private final Clock clock;
  private final AtomicReference<HttpURLConnection> inFlight = new AtomicReference<>();
  private volatile boolean aborted;

  /**
   * @param base the collector's base URL (http or https), without the {@code /v1/...} path
   * @param connectTimeout the longest wait for a connection
   */
  public HttpUploader(URI base, Duration connectTimeout, Clock clock) {
    String b = base.toString();
    while (b.endsWith("/")) {
      b = b.substring(0, b.length() - 1);
    }
    try {
      this.events = URI.create(b + "/v1/events").toURL();
      this.deletion = URI.create(b + "/v1/deletion-request").toURL();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a usable collector URL: " + base, e);
    }
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
      if (!(scheme.equals("http") || scheme.equals("https"))
          || uri.getHost() == null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        return null;
      }
      return uri;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  /** Loads the connection classes now, so the first upload is quicker. */
  @Override
  public void warmUp() {
    try {
      events.openConnection(); // creates, does not connect
    } catch (IOException | RuntimeException e) {
      // the real call reports it
    }
  }

  /** Closes the connection of a call in flight, so the thread waiting on it returns at once. */
  @Override
  public boolean abort() {
    aborted = true;
    HttpURLConnection c = inFlight.get();
    if (c != null) {
      c.disconnect();
      return true;
    }
    return false;
  }

  @Override
  public UploadResult upload(byte[] jsonArray, Duration timeout) {
    if (aborted) {
      return UploadResult.Failed.of(UploadFailure.ABORTED);
    }
    Answer answer;
    try {
      answer = post(events, jsonArray, timeout);
    } catch (SocketTimeoutException e) {
      return UploadResult.Failed.of(aborted ? UploadFailure.ABORTED : UploadFailure.TIMEOUT);
    } catch (IOException | RuntimeException e) {
      return UploadResult.Failed.of(aborted ? UploadFailure.ABORTED : UploadFailure.NETWORK);
    }
    int status = answer.status;
    if (status == 200) {
      // Only our contract's answer settles events: a captive portal's page or a proxy's empty 200
      // is no answer at all.
      return isJson(answer.contentType)
          ? parseAnswer(answer.body)
          : UploadResult.Failed.of(UploadFailure.NOT_A_COLLECTOR_ANSWER);
    }
    if (status == 429 || status == 503) {
      return new UploadResult.RetryLater(status, retryAfter(answer.retryAfter));
    }
    // A 404 or 407 may come from any proxy on the way; even the collector's own 400 or 413 says
    // nothing about a single event. Keep everything and back off.
    return UploadResult.Failed.httpStatus(status);
  }

  @Override
  public DeletionAnswer requestDeletion(UUID anonymousId, Duration timeout) {
    byte[] body = ("{\"anonymous_id\":\"" + anonymousId + "\"}").getBytes(StandardCharsets.UTF_8);
    try {
      Answer answer = post(deletion, body, timeout);
      if (answer.status != 200 || !isJson(answer.contentType)) {
        return new DeletionAnswer(
            false,
            answer.status == 200
                ? "the answer was not a collector's (not JSON)"
                : "the server answered HTTP " + answer.status);
      }
      JsonNode node = Json.MAPPER.readTree(answer.body);
      if (node == null || !"deleted".equals(node.path("status").asText())) {
        return new DeletionAnswer(false, "the collector did not confirm the deletion");
      }
      return new DeletionAnswer(true, null);
    } catch (SocketTimeoutException e) {
      return new DeletionAnswer(false, "no answer within " + timeout.toMillis() + " ms");
    } catch (IOException | RuntimeException e) {
      return new DeletionAnswer(false, "cannot reach the collector");
    }
  }

  /** A status, the Retry-After and Content-Type headers and the body (bounded). */
  private static final class Answer {
    final int status;
    final String retryAfter;
    final String contentType;
    final byte[] body;

    Answer(int status, String retryAfter, String contentType, byte[] body) {
      this.status = status;
      this.retryAfter = retryAfter;
      this.contentType = contentType;
      this.body = body;
    }
  }

  /** Whether a Content-Type is JSON ({@code application/json}, with or without parameters). */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.equals("application/json");
  }

  private static ScheduledThreadPoolExecutor newWatchdog() {
    ScheduledThreadPoolExecutor e =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, WATCHDOG_THREAD_NAME);
              t.setDaemon(true);
              return t;
            });
    e.setKeepAliveTime(1, TimeUnit.SECONDS);
    e.allowCoreThreadTimeOut(true);
    e.setRemoveOnCancelPolicy(true);
    return e;
  }

  private Answer post(URL url, byte[] body, Duration timeout) throws IOException {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new SocketTimeoutException("no time left");
    }
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    HttpURLConnection c = (HttpURLConnection) url.openConnection();
    inFlight.set(c);
    if (aborted) {
      inFlight.compareAndSet(c, null);
      throw new IOException(UploadFailure.ABORTED.label());
    }
    AtomicBoolean expired = new AtomicBoolean();
    ScheduledFuture<?> cut;
    try {
      cut =
          WATCHDOG.scheduleWithFixedDelay(
              () -> {
                expired.set(true);
                c.disconnect();
              },
              timeout.toNanos(),
              WATCHDOG_REPEAT.toNanos(),
              TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      inFlight.compareAndSet(c, null);
      throw new IOException("cannot bound the request", e);
    }
    try {
      Answer answer = exchange(c, body, millis);
      if (expired.get()) {
        // cut while it finished: the answer may be partial, and it came too late anyway
        throw new SocketTimeoutException("no complete answer within " + timeout.toMillis() + " ms");
      }
      return answer;
    } catch (IOException e) {
      if (expired.get()) {
        throw new SocketTimeoutException("no complete answer within " + timeout.toMillis() + " ms");
      }
      throw e;
    } finally {
      cut.cancel(false);
      inFlight.compareAndSet(c, null);
    }
  }

  /** Sends {@code body} on {@code c} and reads the answer; the caller bounds it as a whole. */
  private Answer exchange(HttpURLConnection c, byte[] body, int millis) throws IOException {
    c.setConnectTimeout((int) Math.max(1, Math.min(millis, connectTimeout.toMillis())));
    c.setReadTimeout(millis);
    c.setInstanceFollowRedirects(false);
    c.setUseCaches(false);
    c.setDoOutput(true);
    c.setRequestMethod("POST");
    c.setRequestProperty("Content-Type", "application/json");
    // the JDK's defaults would say more than the events do: "Java/17.0.15" is the exact patch level
    // (the events say only java-17), and its Accept asks for HTML and images
    c.setRequestProperty("User-Agent", USER_AGENT);
    c.setRequestProperty("Accept", ACCEPT);
    c.setFixedLengthStreamingMode(body.length);
    try (OutputStream out = c.getOutputStream()) {
      out.write(body);
    }
    int status = c.getResponseCode();
    String retry = c.getHeaderField("Retry-After");
    String type = c.getContentType();
    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    byte[] answer = new byte[0];
    if (in != null) {
      try (InputStream stream = in) {
        answer = stream.readNBytes(MAX_ANSWER_BYTES);
      }
    }
    return new Answer(status, retry, type, answer);
  }

  /**
   * Reads the collector's answer to a batch with Jackson's streaming parser: this runs at the end
   * of a short-lived host, where a first use of data binding's tree reader costs milliseconds.
   */
  static UploadResult parseAnswer(byte[] body) {
    if (body == null || body.length >= MAX_ANSWER_BYTES) {
      return UploadResult.Failed.of(UploadFailure.BAD_ANSWER);
    }
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return UploadResult.Failed.of(UploadFailure.BAD_ANSWER);
      }
      List<UploadResult.Item> items = null;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (!"results".equals(name)) {
          p.skipChildren();
        } else if (v != JsonToken.START_ARRAY) {
          p.skipChildren();
          items = null; // the last "results" counts, as in a tree
        } else {
          items = new ArrayList<>();
          while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
            if (v == null) {
              return UploadResult.Failed.of(UploadFailure.BAD_ANSWER);
            }
            if (v == JsonToken.START_OBJECT) {
              UploadResult.Item item = item(p);
              if (item != null) {
                items.add(item);
              }
            } else {
              p.skipChildren();
            }
          }
        }
      }
      if (t != JsonToken.END_OBJECT || items == null) {
        return UploadResult.Failed.of(UploadFailure.BAD_ANSWER);
      }
      return new UploadResult.Answered(items);
    } catch (IOException | RuntimeException e) {
      return UploadResult.Failed.of(UploadFailure.BAD_ANSWER);
    }
  }

  /**
   * One entry of {@code results}, the parser on its START_OBJECT; {@code null} when it is not
   * usable.
   */
  private static UploadResult.Item item(JsonParser p) throws IOException {
    Integer index = null;
    String status = null;
    String reason = null;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if ("index".equals(name)) {
        index = null;
        if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
          index = p.getIntValue();
        } else if (v == JsonToken.VALUE_NUMBER_FLOAT) {
          double d = p.getDoubleValue();
          index = d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE ? (int) d : null;
        }
      } else if ("status".equals(name)) {
        status = v != null && v.isScalarValue() ? p.getText() : null;
      } else if ("reason".equals(name)) {
        reason = v != null && v.isScalarValue() && v != JsonToken.VALUE_NULL ? p.getText() : null;
      }
      p.skipChildren();
    }
    if (t != JsonToken.END_OBJECT) {
      throw new IOException("truncated answer");
    }
    if (index == null || status == null) {
      return null;
    }
    return switch (status) {
      case "accepted" -> new UploadResult.Item(index, UploadResult.Status.ACCEPTED, reason);
      case "duplicate" -> new UploadResult.Item(index, UploadResult.Status.DUPLICATE, reason);
      case "rejected" -> new UploadResult.Item(index, UploadResult.Status.REJECTED, reason);
      default -> null;
    };
  }

  /**
   * Reads a {@code Retry-After} value: seconds, or an HTTP date; {@link #DEFAULT_RETRY_AFTER}
   * otherwise. Never less than {@link #MIN_RETRY_AFTER}: {@code 0} or a date in the past would
   * otherwise have every process call again at once, as fast as the collector answers.
   */
  Duration retryAfter(String header) {
    if (header == null || header.isBlank() || header.length() > 64) {
      return DEFAULT_RETRY_AFTER;
    }
    String h = header.trim();
    Duration d;
    try {
      long seconds = Long.parseLong(h);
      if (seconds < 0) {
        return DEFAULT_RETRY_AFTER;
      }
      d = Duration.ofSeconds(Math.min(seconds, RetryAfterStore.MAX_WAIT.toSeconds()));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime t = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME);
        d = Duration.between(clock.instant(), t.toInstant());
      } catch (DateTimeParseException e) {
        return DEFAULT_RETRY_AFTER;
      }
    }
    return d.compareTo(MIN_RETRY_AFTER) < 0 ? MIN_RETRY_AFTER : d;
  }
}
