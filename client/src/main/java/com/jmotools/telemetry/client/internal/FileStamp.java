package com.jmotools.telemetry.client.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;

/**
 * What one {@code stat} tells of a file: its modification time, size and identity. Two equal stamps
 * mean the file was not replaced in between (our writers replace a file by a rename, which changes
 * its identity), so a running client re-reads a file another process may change (the user's
 * settings, the anonymous id) only when its stamp changed.
 */
final class FileStamp {

  /** The stamp of a file never looked at. */
  static final Object NEVER = List.of();

  private FileStamp() {}

  /** The stamp of {@code file} now: absent, an error, or its attributes. Never throws. */
  static Object of(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return List.of(
          a.lastModifiedTime(), a.size(), Objects.requireNonNullElse(a.fileKey(), "no key"));
    } catch (NoSuchFileException e) {
      return List.of("absent");
    } catch (IOException | RuntimeException e) {
      return List.of("error", String.valueOf(e.getMessage())); // the reader decides what it means
    }
  }
}
