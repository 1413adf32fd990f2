package com.jmotools.telemetry.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.jmotools.telemetry.catalog.EventValidator;
import com.jmotools.telemetry.catalog.ValidationResult;
import com.jmotools.telemetry.client.DropReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Sends one batch from the outbox and acts on the answer. The caller holds the {@link UploadLock},
 * so no other process sends or removes the same entries meanwhile.
 *
 * <p>Entries are re-validated before they leave (a corrupt or edited file is removed and counted,
 * never sent). Only the collector's per-event results settle events: accepted and duplicate events
 * are removed and logged in {@code sent.jsonl}; rejected ones are removed, logged with the reason
 * in {@code rejected.jsonl} and counted by the field the collector named. A 429/503 stores its
 * {@code Retry-After} for every process; anything else (a proxy's 404 or 407, a redirect, an HTML
 * 200, a 5xx, a timeout) leaves the whole batch for a later try.
 */
public final class Delivery {

  /** The most events in one request (the wire contract's limit). */
  public static final int MAX_BATCH_EVENTS = 100;

  /** The most bytes in one request body (the wire contract's limit). */
  public static final int MAX_BATCH_BYTES = 64 * 1024;

  /** What one pass did. */
  public enum Kind {
    /** Nothing was waiting. */
    EMPTY,
    /** A batch was settled (delivered, rejected, or dropped as corrupt); there may be more. */
    PROGRESS,
    /** The collector asked to wait ({@link Pass#notBefore()}). */
    RETRY_LATER,
    /** No definite answer; the batch stays. */
    FAILED
  }

  /**
   * The outcome of one pass.
   *
   * @param kind what happened
   * @param delivered events accepted or already stored
   * @param rejected events the collector refused
   * @param dropped events dropped for other reasons
   * @param notBefore the Retry-After time, for {@link Kind#RETRY_LATER}
   * @param error the reason, for {@link Kind#FAILED}
   * @param more whether entries were left out of this pass (false: it went through every entry it
   *     listed, so another pass right away would find only what was added meanwhile)
   */
  public record Pass(
      Kind kind,
      int delivered,
      int rejected,
      int dropped,
      Instant notBefore,
      String error,
      boolean more) {
    /** A pass that may have left entries out. */
    public Pass(
        Kind kind, int delivered, int rejected, int dropped, Instant notBefore, String error) {
      this(kind, delivered, rejected, dropped, notBefore, error, true);
    }
  }

  private final Outbox outbox;
  private final Uploader uploader;
  private final RetryAfterStore retryAfter;
  private final SentLog sentLog;
  private final SentLog rejectedLog;
  private final Supplier<EventValidator> validator;
  private final Counters counters;
  private final int maxBatchBytes;

  public Delivery(
      Outbox outbox,
      Uploader uploader,
      RetryAfterStore retryAfter,
      SentLog sentLog,
      Supplier<EventValidator> validator,
      Counters counters) {
    this(outbox, uploader, retryAfter, sentLog, validator, counters, MAX_BATCH_BYTES);
  }

  /**
   * As above, with a smaller body limit (the catalog's events are too small to reach 64 KiB in
   * tests).
   */
  Delivery(
      Outbox outbox,
      Uploader uploader,
      RetryAfterStore retryAfter,
      SentLog sentLog,
      Supplier<EventValidator> validator,
      Counters counters,
      int maxBatchBytes) {
    if (maxBatchBytes < 1024 || maxBatchBytes > MAX_BATCH_BYTES) {
      throw new IllegalArgumentException(
          "maxBatchBytes out of 1024.." + MAX_BATCH_BYTES + ": " + maxBatchBytes);
    }
    this.maxBatchBytes = maxBatchBytes;
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.uploader = Objects.requireNonNull(uploader, "uploader");
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    this.sentLog = Objects.requireNonNull(sentLog, "sentLog");
    this.rejectedLog = sentLog.rejectedLog();
    this.validator = Objects.requireNonNull(validator, "validator");
    this.counters = Objects.requireNonNull(counters, "counters");
  }

  /**
   * Sends at most one batch, waiting at most {@code timeout} for the answer; the pass counts as
   * dropped what trimming the outbox ({@link Outbox#trim()}) dropped first. Never throws.
   */
  public Pass sendOneBatch(Duration timeout) {
    int trimmed = outbox.trim();
    Optional<Instant> wait = retryAfter.notBefore();
    if (wait.isPresent()) {
      return new Pass(Kind.RETRY_LATER, 0, 0, trimmed, wait.get(), null);
    }
    List<Outbox.Entry> entries = outbox.listToSend(); // only what was recorded for this collector
    if (entries.isEmpty()) {
      return new Pass(Kind.EMPTY, 0, 0, trimmed, null, null);
    }
    Batch batch = nextBatch(entries);
    batch.dropped += trimmed;
    if (batch.entries.isEmpty()) {
      return new Pass(Kind.PROGRESS, 0, 0, batch.dropped, null, null, batch.more);
    }
    counters.attempt();
    UploadResult result = uploader.upload(jsonArray(batch.bodies), timeout);
    if (result instanceof UploadResult.Answered answered) {
      retryAfter.clear();
      return settle(batch, answered);
    }
    if (result instanceof UploadResult.RetryLater retryLater) {
      Instant until = retryAfter.remember(retryLater.after());
      return new Pass(Kind.RETRY_LATER, 0, 0, batch.dropped, until, null);
    }
    UploadResult.Failed failed = (UploadResult.Failed) result;
    if (failed.failure() != UploadFailure.ABORTED) {
      counters.failure(); // an aborted call was counted by whoever aborted it
    }
    return new Pass(Kind.FAILED, 0, 0, batch.dropped, null, failed.reason());
  }

  /** The events of one batch, oldest first, and what reading them dropped. */
  private static final class Batch {
    final List<Outbox.Entry> entries = new ArrayList<>();
    final List<byte[]> bodies = new ArrayList<>();
    int dropped;
    boolean more; // the outbox holds more than this batch
  }

  /**
   * Takes the oldest entries that fit in one request (count and bytes); drops, and counts, the
   * entries that cannot be read back or could never fit.
   */
  private Batch nextBatch(List<Outbox.Entry> entries) {
    Batch batch = new Batch();
    int bytes = 2;
    for (Outbox.Entry entry : entries) {
      if (batch.entries.size() == MAX_BATCH_EVENTS) {
        batch.more = true;
        break;
      }
      if (Outbox.tooLarge(entry)) {
        // never read: it could not be sent, and reading it whole could exhaust the memory
        outbox.remove(entry);
        counters.dropped(DropReason.TOO_LARGE, 1);
        batch.dropped++;
        continue;
      }
      byte[] json = readValid(entry);
      if (json == null) {
        if (Files.exists(entry.file())) {
          outbox.remove(entry);
          counters.dropped(DropReason.CORRUPT_ENTRY, 1);
          batch.dropped++;
        }
        continue;
      }
      if (json.length + 2 > maxBatchBytes) {
        outbox.remove(entry);
        counters.dropped(DropReason.TOO_LARGE, 1);
        batch.dropped++;
        continue;
      }
      int separator = batch.entries.isEmpty() ? 0 : 1;
      if (bytes + json.length + separator > maxBatchBytes) {
        batch.more = true;
        break;
      }
      bytes += json.length + separator;
      batch.entries.add(entry);
      batch.bodies.add(json);
    }
    return batch;
  }

  /**
   * Acts on the collector's per-event answer: accepted and duplicate events are delivered (and
   * logged as sent), rejected ones dropped (and logged with the reason); events it did not answer
   * for stay in the outbox.
   */
  private Pass settle(Batch batch, UploadResult.Answered answered) {
    int delivered = 0;
    int rejected = 0;
    List<byte[]> acknowledged = new ArrayList<>();
    List<byte[]> refused = new ArrayList<>();
    List<Outbox.Entry> unsettled = new ArrayList<>(batch.entries);
    for (UploadResult.Item item : answered.items()) {
      if (item.index() < 0
          || item.index() >= unsettled.size()
          || unsettled.get(item.index()) == null) {
        continue;
      }
      outbox.remove(unsettled.set(item.index(), null));
      byte[] body = batch.bodies.get(item.index());
      if (item.status() == UploadResult.Status.REJECTED) {
        rejected++;
        counters.dropped(DropReason.REJECTED, fieldOf(item.reason()), 1);
        refused.add(SentLog.rejectedLine(body, item.reason()));
      } else {
        delivered++;
        acknowledged.add(body);
      }
    }
    counters.delivered(delivered);
    sentLog.append(acknowledged);
    rejectedLog.append(refused);
    if (delivered + rejected == 0) {
      counters.failure();
      return new Pass(
          Kind.FAILED, 0, 0, batch.dropped, null, "the collector answered for none of the batch");
    }
    boolean more = batch.more || delivered + rejected < unsettled.size();
    return new Pass(Kind.PROGRESS, delivered, rejected, batch.dropped, null, null, more);
  }

  private byte[] readValid(Outbox.Entry entry) {
    byte[] known = outbox.validated(entry); // validated by this process before it was written
    if (known != null) {
      return known;
    }
    try {
      JsonNode node = Json.MAPPER.readTree(outbox.read(entry));
      ValidationResult r = validator.get().validate(node);
      return r.isValid() ? Json.MAPPER.writeValueAsBytes(r.event().toJson()) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static byte[] jsonArray(List<byte[]> bodies) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write('[');
    for (int i = 0; i < bodies.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(bodies.get(i));
    }
    out.write(']');
    return out.toByteArray();
  }

  /** The field a rejection names ({@code metadata.profile}), a bounded label for the counters. */
  static String fieldOf(String reason) {
    if (reason == null || reason.isBlank()) {
      return "unknown";
    }
    int colon = reason.indexOf(':');
    String field = colon < 0 ? "unknown" : reason.substring(0, colon).trim();
    if (field.length() > 64 || !field.matches("[A-Za-z0-9_.\\[\\]-]*") || field.isEmpty()) {
      return "unknown";
    }
    return field;
  }
}
