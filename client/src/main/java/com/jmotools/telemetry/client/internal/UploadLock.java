package com.jmotools.telemetry.client.internal;

import com.jmotools.telemetry.client.Sleeper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The right to send and remove outbox entries: one holder at a time across every process and thread
 * that shares the state directory ({@code <state>/telemetry/upload.lock}, an OS file lock, plus a
 * per-JVM semaphore because file locks are per process).
 */
public final class UploadLock {

  /** The lock file, relative to the state directory. */
  public static final String FILE = "telemetry/upload.lock";

  /** How often a waiting holder tries again. */
  static final Duration POLL = Duration.ofMillis(10);

  private static final ConcurrentHashMap<Path, Semaphore> IN_JVM = new ConcurrentHashMap<>();

  private final Path file;
  private final Semaphore local;

  public UploadLock(Path stateDirectory) {
    this.file = stateDirectory.resolve(FILE).toAbsolutePath().normalize();
    this.local = IN_JVM.computeIfAbsent(file, f -> new Semaphore(1));
  }

  /** A held lock; closing releases it. */
  public static final class Held implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;
    private final Semaphore local;
    private boolean released;

    private Held(FileChannel channel, FileLock lock, Semaphore local) {
      this.channel = channel;
      this.lock = lock;
      this.local = local;
    }

    @Override
    public synchronized void close() {
      if (released) {
        return;
      }
      released = true;
      try {
        lock.release();
      } catch (IOException | RuntimeException e) {
        // closing the channel releases it too
      }
      try {
        channel.close();
      } catch (IOException e) {
        // nothing more to do
      }
      local.release();
    }
  }

  /**
   * Takes the lock if nobody holds it.
   *
   * @return the held lock, or empty when another holder has it or the file cannot be opened
   */
  public Optional<Held> tryAcquire() {
    if (!local.tryAcquire()) {
      return Optional.empty();
    }
    FileChannel channel = null;
    try {
      channel = StateFiles.openLockFile(file);
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return Optional.of(new Held(channel, lock, local));
      }
    } catch (IOException
        | OverlappingFileLockException
        | SecurityException
        | UnsupportedOperationException e) {
      // treated as busy
    }
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing more to do
      }
    }
    local.release();
    return Optional.empty();
  }

  /**
   * Takes the lock, trying again every {@link #POLL} until {@code deadlineNanos} ({@link
   * System#nanoTime()}).
   *
   * @return the held lock, or empty when it was not free before the deadline
   * @throws InterruptedException if interrupted while waiting
   */
  public Optional<Held> acquire(long deadlineNanos, Sleeper sleeper) throws InterruptedException {
    while (true) {
      Optional<Held> held = tryAcquire();
      if (held.isPresent()) {
        return held;
      }
      Duration left = Duration.ofNanos(deadlineNanos - System.nanoTime());
      if (left.isNegative() || left.isZero()) {
        return Optional.empty();
      }
      sleeper.sleep(left.compareTo(POLL) < 0 ? left : POLL);
    }
  }
}
