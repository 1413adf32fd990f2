package com.jmotools.telemetry.client.internal;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a reader sees the old content or the new, never a part: temp file + rename.
 */
public final class AtomicFiles {

  /** Prefix of temporary files; readers of a directory skip names that start with it. */
  public static final String TEMP_PREFIX = ".tmp-";

  private AtomicFiles() {}

  /**
   * Replaces {@code target} with {@code content} atomically, creating parent directories. The new
   * file, and any directory created, is this user's only ({@link StateFiles}).
   *
   * @throws IOException if the file cannot be written; {@code target} is then unchanged
   */
  public static void write(Path target, byte[] content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    StateFiles.createDirectories(dir);
    Path temp =
        dir.resolve(
            TEMP_PREFIX
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + "-"
                + target.getFileName());
    try {
      Files.createFile(temp, StateFiles.newFile(temp));
      Files.write(temp, content, StandardOpenOption.WRITE);
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
