package com.jmotools.telemetry.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * {@code <state>/telemetry/deletion-requests.json}: the deletion requests the collector has not yet
 * confirmed. A request is written here before it is sent, and leaves only when the collector it was
 * made for confirmed it, so a user's "erase my data" survives a network error, a proxy, or the
 * process ending. Each request names its collector ({@link EndpointKey#of}; one stored before
 * requests named it belongs to the default collector): it is sent to that one only, and another
 * server's "deleted" never removes it. None is ever dropped unconfirmed: when {@value
 * #MAX_REQUESTS} wait, a new one is refused instead. Written atomically, and changed only under the
 * {@link StateLock}: several processes and threads may add, confirm and fail requests at once
 * without losing one (a request sent twice meanwhile is harmless: the collector's erasure is
 * idempotent).
 *
 * <p>{@code <state>/telemetry/unused-id} names the id the last deletion rotated to until a
 * recording client starts ({@link #markUsed()}): that id has recorded nothing, so a deletion asked
 * for it has nothing to erase and stores no request.
 */
public final class DeletionRequests {

  /** The file, relative to the state directory. */
  public static final String FILE = "telemetry/deletion-requests.json";

  /** The marker of an id that has recorded nothing yet, relative to the state directory. */
  public static final String UNUSED_ID_FILE = "telemetry/unused-id";

  /**
   * The most requests kept: each delete rotates the id, and a delete of an id that recorded nothing
   * stores none, so only that many deletions of ids that did record, all unconfirmed, reach it.
   */
  public static final int MAX_REQUESTS = 100;

  /** The longest last error kept with a request, in characters. */
  static final int MAX_ERROR_CHARS = 200;

  /** The file's bound: {@value #MAX_REQUESTS} requests with 2000-character URLs fit. */
  static final long MAX_FILE_BYTES = 512 * 1024;

  /**
   * One request waiting for the collector's confirmation.
   *
   * @param anonymousId the id whose rows are to be erased
   * @param endpoint the collector it is for ({@link EndpointKey#of})
   * @param requestedAt when the user asked
   * @param attempts how many times it was sent without a confirmation
   * @param notBefore when the next attempt is due
   * @param lastError why the last attempt failed, or {@code null}
   */
  public record Request(
      UUID anonymousId,
      String endpoint,
      Instant requestedAt,
      int attempts,
      Instant notBefore,
      String lastError) {
    public Request {
      Objects.requireNonNull(anonymousId, "anonymousId");
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(requestedAt, "requestedAt");
      Objects.requireNonNull(notBefore, "notBefore");
      if (attempts < 0) {
        throw new IllegalArgumentException("attempts < 0: " + attempts);
      }
    }

    boolean is(UUID id, String collector) {
      return anonymousId.equals(id) && endpoint.equals(collector);
    }
  }

  /** No request can be added without dropping one the collector has not confirmed. */
  public static final class FullException extends IOException {
    private static final long serialVersionUID = 1L;

    FullException(String message) {
      super(message);
    }
  }

  private final Path file;
  private final Path unusedId;
  private final String defaultEndpoint;
  private final StateLock lock;

  /**
   * @param defaultEndpoint the default collector ({@link EndpointKey#of}): the one of requests
   *     stored before requests named their collector
   */
  public DeletionRequests(Path stateDirectory, String defaultEndpoint) {
    Objects.requireNonNull(stateDirectory, "stateDirectory");
    this.file = stateDirectory.resolve(FILE);
    this.unusedId = stateDirectory.resolve(UNUSED_ID_FILE);
    this.defaultEndpoint = Objects.requireNonNull(defaultEndpoint, "defaultEndpoint");
    this.lock = new StateLock(stateDirectory);
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /** Whether any request waits (a cheap check: no file, none). */
  public boolean any() {
    return Files.exists(file) && !list().isEmpty();
  }

  /**
   * The waiting requests, oldest first; empty when there are none or the file cannot be read. Never
   * throws.
   */
  public List<Request> list() {
    try {
      return read();
    } catch (IOException | RuntimeException e) {
      return new ArrayList<>();
    }
  }

  /**
   * The waiting requests, oldest first.
   *
   * @throws IOException if the file exists but cannot be read as requests: a change would then
   *     overwrite what it holds
   */
  private List<Request> read() throws IOException {
    List<Request> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    if (!Files.isRegularFile(file) || Files.size(file) > MAX_FILE_BYTES) {
      throw new IOException(file + " is not a file of at most " + MAX_FILE_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IOException(file + " is not JSON: fix or remove it", e);
    }
    if (root == null || !root.isArray()) {
      throw new IOException(file + " is not a JSON array: fix or remove it");
    }
    for (JsonNode n : root) {
      try {
        out.add(
            new Request(
                UUID.fromString(n.path("anonymous_id").asText()),
                n.hasNonNull("endpoint") ? n.get("endpoint").asText() : defaultEndpoint,
                Instant.parse(n.path("requested_at").asText()),
                Math.max(0, n.path("attempts").asInt(0)),
                Instant.parse(n.path("not_before").asText()),
                n.hasNonNull("last_error") ? n.get("last_error").asText() : null));
      } catch (IllegalArgumentException | DateTimeParseException skipped) {
        // an entry edited by hand beyond use
      }
    }
    return out;
  }

  /**
   * Adds a request for {@code id} at the collector {@code endpoint} (kept once), due at once.
   *
   * @throws FullException if {@value #MAX_REQUESTS} requests wait already: none is dropped
   * @throws StateLock.BusyException if another process kept the file locked too long
   * @throws IOException if it cannot be stored, or the file cannot be read (it is left as it is)
   */
  public void add(UUID id, String endpoint, Instant now) throws IOException {
    lock.locked(
        () -> {
          addLocked(id, endpoint, now);
          return null;
        });
  }

  private void addLocked(UUID id, String endpoint, Instant now) throws IOException {
    List<Request> all = read();
    all.removeIf(r -> r.is(id, endpoint));
    if (all.size() >= MAX_REQUESTS) {
      throw new FullException(
          MAX_REQUESTS
              + " earlier deletion requests still wait for their collector's confirmation (jmo"
              + " telemetry status lists them) and none is dropped unconfirmed; ask again once some"
              + " are confirmed");
    }
    all.add(new Request(id, endpoint, now, 0, now, null));
    byte[] bytes = bytes(all);
    if (bytes.length > MAX_FILE_BYTES) {
      throw new FullException(
          "the waiting deletion requests fill " + file + " (" + MAX_FILE_BYTES + " bytes)");
    }
    AtomicFiles.write(file, bytes);
  }

  /**
   * Removes the request for {@code id} once {@code endpoint}, the collector it is for, confirmed
   * it. Never throws.
   */
  public void confirmed(UUID id, String endpoint) {
    try {
      lock.locked(
          () -> {
            List<Request> all = read();
            if (all.removeIf(r -> r.is(id, endpoint))) {
              if (all.isEmpty()) {
                Files.deleteIfExists(file);
              } else {
                AtomicFiles.write(file, bytes(all));
              }
            }
            return null;
          });
    } catch (IOException | RuntimeException e) {
      // sent again later: the collector's erasure is idempotent
    }
  }

  /**
   * Records a failed attempt for {@code id} at {@code endpoint}: the next is due at {@code
   * notBefore}. Never throws.
   */
  public void failed(UUID id, String endpoint, Instant notBefore, String error) {
    String kept =
        error == null || error.length() <= MAX_ERROR_CHARS
            ? error
            : error.substring(0, MAX_ERROR_CHARS);
    try {
      lock.locked(
          () -> {
            List<Request> all = read();
            boolean changed = false;
            for (int i = 0; i < all.size(); i++) {
              Request r = all.get(i);
              if (r.is(id, endpoint)) {
                all.set(
                    i,
                    new Request(id, endpoint, r.requestedAt(), r.attempts() + 1, notBefore, kept));
                changed = true;
              }
            }
            byte[] bytes = bytes(all);
            if (changed && bytes.length <= MAX_FILE_BYTES) {
              AtomicFiles.write(file, bytes);
            }
            return null;
          });
    } catch (IOException | RuntimeException e) {
      // retried as soon as possible instead
    }
  }

  /**
   * Notes that {@code id}, the one a deletion just rotated to, has recorded nothing yet. Never
   * throws (without the note, a later deletion of it stores a request, which is harmless).
   */
  public void markUnused(UUID id) {
    try {
      AtomicFiles.write(unusedId, id.toString().getBytes(StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      // see above
    }
  }

  /** Whether {@code id} is the one {@link #markUnused} named and no client recorded since. */
  public boolean unused(UUID id) {
    try {
      return Files.isRegularFile(unusedId)
          && Files.size(unusedId) < 100
          && Files.readString(unusedId, StandardCharsets.US_ASCII).trim().equals(id.toString());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Called before a recording client takes the id: from now on it may record, so its deletion must
   * be stored. Never throws.
   */
  public void markUsed() {
    try {
      Files.deleteIfExists(unusedId);
    } catch (IOException | RuntimeException e) {
      // a directory where the marker cannot be removed could not hold the outbox either
    }
  }

  private static byte[] bytes(List<Request> all) throws IOException {
    ArrayNode root = Json.MAPPER.createArrayNode();
    for (Request r : all) {
      ObjectNode n = root.addObject();
      n.put("anonymous_id", r.anonymousId().toString());
      n.put("endpoint", r.endpoint());
      n.put("requested_at", r.requestedAt().toString());
      n.put("attempts", r.attempts());
      n.put("not_before", r.notBefore().toString());
      if (r.lastError() != null) {
        n.put("last_error", r.lastError());
      }
    }
    return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
  }
}
