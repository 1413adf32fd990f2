package com.jmotools.cli.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether the state directory lives on a volume mounted into the container, read from {@code
 * /proc/self/mountinfo}: without one, a container started with {@code docker run --rm} starts with
 * fresh state every time (new id, notice never yet shown) and so never records.
 */
public final class StateVolume {

  /** Where Linux lists this process's mounts. */
  public static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  private StateVolume() {}

  /**
   * Whether {@code state} (or a directory above it, other than {@code /}) is a mount point.
   *
   * @return empty when the mount table cannot be read
   */
  public static Optional<Boolean> isOnMountedVolume(Path state, Path mountinfo) {
    Path dir = state.toAbsolutePath().normalize();
    try {
      for (String line : Files.readAllLines(mountinfo, StandardCharsets.UTF_8)) {
        String[] fields = line.split(" ");
        if (fields.length < 5) {
          continue;
        }
        // the mount point is the fifth field, with spaces and the like escaped as octal
        Path mountPoint = Path.of(fields[4].replace("\\040", " ").replace("\\011", "\t"));
        if (!mountPoint.equals(Path.of("/")) && dir.startsWith(mountPoint)) {
          return Optional.of(true);
        }
      }
      return Optional.of(false);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
