package com.jmotools.telemetry.client.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The user's own telemetry choice, the notice counter and the collectors named by a project's
 * {@code jmo.yml} that the user accepted, in {@code <state>/telemetry/settings.json}.
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

  /**
   * The most accepted collectors kept: {@value}; accepting one more forgets the one accepted
   * longest ago (it then needs accepting again: the safe direction).
   */
  public static final int MAX_ACCEPTED_COLLECTORS = 10;

  /**
   * The longest accepted collector URL: {@value} characters (so that the file stays well within
   * {@link #MAX_FILE_BYTES}).
   */
  public static final int MAX_COLLECTOR_CHARS = 256;

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
   * @param acceptedCollectors the collectors ({@link EndpointKey#of} form) that a project's {@code
   *     jmo.yml} named and the user accepted, oldest first
   */
  public record Values(
      Boolean enabled, int noticeShown, String problem, List<String> acceptedCollectors) {
    public static final Values NONE = new Values(null, 0);

    public Values {
      acceptedCollectors = acceptedCollectors == null ? List.of() : List.copyOf(acceptedCollectors);
    }

    /** Values read from a readable file (or none), no collector accepted. */
    public Values(Boolean enabled, int noticeShown) {
      this(enabled, noticeShown, null, List.of());
    }

    /** Values without accepted collectors. */
    public Values(Boolean enabled, int noticeShown, String problem) {
      this(enabled, noticeShown, problem, List.of());
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
      List<String> accepted = new ArrayList<>();
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
        } else if (name.equals("accepted_collectors")) {
          if (v != JsonToken.START_ARRAY) {
            return unreadable("\"accepted_collectors\" is not a list");
          }
          accepted.clear();
          while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
            if (v != JsonToken.VALUE_STRING) {
              return unreadable("\"accepted_collectors\" holds something that is not a text");
            }
            String key = p.getText();
            if (key.length() <= MAX_COLLECTOR_CHARS && !accepted.contains(key)) {
              accepted.add(key);
            }
          }
          continue; // the array is consumed
        }
        p.skipChildren();
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        return unreadable("it is not one JSON object");
      }
      int from = Math.max(0, accepted.size() - MAX_ACCEPTED_COLLECTORS);
      return new Values(choice, count, null, accepted.subList(from, accepted.size()));
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
          Values old = read();
          write(new Values(enabled, old.noticeShown(), null, old.acceptedCollectors()));
          return null;
        });
  }

  /**
   * Adds a collector a project's {@code jmo.yml} names to those the user accepted, keeping the
   * rest; the most recent {@value #MAX_ACCEPTED_COLLECTORS} are kept.
   *
   * @param key the collector in {@link EndpointKey#of} form, at most {@value #MAX_COLLECTOR_CHARS}
   *     characters
   * @return whether it was not accepted before
   * @throws IllegalArgumentException if {@code key} is empty or too long
   * @throws StateLock.BusyException if another process kept the state locked too long
   * @throws IOException if the file cannot be written, or it is there but cannot be read: it may
   *     hold the user's "off", so it is left exactly as it is
   */
  public boolean acceptCollector(String key) throws IOException {
    if (key == null || key.isBlank() || key.length() > MAX_COLLECTOR_CHARS) {
      throw new IllegalArgumentException(
          "a collector URL of 1 to " + MAX_COLLECTOR_CHARS + " characters is needed: " + key);
    }
    return lock.locked(
        () -> {
          Values old = read();
          if (old.unreadable()) {
            throw new IOException("left unchanged: " + old.problem());
          }
          if (old.acceptedCollectors().contains(key)) {
            return false;
          }
          List<String> accepted = new ArrayList<>(old.acceptedCollectors());
          accepted.add(key);
          while (accepted.size() > MAX_ACCEPTED_COLLECTORS) {
            accepted.remove(0);
          }
          write(new Values(old.enabled(), old.noticeShown(), null, accepted));
          return true;
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
          write(new Values(old.enabled(), next, null, old.acceptedCollectors()));
          return next;
        });
  }

  private void write(Values values) throws IOException {
    StringBuilder collectors = new StringBuilder();
    for (String key : values.acceptedCollectors()) {
      collectors
          .append(collectors.length() == 0 ? "" : ", ")
          .append('"')
          .append(JsonStringEncoder.getInstance().quoteAsString(key))
          .append('"');
    }
    String text =
        "{\n  \"enabled\" : "
            + values.enabled()
            + ",\n  \"notice_shown\" : "
            + values.noticeShown()
            + (values.acceptedCollectors().isEmpty()
                ? ""
                : ",\n  \"accepted_collectors\" : [ " + collectors + " ]")
            + "\n}\n";
    AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
  }
}
