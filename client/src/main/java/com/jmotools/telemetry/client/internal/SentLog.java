package com.jmotools.telemetry.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A bounded JSON-lines log of settled events, one per line (the oldest lines go first): {@code
 * <state>/telemetry/sent.jsonl} holds exactly what a collector acknowledged (accepted or already
 * stored), {@code <state>/telemetry/rejected.jsonl} what it refused, each line {@code {"reason":
 * ..., "event": {...}}}. Written only by the holder of the {@link UploadLock}.
 */
public final class SentLog {

  /** The log of acknowledged events, relative to the state directory. */
  public static final String FILE = "telemetry/sent.jsonl";

  /** The log of events the collector rejected, with its reason, relative to the state directory. */
  public static final String REJECTED_FILE = "telemetry/rejected.jsonl";

  private final Path stateDirectory;
  private final Path file;
  private final long maxBytes;

  /** The log of acknowledged events. */
  public SentLog(Path stateDirectory, long maxBytes) {
    this(stateDirectory, FILE, maxBytes);
  }

  /**
   * The log in {@code relativeFile} of the state directory ({@link #FILE} or {@link
   * #REJECTED_FILE}).
   */
  public SentLog(Path stateDirectory, String relativeFile, long maxBytes) {
    if (maxBytes < 1024) {
      throw new IllegalArgumentException("maxBytes < 1024: " + maxBytes);
    }
    this.stateDirectory = stateDirectory;
    this.file = stateDirectory.resolve(relativeFile);
    this.maxBytes = maxBytes;
  }

  /** The log of rejected events in the same state directory, with the same bound. */
  public SentLog rejectedLog() {
    return new SentLog(stateDirectory, REJECTED_FILE, maxBytes);
  }

  /** One line of the rejected log: the collector's reason and the event as it was sent. */
  public static byte[] rejectedLine(byte[] event, String reason) {
    try {
      com.fasterxml.jackson.databind.node.ObjectNode line = Json.MAPPER.createObjectNode();
      line.put("reason", reason == null || reason.isBlank() ? "no reason given" : reason);
      line.set("event", Json.MAPPER.readTree(event));
      return Json.MAPPER.writeValueAsBytes(line);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // the event was serialised by us: cannot happen
    }
  }

  public Path file() {
    return file;
  }

  /**
   * Appends events (each one line of JSON), dropping the oldest lines beyond the bound. Never
   * throws.
   */
  public void append(List<byte[]> events) {
    if (events.isEmpty()) {
      return;
    }
    ByteArrayOutputStream add = new ByteArrayOutputStream();
    for (byte[] e : events) {
      add.writeBytes(e);
      add.write('\n');
    }
    try {
      long size = Files.isRegularFile(file) ? Files.size(file) : 0;
      if (size + add.size() <= maxBytes) {
        StateFiles.createDirectories(file.getParent());
        if (size == 0 && !Files.exists(file)) {
          try {
            Files.createFile(file, StateFiles.newFile(file));
          } catch (FileAlreadyExistsException raced) {
            // another writer made it
          }
        } else {
          StateFiles.restrict(file); // made readable by others by an earlier version
        }
        Files.write(file, add.toByteArray(), StandardOpenOption.APPEND);
        return;
      }
      List<byte[]> lines = new ArrayList<>();
      if (size > 0) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          lines.add((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
      for (byte[] e : events) {
        byte[] line = new byte[e.length + 1];
        System.arraycopy(e, 0, line, 0, e.length);
        line[e.length] = '\n';
        lines.add(line);
      }
      // keep the newest lines that fit in half the bound, so trimming is rare
      long budget = maxBytes / 2;
      int from = lines.size();
      long kept = 0;
      while (from > 0 && kept + lines.get(from - 1).length <= budget) {
        kept += lines.get(--from).length;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = from; i < lines.size(); i++) {
        out.writeBytes(lines.get(i));
      }
      AtomicFiles.write(file, out.toByteArray());
    } catch (IOException | RuntimeException e) {
      // the log is for the user's information; delivery does not depend on it
    }
  }

  /** The logged events, oldest first; lines that are not JSON objects are skipped. Never throws. */
  public List<JsonNode> read() {
    List<JsonNode> events = new ArrayList<>();
    try {
      if (!Files.isRegularFile(file)) {
        return events;
      }
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        try {
          JsonNode node = Json.MAPPER.readTree(line);
          if (node != null && node.isObject()) {
            events.add(node);
          }
        } catch (IOException malformed) {
          // skipped
        }
      }
    } catch (IOException | RuntimeException e) {
      return events;
    }
    return events;
  }
}
