package com.jmotools.telemetry.client.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
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
 * <p>Reading never throws: a missing, unreadable or malformed file reads as "no choice, notice
 * never shown". Writes go through {@link AtomicFiles}. Only Jackson's streaming parser is used, so
 * deciding consent does not pay for initialising data binding (a disabled client stays cheap).
 */
public final class UserSettings {

  /** The settings file, relative to the state directory. */
  public static final String FILE = "telemetry/settings.json";

  private static final long MAX_FILE_BYTES = 4096;
  private static final int MAX_COUNT = 1_000_000;
  private static final JsonFactory FACTORY = new JsonFactory();

  /**
   * What the file holds.
   *
   * @param enabled the user's choice, or {@code null} when they made none
   * @param noticeShown how many scans have shown the notice
   */
  public record Values(Boolean enabled, int noticeShown) {
    public static final Values NONE = new Values(null, 0);
  }

  private final Path file;

  public UserSettings(Path stateDirectory) {
    this.file = Objects.requireNonNull(stateDirectory, "stateDirectory").resolve(FILE);
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /** The stored values; {@link Values#NONE} when there are none or they cannot be read. */
  public Values read() {
    try {
      if (!Files.isRegularFile(file) || Files.size(file) > MAX_FILE_BYTES) {
        return Values.NONE;
      }
      try (JsonParser p = FACTORY.createParser(Files.readAllBytes(file))) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return Values.NONE;
        }
        Boolean choice = null;
        int count = 0;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken v = p.nextToken();
          if (name.equals("enabled") && (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE)) {
            choice = v == JsonToken.VALUE_TRUE;
          } else if (name.equals("notice_shown") && v == JsonToken.VALUE_NUMBER_INT) {
            long n = p.getLongValue();
            count = (int) Math.max(0, Math.min(MAX_COUNT, n));
          }
          p.skipChildren();
        }
        return t == JsonToken.END_OBJECT ? new Values(choice, count) : Values.NONE;
      }
    } catch (IOException | RuntimeException e) {
      return Values.NONE;
    }
  }

  /**
   * Stores the user's choice, keeping the notice counter.
   *
   * @throws IOException if the file cannot be written
   */
  public synchronized void writeChoice(Boolean enabled) throws IOException {
    write(new Values(enabled, read().noticeShown()));
  }

  /**
   * Adds one to the notice counter, keeping the choice.
   *
   * @return the new count
   * @throws IOException if the file cannot be written
   */
  public synchronized int incrementNotice() throws IOException {
    Values old = read();
    int next = Math.min(MAX_COUNT, old.noticeShown() + 1);
    write(new Values(old.enabled(), next));
    return next;
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
