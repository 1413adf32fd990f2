package com.jmotools.telemetry.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
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
 * confirmed. A request is written here before it is sent, and leaves only when the collector
 * confirmed it, so a user's "erase my data" survives a network error, a proxy, or the process
 * ending. Written atomically; several processes may update it (last writer wins, and a request sent
 * twice is harmless: the collector's erasure is idempotent).
 */
public final class DeletionRequests {

  /** The file, relative to the state directory. */
  public static final String FILE = "telemetry/deletion-requests.json";

  /**
   * The most requests kept: each confirmed or failed delete rotates the id, so this is generous.
   */
  public static final int MAX_REQUESTS = 100;

  private static final long MAX_FILE_BYTES = 64 * 1024;

  /**
   * One request waiting for the collector's confirmation.
   *
   * @param anonymousId the id whose rows are to be erased
   * @param requestedAt when the user asked
   * @param attempts how many times it was sent without a confirmation
   * @param notBefore when the next attempt is due
   * @param lastError why the last attempt failed, or {@code null}
   */
  public record Request(
      UUID anonymousId, Instant requestedAt, int attempts, Instant notBefore, String lastError) {
    public Request {
      Objects.requireNonNull(anonymousId, "anonymousId");
      Objects.requireNonNull(requestedAt, "requestedAt");
      Objects.requireNonNull(notBefore, "notBefore");
      if (attempts < 0) {
        throw new IllegalArgumentException("attempts < 0: " + attempts);
      }
    }
  }

  private final Path file;

  public DeletionRequests(Path stateDirectory) {
    this.file = Objects.requireNonNull(stateDirectory, "stateDirectory").resolve(FILE);
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
  public synchronized List<Request> list() {
    List<Request> out = new ArrayList<>();
    try {
      if (!Files.isRegularFile(file) || Files.size(file) > MAX_FILE_BYTES) {
        return out;
      }
      JsonNode root = Json.MAPPER.readTree(Files.readAllBytes(file));
      if (root == null || !root.isArray()) {
        return out;
      }
      for (JsonNode n : root) {
        try {
          out.add(
              new Request(
                  UUID.fromString(n.path("anonymous_id").asText()),
                  Instant.parse(n.path("requested_at").asText()),
                  Math.max(0, n.path("attempts").asInt(0)),
                  Instant.parse(n.path("not_before").asText()),
                  n.hasNonNull("last_error") ? n.get("last_error").asText() : null));
        } catch (IllegalArgumentException | DateTimeParseException skipped) {
          // an entry edited by hand beyond use
        }
      }
    } catch (IOException | RuntimeException e) {
      return out;
    }
    return out;
  }

  /**
   * Adds a request for {@code id} (kept once), due at once.
   *
   * @throws IOException if it cannot be stored
   */
  public synchronized void add(UUID id, Instant now) throws IOException {
    List<Request> all = list();
    all.removeIf(r -> r.anonymousId().equals(id));
    all.add(new Request(id, now, 0, now, null));
    while (all.size() > MAX_REQUESTS) {
      all.remove(0);
    }
    write(all);
  }

  /** Removes the request for {@code id} once the collector confirmed it. Never throws. */
  public synchronized void confirmed(UUID id) {
    List<Request> all = list();
    if (all.removeIf(r -> r.anonymousId().equals(id))) {
      try {
        if (all.isEmpty()) {
          Files.deleteIfExists(file);
        } else {
          write(all);
        }
      } catch (IOException | RuntimeException e) {
        // sent again later: the collector's erasure is idempotent
      }
    }
  }

  /**
   * Records a failed attempt for {@code id}: the next is due at {@code notBefore}. Never throws.
   */
  public synchronized void failed(UUID id, Instant notBefore, String error) {
    List<Request> all = list();
    for (int i = 0; i < all.size(); i++) {
      Request r = all.get(i);
      if (r.anonymousId().equals(id)) {
        all.set(i, new Request(id, r.requestedAt(), r.attempts() + 1, notBefore, error));
      }
    }
    try {
      write(all);
    } catch (IOException | RuntimeException e) {
      // retried as soon as possible instead
    }
  }

  private void write(List<Request> all) throws IOException {
    ArrayNode root = Json.MAPPER.createArrayNode();
    for (Request r : all) {
      ObjectNode n = root.addObject();
      n.put("anonymous_id", r.anonymousId().toString());
      n.put("requested_at", r.requestedAt().toString());
      n.put("attempts", r.attempts());
      n.put("not_before", r.notBefore().toString());
      if (r.lastError() != null) {
        n.put("last_error", r.lastError());
      }
    }
    AtomicFiles.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
  }
}
