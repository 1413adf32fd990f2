package com.jmotools.telemetry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jmotools.telemetry.catalog.Catalog;
import com.jmotools.telemetry.catalog.EventValidator;
import com.jmotools.telemetry.catalog.ValidationResult;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake collector for tests: a real HTTP server on {@code 127.0.0.1} (port 0 unless given) that
 * implements the wire contract of {@code POST /v1/events} and {@code POST /v1/deletion-request},
 * validates with the catalog, stores each event once by {@code event_id} and counts duplicates.
 *
 * <p>{@link #mode(Mode)} makes it misbehave: {@link Mode#DOWN} closes the port (connections are
 * refused) until another mode reopens it on the same port; {@link Mode#HANG} accepts and reads
 * requests and never answers; {@link Mode#TOO_MANY_REQUESTS} and {@link Mode#UNAVAILABLE} answer
 * 429 and 503 with {@code Retry-After}; the stranger modes ({@link Mode#PROXY_NOT_FOUND}, {@link
 * Mode#PROXY_AUTHENTICATION}, {@link Mode#CAPTIVE_PORTAL}, {@link Mode#EMPTY_OK}, {@link
 * Mode#REDIRECT}, {@link Mode#FOREIGN_JSON}) answer as a proxy or portal on the way would, storing
 * nothing. Thread-safe.
 *
 * <pre>{@code
 * try (RecordingCollector collector = RecordingCollector.start()) {
 *   env.put("JMO_TELEMETRY_ENDPOINT", collector.baseUrl());
 *   ...
 *   await().until(() -> collector.count() == 1);
 * }
 * }</pre>
 */
public final class RecordingCollector implements AutoCloseable {

  /** The most events in one request. */
  public static final int MAX_EVENTS = 100;

  /** The largest request body, in bytes. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  /**
   * The {@code Retry-After} sent by the 429 and 503 modes unless {@link #retryAfter} says
   * otherwise.
   */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);

  /**
   * The reason given for events of an id erased at the user's request: as the collector's, it does
   * not name the erasure.
   */
  public static final String DELETED_REASON = "anonymous_id: is not accepted by this collector";

  /** How the server behaves. */
  public enum Mode {
    /** Follows the contract. */
    NORMAL,
    /** The port is closed: connections are refused. */
    DOWN,
    /** Accepts connections and requests, never answers (until the mode changes or it closes). */
    HANG,
    /** Answers every request 429 with {@code Retry-After}. */
    TOO_MANY_REQUESTS,
    /** Answers every request 503 with {@code Retry-After}. */
    UNAVAILABLE,
    /** A proxy that does not know the path: 404 with an HTML page. */
    PROXY_NOT_FOUND,
    /** A proxy that wants credentials: 407 Proxy Authentication Required. */
    PROXY_AUTHENTICATION,
    /** A captive portal: 200 with an HTML login page. */
    CAPTIVE_PORTAL,
    /** A middlebox that answers 200 with an empty body. */
    EMPTY_OK,
    /** A redirect elsewhere: 302 with a Location. */
    REDIRECT,
    /** A 200 JSON body that is not our contract's answer ({@code {"ok":true}}). */
    FOREIGN_JSON
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final EventValidator validator =
      EventValidator.of(Catalog.standard(), EventValidator.Presence.PARTIAL);
  private final Map<String, JsonNode> stored = new LinkedHashMap<>();
  private final Set<String> deletedIds = ConcurrentHashMap.newKeySet();
  private final List<String> rejections = new ArrayList<>();
  private final AtomicInteger duplicates = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile Map<String, List<String>> lastHeaders = Map.of();
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "recording-collector");
            t.setDaemon(true);
            return t;
          });
  private final int port;
  private HttpServer server;
  private Mode mode = Mode.NORMAL;
  private Duration retryAfter = DEFAULT_RETRY_AFTER;
  private CountDownLatch hangRelease = new CountDownLatch(0);
  private boolean closed;

  private RecordingCollector(int port) {
    this.server = bind(port);
    this.port = server.getAddress().getPort();
  }

  /** Starts a collector on a free loopback port. */
  public static RecordingCollector start() {
    return new RecordingCollector(0);
  }

  /** Starts a collector on {@code port} of loopback (0: a free one). */
  public static RecordingCollector start(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("not a port: " + port);
    }
    return new RecordingCollector(port);
  }

  private HttpServer bind(int p) {
    IOException last = null;
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        HttpServer s =
            HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 64);
        s.createContext("/", this::handle);
        s.setExecutor(executor);
        s.start();
        return s;
      } catch (BindException e) {
        last = e; // the port of a just-closed server may need a moment
        try {
          Thread.sleep(20);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the recording collector on port " + p, e);
      }
    }
    throw new UncheckedIOException("cannot bind the recording collector to port " + p, last);
  }

  /** The port it listens on (kept across {@link Mode#DOWN}). */
  public int port() {
    return port;
  }

  /** The base URL, such as {@code http://127.0.0.1:43125}, for {@code JMO_TELEMETRY_ENDPOINT}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** The base URL as a URI. */
  public URI baseUri() {
    return URI.create(baseUrl());
  }

  /** Switches behaviour; {@link Mode#DOWN} closes the port, any other mode reopens it. */
  public synchronized void mode(Mode next) {
    Objects.requireNonNull(next, "mode");
    if (closed) {
      throw new IllegalStateException("closed");
    }
    if (next == mode) {
      return;
    }
    if (mode == Mode.HANG) {
      hangRelease.countDown();
    }
    if (next == Mode.HANG) {
      hangRelease = new CountDownLatch(1);
    }
    if (next == Mode.DOWN) {
      server.stop(0);
      server = null;
    } else if (server == null) {
      server = bind(port);
    }
    mode = next;
  }

  /** The current mode. */
  public synchronized Mode mode() {
    return mode;
  }

  /**
   * The {@code Retry-After} of the 429 and 503 modes (whole seconds); default {@link
   * #DEFAULT_RETRY_AFTER}.
   */
  public synchronized void retryAfter(Duration wait) {
    if (wait.isNegative()) {
      throw new IllegalArgumentException("negative: " + wait);
    }
    this.retryAfter = wait;
  }

  /** The stored events, each once, in arrival order, as received. */
  public synchronized List<JsonNode> events() {
    return List.copyOf(stored.values());
  }

  /** How many distinct events are stored. */
  public synchronized int count() {
    return stored.size();
  }

  /** How many events arrived again after they were stored. */
  public int duplicates() {
    return duplicates.get();
  }

  /** How many requests reached it (every path and mode). */
  public int requests() {
    return requests.get();
  }

  /**
   * The headers of the last request that reached it, names in lower case, as the client sent them
   * (empty before the first).
   */
  public Map<String, List<String>> lastRequestHeaders() {
    return lastHeaders;
  }

  /** The reasons of the events it rejected, in order. */
  public synchronized List<String> rejections() {
    return List.copyOf(rejections);
  }

  /** The anonymous ids erased by a deletion request. */
  public Set<String> deletedIds() {
    return Set.copyOf(deletedIds);
  }

  /** Forgets every stored event and counter (not the mode). */
  public synchronized void clear() {
    stored.clear();
    rejections.clear();
    duplicates.set(0);
    requests.set(0);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    hangRelease.countDown();
    if (server != null) {
      server.stop(0);
      server = null;
    }
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    Map<String, List<String>> headers = new java.util.TreeMap<>();
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) ->
                headers.put(name.toLowerCase(java.util.Locale.ROOT), List.copyOf(values)));
    lastHeaders = java.util.Collections.unmodifiableMap(headers);
    requests.incrementAndGet();
    try (exchange) {
      Mode current;
      CountDownLatch release;
      Duration wait;
      synchronized (this) {
        current = mode;
        release = hangRelease;
        wait = retryAfter;
      }
      byte[] body = readBody(exchange.getRequestBody(), MAX_BODY_BYTES + 1);
      if (current == Mode.HANG) {
        try {
          release.await(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return; // closing without an answer
      }
      if (current == Mode.TOO_MANY_REQUESTS || current == Mode.UNAVAILABLE) {
        exchange.getResponseHeaders().set("Retry-After", Long.toString(wait.toSeconds()));
        send(exchange, current == Mode.TOO_MANY_REQUESTS ? 429 : 503, error("slow down"));
        return;
      }
      if (strangerAnswered(exchange, current)) {
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        send(exchange, 405, error("method not allowed"));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/v1/events")) {
        events(exchange, body);
      } else if (path.equals("/v1/deletion-request")) {
        deletion(exchange, body);
      } else {
        send(exchange, 404, error("not found"));
      }
    }
  }

  /** Answers as something on the way that is not a collector would, in the stranger modes. */
  private static boolean strangerAnswered(HttpExchange exchange, Mode mode) throws IOException {
    byte[] page =
        "<html><body><h1>Please sign in</h1></body></html>".getBytes(StandardCharsets.UTF_8);
    return switch (mode) {
      case PROXY_NOT_FOUND -> {
        send(exchange, 404, "text/html", page);
        yield true;
      }
      case PROXY_AUTHENTICATION -> {
        exchange.getResponseHeaders().set("Proxy-Authenticate", "Basic realm=\"proxy\"");
        send(exchange, 407, "text/html", page);
        yield true;
      }
      case CAPTIVE_PORTAL -> {
        send(exchange, 200, "text/html; charset=utf-8", page);
        yield true;
      }
      case EMPTY_OK -> {
        exchange.sendResponseHeaders(200, -1);
        yield true;
      }
      case REDIRECT -> {
        exchange.getResponseHeaders().set("Location", "http://127.0.0.1:9/login");
        send(exchange, 302, "text/html", page);
        yield true;
      }
      case FOREIGN_JSON -> {
        send(exchange, 200, "application/json", "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        yield true;
      }
      default -> false;
    };
  }

  private void events(HttpExchange exchange, byte[] body) throws IOException {
    if (body.length > MAX_BODY_BYTES) {
      send(exchange, 413, error("the body is over " + MAX_BODY_BYTES + " bytes"));
      return;
    }
    JsonNode array;
    try {
      array = MAPPER.readTree(body);
    } catch (IOException e) {
      send(exchange, 400, error("the body is not JSON"));
      return;
    }
    if (array == null || !array.isArray() || array.isEmpty() || array.size() > MAX_EVENTS) {
      send(exchange, 400, error("the body must be a JSON array of 1 to " + MAX_EVENTS + " events"));
      return;
    }
    for (JsonNode item : array) {
      if (!item.isObject()) {
        send(exchange, 400, error("every item must be a JSON object"));
        return;
      }
    }
    ObjectNode answer = MAPPER.createObjectNode();
    ArrayNode results = MAPPER.createArrayNode();
    int accepted = 0;
    int dup = 0;
    int rejected = 0;
    synchronized (this) {
      for (int i = 0; i < array.size(); i++) {
        JsonNode event = array.get(i);
        ObjectNode r = results.addObject();
        r.put("index", i);
        ValidationResult v = validator.validate(event);
        String reason = null;
        if (!v.isValid()) {
          reason = v.problem().reason();
        } else if (deletedIds.contains(v.event().anonymousId().toString())) {
          reason = DELETED_REASON;
        }
        if (reason != null) {
          r.put("status", "rejected");
          r.put("reason", reason);
          rejections.add(reason);
          rejected++;
          continue;
        }
        UUID id = v.event().eventId();
        String key = id != null ? id.toString() : UUID.randomUUID().toString();
        r.put("event_id", key);
        if (stored.containsKey(key)) {
          r.put("status", "duplicate");
          duplicates.incrementAndGet();
          dup++;
        } else {
          stored.put(key, event);
          r.put("status", "accepted");
          accepted++;
        }
      }
    }
    answer.put("accepted", accepted);
    answer.put("duplicates", dup);
    answer.put("rejected", rejected);
    answer.set("results", results);
    send(exchange, 200, MAPPER.writeValueAsBytes(answer));
  }

  private void deletion(HttpExchange exchange, byte[] body) throws IOException {
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (IOException e) {
      send(exchange, 400, error("the body is not JSON"));
      return;
    }
    String id = node == null ? "" : node.path("anonymous_id").asText("");
    try {
      id = UUID.fromString(id).toString();
    } catch (IllegalArgumentException e) {
      send(exchange, 400, error("anonymous_id: must be a UUID"));
      return;
    }
    String erased = id;
    synchronized (this) {
      deletedIds.add(erased);
      stored.values().removeIf(e -> erased.equalsIgnoreCase(e.path("anonymous_id").asText()));
    }
    // As the collector: no row count, which would tell whether the id existed.
    ObjectNode answer = MAPPER.createObjectNode();
    answer.put("status", "deleted");
    send(exchange, 200, MAPPER.writeValueAsBytes(answer));
  }

  private static byte[] error(String message) {
    return ("{\"error\":" + quote(message) + "}").getBytes(StandardCharsets.UTF_8);
  }

  private static String quote(String s) {
    try {
      return MAPPER.writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    send(exchange, status, "application/json", body);
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static byte[] readBody(InputStream in, int limit) throws IOException {
    byte[] bytes = in.readNBytes(limit);
    // drain the rest so the connection stays usable, without keeping it
    byte[] skip = new byte[8192];
    while (in.read(skip) >= 0) {
      // discard
    }
    return bytes;
  }
}
