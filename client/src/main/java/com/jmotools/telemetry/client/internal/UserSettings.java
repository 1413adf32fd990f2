package com.jmotools.telemetry.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The user's own telemetry choice and the notice counter, in {@code <state>/telemetry/settings.json}.
 *
 * <p>Reading never throws: a missing, unreadable or malformed file reads as "no choice, notice
 * never shown". Writes go through {@link AtomicFiles}.
 */
public final class UserSettings {

  /** The settings file, relative to the state directory. */
  public static final String FILE = "telemetry/settings.json";

  private static final long MAX_FILE_BYTES = 4096;
  private static final int MAX_COUNT = 1_000_000;

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
      JsonNode node = Json.MAPPER.readTree(file.toFile());
      if (node == null || !node.isObject()) {
        return Values.NONE;
      }
      JsonNode enabled = node.get("enabled");
      Boolean choice = enabled != null && enabled.isBoolean() ? enabled.booleanValue() : null;
      JsonNode shown = node.get("notice_shown");
      int count = shown != null && shown.canConvertToInt() ? Math.max(0, Math.min(MAX_COUNT, shown.intValue())) : 0;
      return new Values(choice, count);
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
    ObjectNode node = Json.MAPPER.createObjectNode();
    if (values.enabled() == null) {
      node.putNull("enabled");
    } else {
      node.put("enabled", values.enabled());
    }
    node.put("notice_shown", values.noticeShown());
    AtomicFiles.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
  }
}
