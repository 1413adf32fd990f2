package com.jmotools.telemetry.reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The hidden temporary files and folders that {@code report} and {@code export} write beside their
 * output before moving it into place. They hold published figures or a copy of the events, so none
 * may outlive its run: an interrupted run (Ctrl-C, {@code kill}) deletes its own on the way out,
 * and a run killed outright leaves one that the next run into the same place deletes.
 */
public final class TemporaryFiles {

  /**
   * How old a leftover must be before another run deletes it: far longer than any run takes, so
   * that a run in progress beside this one keeps its own.
   */
  public static final Duration LEFTOVER_AGE = Duration.ofHours(1);

  private TemporaryFiles() {}

  /**
   * A guard that deletes {@code path} (a file, or a folder and what it holds) if the JVM exits
   * before {@link Guard#close()} (an interrupt or a termination signal); closing it keeps the path.
   */
  public static Guard deleteOnExit(Path path) {
    Thread hook = new Thread(() -> deleteTree(path), "jmo-telemetry-temporary-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    return new Guard(hook);
  }

  /** Removes a shutdown hook of {@link #deleteOnExit} when the run no longer needs it. */
  public static final class Guard implements AutoCloseable {
    private final Thread hook;

    private Guard(Thread hook) {
      this.hook = hook;
    }

    @Override
    public void close() {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException exiting) {
        // the JVM is already exiting: the hook runs, and deletes what is left
      }
    }
  }

  /**
   * Deletes the entries of {@code dir} whose names start with {@code prefix} and end with {@code
   * suffix} and that were last modified more than {@link #LEFTOVER_AGE} before {@code now}: the
   * leftovers of killed runs. Entries it cannot read or delete are left.
   */
  public static void removeLeftovers(Path dir, String prefix, String suffix, Instant now) {
    Instant cutoff = now.minus(LEFTOVER_AGE);
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(
            dir, p -> p.getFileName().toString().startsWith(prefix) && named(p, suffix))) {
      for (Path p : entries) {
        if (Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff)) {
          deleteTree(p);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // a leftover that cannot be listed or read stays; the run itself does not depend on it
    }
  }

  private static boolean named(Path p, String suffix) {
    return p.getFileName().toString().endsWith(suffix);
  }

  /** Deletes a file, or a folder and what it holds, as far as it can (links are not followed). */
  public static void deleteTree(Path root) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // what cannot be deleted stays; the next run tries again
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // as above
    }
  }
}
