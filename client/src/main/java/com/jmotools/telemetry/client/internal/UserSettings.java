package com.jmotools.telemetry.client.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The user's own telemetry choice and the notice counter, in {@code
 * <state>/telemetry/settings.json}.
 *
 * <p>Reading never throws. A missing file reads as "no choice, notice never shown". A file that is
 * there but cannot be read, is not the JSON object this class writes, or holds a value of the wrong
 * type reads as {@linkplain Values#problem() unreadable}: it may hold the user's "off", so consent
 * counts it as off, and only the user's explicit {@link #writeChoice} replaces it (the notice
 * counter never does). Writes go through {@link AtomicFiles}, each with the read it depends on
 * under the {@link StateLock}, so that a scan counting the notice and {@code jmo telemetry disable}
 * in another process cannot undo each other's change. Only Jackson's streaming parser is used, so
 * deciding consent does not pay for initialising data binding (a disabled client stays cheap).
 */
public final class UserSettings {

  /** The settings file, relative to the state directory. */
  public static final String FILE = "telemetry/settings.json";

  /** The largest settings file read: {@value} bytes; a larger one is unreadable. */
  public static final long MAX_FILE_BYTES = 4096;

  private static final int MAX_REASON_CHARS = 120;
  private static final int MAX_COUNT = 1_000_000;
  private static final JsonFactory FACTORY = new JsonFactory();

  /**
   * What the file holds.
   *
   * @param enabled the user's choice, or {@code null} when they made none (or the file is
   *     unreadable)
   * @param noticeShown how many scans have shown the notice
   * @param problem why the file that is there cannot be read (one line naming the file), or {@code
   *     null} when it was read or is absent
   */
  public record Values(Boolean enabled, int noticeShown, String problem) {
    public static final Values NONE = new Values(null, 0);

    /** Values read from a readable file (or none). */
    public Values(Boolean enabled, int noticeShown) {
      this(enabled, noticeShown, null);
    }

    /** Whether the file is there but could not be read: consent counts it as the user's off. */
    public boolean unreadable() {
      return problem != null;
    }
  }

  private final Path file;
  private final StateLock lock;

  public UserSettings(Path stateDirectory) {
    this.file = Objects.requireNonNull(stateDirectory, "stateDirectory").resolve(FILE);
    this.lock = new StateLock(stateDirectory);
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /**
   * The stored values: {@link Values#NONE} when there is no file, values with a {@linkplain
   * Values#problem() problem} when it is there but cannot be read or is ill-typed. Never throws.
   */
  public Values read() {
    try {
      if (!Files.exists(file)) {
        return Values.NONE;
      }
      if (!Files.isRegularFile(file)) {
        return unreadable("it is not a regular file");
      }
      if (Files.size(file) > MAX_FILE_BYTES) {
        return unreadable("it is larger than " + MAX_FILE_BYTES + " bytes");
      }
      return parse(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      return unreadable(
          "it is not valid JSON"
              + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
              + " ("
              + e.getOriginalMessage()
              + ")");
    } catch (IOException | RuntimeException e) {
      return unreadable("it cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  private Values parse(byte[] bytes) throws IOException {
    try (JsonParser p = FACTORY.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return unreadable("it is not a JSON object");
      }
      Boolean choice = null;
      int count = 0;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals("enabled")) {
          if (v != JsonToken.VALUE_TRUE
              && v != JsonToken.VALUE_FALSE
              && v != JsonToken.VALUE_NULL) {
            return unreadable("\"enabled\" is not true, false or null");
          }
          // two "enabled" keys: an off in either wins
          if (v == JsonToken.VALUE_FALSE) {
            choice = false;
          } else if (v == JsonToken.VALUE_TRUE && choice == null) {
            choice = true;
          }
        } else if (name.equals("notice_shown")) {
          if (v != JsonToken.VALUE_NUMBER_INT) {
            return unreadable("\"notice_shown\" is not a whole number");
          }
          long n = p.getLongValue();
          count = (int) Math.max(0, Math.min(MAX_COUNT, n));
        }
        p.skipChildren();
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        return unreadable("it is not one JSON object");
      }
      return new Values(choice, count);
    }
  }

  private Values unreadable(String reason) {
    String text = file + ": " + reason;
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length(); i++) { // one printable line, whatever the file or path hold
      char c = text.charAt(i);
      b.append(c >= 0x20 && c != 0x7f ? c : '?');
    }
    String line = b.toString();
    int max = file.toString().length() + 2 + MAX_REASON_CHARS;
    return new Values(null, 0, line.length() > max ? line.substring(0, max) + "..." : line);
  }

  /**
   * Stores the user's choice, keeping the notice counter; the user's explicit act, so it also
   * replaces a file that could not be read (its counter then starts again from 0).
   *
   * @throws StateLock.BusyException if another process kept the state locked too long
   * @throws IOException if the file cannot be written
   */
  public void writeChoice(Boolean enabled) throws IOException {
    lock.locked(
        () -> {
          write(new Values(enabled, read().noticeShown()));
          return null;
        });
  }

  /**
   * Adds one to the notice counter, keeping the choice.
   *
   * @return the new count
   * @throws IOException if the file cannot be written, or it is there but cannot be read: it may
   *     hold the user's "off", so it is left exactly as it is
   * @throws StateLock.BusyException if another process kept the state locked too long
   */
  public int incrementNotice() throws IOException {
    return lock.locked(
        () -> {
          Values old = read();
          if (old.unreadable()) {
            throw new IOException("left unchanged: " + old.problem());
          }
          int next = Math.min(MAX_COUNT, old.noticeShown() + 1);
          write(new Values(old.enabled(), next));
          return next;
        });
  }

  private void write(Values values) throws IOException {
    String text =
        "{\n  \"enabled\" : "
            + values.enabled()
            + ",\n  \"notice_shown\" : "
            + values.noticeShown()
            + "\n}\n";
    AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
  }
}
