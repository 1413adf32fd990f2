package com.jmotools.telemetry.collector.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jmotools.telemetry.catalog.Catalog;
import com.jmotools.telemetry.catalog.EventIds;
import com.jmotools.telemetry.catalog.EventValidator;
import com.jmotools.telemetry.catalog.Problem;
import com.jmotools.telemetry.catalog.ValidatedEvent;
import com.jmotools.telemetry.catalog.ValidationResult;
import com.jmotools.telemetry.collector.EventRow;
import com.jmotools.telemetry.collector.EventStore;
import com.jmotools.telemetry.collector.EventStore.Outcome;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingestion endpoints: {@code POST /} and {@code /e} (the guide's Worker contract, one event,
 * plain-text answers) and {@code POST /v1/events} (batches with per-event results), plus {@code
 * POST /v1/deletion-request}. HTTP answers are sent only after the writer has committed.
 */
public final class IngestHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(IngestHandlers.class);

  /** Events per batch request, as the wire contract fixes. */
  public static final int MAX_BATCH_EVENTS = 100;

  /** How far in the future a timestamp may lie (clock skew), per the contract. */
  public static final Duration FUTURE_TOLERANCE = Duration.ofDays(1);

  /**
   * Timestamps before this are refused: nothing of ours predates it, and text order stays time
   * order.
   */
  public static final Instant EARLIEST_TIMESTAMP = Instant.parse("2000-01-01T00:00:00Z");

  /**
   * The reason given for the events of an id erased at its holder's request. It does not name the
   * erasure: whoever holds an id would otherwise learn that it existed and was erased.
   */
  static final String DELETED_REASON = "anonymous_id: is not accepted by this collector";

  private static final int MAX_NESTING = 32;

  /** Bytes of an oversized body read and discarded so that the 413 reaches the client: 1 MiB. */
  private static final long DRAIN_LIMIT = 1024 * 1024;

  /** How long a request's thread waits for its commit before the request is suspended instead. */
  static final Duration SYNC_WAIT = Duration.ofMillis(100);

  private final EventValidator validator;
  private final StoredEventIds eventIds;
  private final GroupCommitWriter writer;
  private final EventStore store;
  private final RateLimiter rateLimiter;
  private final DeletionLimits deletionLimits;
  private final ConnectionGuard guard;
  private final IngestMetrics metrics;
  private final Clock clock;
  private final int maxBodyBytes;
  private final Duration commitTimeout;
  private final Executor answers;
  private final BooleanSupplier threadsScarce;
  private final ObjectMapper json;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();

  public IngestHandlers(
      Catalog catalog,
      StoredEventIds eventIds,
      GroupCommitWriter writer,
      EventStore store,
      RateLimiter rateLimiter,
      DeletionLimits deletionLimits,
      ConnectionGuard guard,
      IngestMetrics metrics,
      Clock clock,
      int maxBodyBytes,
      Duration commitTimeout,
      Executor answers,
      BooleanSupplier threadsScarce) {
    this.validator = EventValidator.of(catalog, EventValidator.Presence.PARTIAL);
    this.eventIds = Objects.requireNonNull(eventIds, "eventIds");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.store = Objects.requireNonNull(store, "store");
    this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
    this.deletionLimits = Objects.requireNonNull(deletionLimits, "deletionLimits");
    this.guard = Objects.requireNonNull(guard, "guard");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxBodyBytes = maxBodyBytes;
    this.commitTimeout = Objects.requireNonNull(commitTimeout, "commitTimeout");
    this.answers = Objects.requireNonNull(answers, "answers");
    this.threadsScarce = Objects.requireNonNull(threadsScarce, "threadsScarce");
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING)
                    .maxNumberLength(64)
                    .maxStringLength(maxBodyBytes)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    this.json = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** From now on every ingestion request is answered 503 (the server is shutting down). */
  public void startClosing() {
    closing.set(true);
  }

  /** Ingestion requests admitted and not yet answered. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Marks the end of a request admitted by {@link #admit}; called from an after-handler. */
  public void finished(Context ctx) {
    if (ctx.attribute("jmo.admitted") != null) {
      ctx.attribute("jmo.admitted", null);
      inFlight.decrementAndGet();
    }
  }

  // ---------------------------------------------------------------- the guide's Worker contract

  /** {@code POST /} and {@code POST /e}: one event; {@code 200 OK} once it is committed. */
  public void single(Context ctx) {
    ctx.header("Access-Control-Allow-Origin", "*");
    ingest(ctx, false);
  }

  /** {@code OPTIONS /} and {@code /e}: the guide's CORS preflight answer. */
  public void preflight(Context ctx) {
    ctx.header("Access-Control-Allow-Origin", "*");
    ctx.header("Access-Control-Allow-Methods", "POST, OPTIONS");
    ctx.header("Access-Control-Allow-Headers", "Content-Type");
    ctx.status(200);
  }

  /** Any other method on {@code /} and {@code /e}. */
  public void methodNotAllowed(Context ctx) {
    ctx.header("Allow", "POST, OPTIONS");
    text(ctx, 405, "Method not allowed");
  }

  // ---------------------------------------------------------------- POST /v1/events

  /** {@code POST /v1/events}: a batch; per-event results once the accepted ones are committed. */
  public void batch(Context ctx) {
    ingest(ctx, true);
  }

  /**
   * The one ingestion path: admits the request, reads and parses its body, validates every event,
   * queues the valid ones for the writer and answers once they are committed. {@code batch} selects
   * the contract: a JSON array with per-event results, or the guide's single event in plain text.
   */
  private void ingest(Context ctx, boolean batch) {
    if (!admit(ctx, batch)) {
      return;
    }
    byte[] body = readBody(ctx, batch);
    if (body == null) {
      return;
    }
    List<JsonNode> items = items(ctx, parse(body), batch);
    if (items == null) {
      return;
    }
    metrics.request(items.size());
    List<Slot> slots = new ArrayList<>(items.size());
    List<EventRow> valid = new ArrayList<>(items.size());
    for (JsonNode item : items) {
      Slot slot = check(item);
      slots.add(slot);
      if (slot.event != null) {
        valid.add(slot.event);
      }
    }
    if (!batch && valid.isEmpty()) {
      text(ctx, 400, "Invalid event: " + slots.get(0).reason);
      return;
    }
    CompletableFuture<List<Outcome>> future = writer.submit(valid);
    if (future == null) {
      saturated(ctx, batch);
      return;
    }
    List<Outcome> committed = awaitBriefly(future);
    if (committed != null) {
      answer(ctx, batch, slots, committed);
      return;
    }
    ctx.future(
        () ->
            bounded(future)
                .handleAsync(
                    (outcomes, error) -> {
                      if (error != null) {
                        failed(ctx, batch);
                      } else {
                        answer(ctx, batch, slots, outcomes);
                      }
                      return null;
                    },
                    answers));
  }

  /**
   * The events of a parsed body, or null once the request is answered 400: for a batch, an array of
   * 1 to {@value #MAX_BATCH_EVENTS} objects; for the guide's endpoints, the one value.
   */
  private List<JsonNode> items(Context ctx, JsonNode root, boolean batch) {
    if (root == null) {
      if (batch) {
        error(ctx, 400, "the body is not valid JSON");
      } else {
        metrics.rejected(Problem.Code.MALFORMED.label());
        text(ctx, 400, "Invalid event: the body is not valid JSON");
      }
      return null;
    }
    if (!batch) {
      return List.of(root);
    }
    if (!root.isArray()) {
      error(ctx, 400, "the body must be a JSON array of events");
      return null;
    }
    int n = root.size();
    if (n == 0 || n > MAX_BATCH_EVENTS) {
      error(ctx, 400, "a batch must hold between 1 and " + MAX_BATCH_EVENTS + " events, not " + n);
      return null;
    }
    List<JsonNode> items = new ArrayList<>(n);
    for (JsonNode item : root) {
      if (!item.isObject()) {
        error(ctx, 400, "every item of the batch must be a JSON object");
        return null;
      }
      items.add(item);
    }
    return items;
  }

  /**
   * The outcomes when the commit ends within {@link #SYNC_WAIT} and the server has threads to
   * spare, or null: the request is then suspended and answered when the commit ends. Waiting on the
   * request's thread saves suspending and resuming it (a third of the CPU of a request, by
   * profile); the bound keeps a slow disk from holding the server's threads.
   */
  private List<Outcome> awaitBriefly(CompletableFuture<List<Outcome>> future) {
    if (threadsScarce.getAsBoolean()) {
      return null;
    }
    try {
      return future.get(SYNC_WAIT.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return null; // still running (answered when it ends), or failed (answered by the async path)
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private void answer(Context ctx, boolean batch, List<Slot> slots, List<Outcome> outcomes) {
    if (batch) {
      answerBatch(ctx, slots, outcomes);
      return;
    }
    Outcome outcome = outcomes.get(0);
    count(outcome);
    if (outcome == Outcome.DELETED_ID) {
      text(ctx, 400, "Invalid event: " + DELETED_REASON);
    } else {
      text(ctx, 200, "OK");
    }
  }

  private void answerBatch(Context ctx, List<Slot> slots, List<Outcome> outcomes) {
    // What each event became, and the counts that come first in the answer.
    String[] reasons = new String[slots.size()];
    Outcome[] stored = new Outcome[slots.size()];
    int accepted = 0;
    int duplicates = 0;
    Iterator<Outcome> next = outcomes.iterator();
    for (int i = 0; i < slots.size(); i++) {
      reasons[i] = slots.get(i).reason;
      if (reasons[i] == null) {
        Outcome outcome = next.next();
        count(outcome);
        if (outcome == Outcome.DELETED_ID) {
          reasons[i] = DELETED_REASON;
        } else {
          stored[i] = outcome;
          if (outcome == Outcome.ACCEPTED) {
            accepted++;
          } else {
            duplicates++;
          }
        }
      }
    }
    // Written by a generator, not built as a tree: this answer is written for every batch.
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 96 * slots.size());
    try (JsonGenerator g = json.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("accepted", accepted);
      g.writeNumberField("duplicates", duplicates);
      g.writeNumberField("rejected", slots.size() - accepted - duplicates);
      g.writeArrayFieldStart("results");
      for (int i = 0; i < slots.size(); i++) {
        g.writeStartObject();
        g.writeNumberField("index", i);
        if (stored[i] != null) {
          g.writeStringField("event_id", slots.get(i).event.eventId());
          g.writeStringField("status", stored[i] == Outcome.ACCEPTED ? "accepted" : "duplicate");
        } else {
          g.writeStringField("status", "rejected");
          g.writeStringField("reason", reasons[i]);
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a JSON answer", e);
    }
    ctx.status(200);
    ctx.contentType("application/json");
    ctx.result(out.toByteArray());
  }

  // ---------------------------------------------------------------- POST /v1/deletion-request

  /**
   * {@code POST /v1/deletion-request}: erases an anonymous id's rows and refuses its later events.
   */
  public void deletion(Context ctx) {
    if (!admit(ctx, true)) {
      return;
    }
    // Each request may add a row to deleted_ids and scans the events: bounded per client and in
    // all.
    DeletionLimits.Verdict verdict = deletionLimits.admit(ctx.req().getRemoteAddr());
    if (verdict.waitSeconds() > 0) {
      metrics.refused(Integer.toString(verdict.status()));
      ctx.header("Retry-After", Long.toString(verdict.waitSeconds()));
      error(
          ctx,
          verdict.status(),
          verdict.status() == 429
              ? "too many deletion requests from this client; retry after "
                  + verdict.waitSeconds()
                  + " s"
              : "too many deletion requests at the moment; retry after "
                  + verdict.waitSeconds()
                  + " s");
      return;
    }
    byte[] body = readBody(ctx, true);
    if (body == null) {
      return;
    }
    JsonNode root = parse(body);
    if (root == null || !root.isObject()) {
      error(ctx, 400, "the body must be a JSON object {\"anonymous_id\": \"<uuid>\"}");
      return;
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      if (!names.next().equals("anonymous_id")) {
        error(ctx, 400, "the body must hold anonymous_id and nothing else");
        return;
      }
    }
    JsonNode id = root.get("anonymous_id");
    UUID anonymousId = id != null && id.isTextual() ? parseUuid(id.textValue()) : null;
    if (anonymousId == null) {
      error(ctx, 400, "anonymous_id: must be a UUID");
      return;
    }
    // The rows and the deleted_ids entry carry the keyed id, as every stored id.
    int rows = store.erase(eventIds.anonymousId(anonymousId), clock.instant());
    LOG.info("erased an anonymous id at its holder's request ({} rows)", rows);
    // The same answer whether the id had rows or not: a count would tell anyone holding an id
    // whether it existed and how active it was.
    ObjectNode answer = json.createObjectNode();
    answer.put("status", "deleted");
    jsonAnswer(ctx, 200, answer);
  }

  // ---------------------------------------------------------------- shared steps

  /** One event's verdict before storage: a normalised event, or the reason it is refused. */
  private static final class Slot {
    final EventRow event;
    final String reason;

    Slot(EventRow event, String reason) {
      this.event = event;
      this.reason = reason;
    }
  }

  private Slot check(JsonNode node) {
    ValidationResult result = validator.validate(node);
    if (!result.isValid()) {
      metrics.rejected(result.problem().code().label());
      return new Slot(null, result.problem().reason());
    }
    ValidatedEvent event = result.event();
    Instant now = clock.instant();
    if (event.timestamp().isAfter(now.plus(FUTURE_TOLERANCE))) {
      metrics.rejected(Problem.Code.INVALID_VALUE.label());
      return new Slot(null, "timestamp: must not be more than a day in the future");
    }
    if (event.timestamp().isBefore(EARLIEST_TIMESTAMP)) {
      metrics.rejected(Problem.Code.INVALID_VALUE.label());
      return new Slot(null, "timestamp: must not be before 2000-01-01");
    }
    Instant hour = event.timestamp().truncatedTo(ChronoUnit.HOURS);
    event = event.withTimestamp(hour);
    // The client's id is never stored: any of its bits could carry data (the exact time, an
    // address). The stored id is a keyed hash of it laid out as a UUID v7 of the stored hour, so a
    // retry maps to the same id. The guide's clients may send none: a random one of the hour then.
    event =
        event.withEventId(
            event.eventId() == null
                ? EventIds.newId(hour)
                : eventIds.derive(event.eventId(), hour));
    // The anonymous id is keyed too (with a distinct input), so that a stored row cannot be matched
    // to the id file on the user's machine and holds none of the bits the client chose; the same
    // sent id always gives the same stored one, so ids still count installations and deleted ids
    // still match.
    event = event.withAnonymousId(eventIds.anonymousId(event.anonymousId()));
    // Serialised here, on the request's thread, so the single writer only binds text.
    return new Slot(EventRow.of(event), null);
  }

  private boolean admit(Context ctx, boolean jsonAnswers) {
    if (closing.get()) {
      metrics.refused("503");
      ctx.header("Retry-After", "5");
      answer(
          ctx,
          jsonAnswers,
          503,
          "the collector is shutting down; retry later",
          "Service unavailable");
      return false;
    }
    long wait = rateLimiter.acquire(ctx.req().getRemoteAddr());
    if (wait > 0) {
      metrics.refused("429");
      ctx.header("Retry-After", Long.toString(wait));
      answer(
          ctx,
          jsonAnswers,
          429,
          "too many requests from this client; retry after " + wait + " s",
          "Too many requests");
      return false;
    }
    String unsupported =
        MediaTypes.refusal(ctx.header("Content-Type"), ctx.header("Content-Encoding"));
    if (unsupported != null) {
      metrics.refused("415");
      answer(ctx, jsonAnswers, 415, unsupported, "Unsupported media type: " + unsupported);
      return false;
    }
    ctx.attribute("jmo.admitted", true);
    inFlight.incrementAndGet();
    return true;
  }

  /**
   * Reads the body within the body deadline, holding one of the client's body slots meanwhile;
   * answers 429 (without reading) when the client already sends as many bodies as it may, 413
   * beyond the size limit, and returns null then.
   */
  private byte[] readBody(Context ctx, boolean jsonAnswers) {
    ConnectionGuard.BodyRead slot = guard.startBody(ConnectionGuard.jettyRequest(ctx.req()));
    if (slot == null) {
      metrics.refused("429");
      ctx.header("Retry-After", "1");
      ctx.header("Connection", "close");
      answer(
          ctx,
          jsonAnswers,
          429,
          "too many bodies in progress from this client; retry later",
          "Too many requests");
      return null;
    }
    try (slot) {
      return readBodyWithinLimit(ctx, jsonAnswers);
    }
  }

  private byte[] readBodyWithinLimit(Context ctx, boolean jsonAnswers) {
    long declared = ctx.req().getContentLengthLong();
    try (InputStream in = ctx.req().getInputStream()) {
      if (declared > maxBodyBytes) {
        tooLarge(ctx, jsonAnswers, in);
        return null;
      }
      byte[] buffer =
          new byte[(int) Math.min(maxBodyBytes + 1L, declared >= 0 ? declared + 1 : 8192)];
      int length = 0;
      while (true) {
        if (length == buffer.length) {
          if (length > maxBodyBytes) {
            tooLarge(ctx, jsonAnswers, in);
            return null;
          }
          buffer = Arrays.copyOf(buffer, Math.min(maxBodyBytes + 1, buffer.length * 2));
        }
        int read = in.read(buffer, length, buffer.length - length);
        if (read < 0) {
          break;
        }
        length += read;
      }
      if (length > maxBodyBytes) {
        tooLarge(ctx, jsonAnswers, in);
        return null;
      }
      return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
    } catch (IOException e) {
      // The client went away or stalled past the idle timeout; there is no one to answer.
      throw new ClientGoneException(e);
    }
  }

  /**
   * Answers 413. A body of moderate size is read to its end first, so that the client, still
   * sending it, receives the answer rather than a reset connection; a larger one is cut off.
   */
  private void tooLarge(Context ctx, boolean jsonAnswers, InputStream in) throws IOException {
    metrics.refused("413");
    long drained = 0;
    byte[] sink = new byte[8192];
    for (int read; drained <= DRAIN_LIMIT && (read = in.read(sink)) >= 0; ) {
      drained += read;
    }
    if (drained > DRAIN_LIMIT) {
      ctx.header("Connection", "close");
    }
    answer(
        ctx,
        jsonAnswers,
        413,
        "the body is larger than " + maxBodyBytes + " bytes",
        "Payload too large");
  }

  /**
   * The body read strictly as UTF-8, or null if it is not UTF-8 or not JSON. Jackson alone would
   * detect UTF-16 and UTF-32 from the bytes and read them too, whatever charset was declared.
   */
  private JsonNode parse(byte[] body) {
    try {
      CharBuffer text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body));
      if (text.length() > 0 && text.charAt(0) == '\uFEFF') {
        text.position(1); // a UTF-8 byte order mark, which JSON parsers may ignore
      }
      return json.readTree(text.toString());
    } catch (IOException | RuntimeException e) {
      return null; // CharacterCodingException is an IOException
    }
  }

  private CompletableFuture<List<Outcome>> bounded(CompletableFuture<List<Outcome>> future) {
    return future.orTimeout(commitTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void saturated(Context ctx, boolean jsonAnswers) {
    metrics.refused("503");
    ctx.header("Retry-After", "1");
    answer(ctx, jsonAnswers, 503, "the collector is saturated; retry later", "Service unavailable");
  }

  private void failed(Context ctx, boolean jsonAnswers) {
    // Nothing of the request is acknowledged: the client keeps its events and retries.
    metrics.refused(jsonAnswers ? "503" : "500");
    if (jsonAnswers) {
      ctx.header("Retry-After", "5");
      error(ctx, 503, "the events could not be stored; retry later");
    } else {
      text(ctx, 500, "Internal error");
    }
  }

  private void count(Outcome outcome) {
    if (outcome == Outcome.ACCEPTED) {
      metrics.accepted(1);
    } else if (outcome == Outcome.DUPLICATE) {
      metrics.duplicates(1);
    } else {
      metrics.rejected("deleted_id");
    }
  }

  private void answer(
      Context ctx, boolean jsonAnswers, int status, String jsonMessage, String textMessage) {
    if (jsonAnswers) {
      error(ctx, status, jsonMessage);
    } else {
      text(ctx, status, textMessage);
    }
  }

  private void error(Context ctx, int status, String message) {
    ObjectNode answer = json.createObjectNode();
    answer.put("error", message);
    jsonAnswer(ctx, status, answer);
  }

  private void jsonAnswer(Context ctx, int status, JsonNode answer) {
    ctx.status(status);
    ctx.contentType("application/json");
    try {
      ctx.result(json.writeValueAsBytes(answer));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a JSON answer", e);
    }
  }

  private static void text(Context ctx, int status, String message) {
    ctx.status(status);
    ctx.contentType("text/plain; charset=utf-8");
    ctx.result(message.getBytes(StandardCharsets.UTF_8));
  }

  private static UUID parseUuid(String text) {
    if (!EventValidator.isUuidText(text)) {
      return null;
    }
    return UUID.fromString(text);
  }

  /** The client disconnected or timed out while sending its body. */
  public static final class ClientGoneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClientGoneException(IOException cause) {
      super("the client went away while sending its body", cause);
    }
  }
}
