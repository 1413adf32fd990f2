package com.jmotools.telemetry.client.internal;

import com.jmotools.telemetry.client.Sleeper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises the read-modify-write of the small state files (the deletion requests, the user's
 * settings, the id file and its unused-id marker) across every process and thread that shares the
 * state directory: {@code <state>/telemetry/state.lock}, an OS file lock, plus a per-JVM reentrant
 * lock, because an OS lock is held per process. Without it two {@code jmo} processes that update a
 * file at once both read the old content and the last writer wins: a stored erasure request or the
 * user's "off" could vanish.
 *
 * <p>It is held only around a read and the write that depends on it, never while waiting for the
 * network or the {@link UploadLock}, so the two cannot deadlock; a thread that holds it may take it
 * again. Waiting is bounded ({@link #DEFAULT_WAIT}). Where no lock file can be made or locked (a
 * read-only directory, a file system without locks) the action runs unlocked, as it did before this
 * lock existed: such a directory cannot hold the state files either, and the action reports its own
 * failure.
 */
public final class StateLock {

  /** The lock file, relative to the state directory. */
  public static final String FILE = "telemetry/state.lock";

  /**
   * The longest a change waits for another holder: 2 s. Holders keep it for a few milliseconds, so
   * only a stopped process holds it that long.
   */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(2);

  /** How often a waiting change tries the OS lock again. */
  static final Duration POLL = Duration.ofMillis(5);

  /** What runs under the lock. */
  @FunctionalInterface
  public interface Action<T> {
    T run() throws IOException;
  }

  /** The lock could not be had in time; nothing was changed. */
  public static final class BusyException extends IOException {
    private static final long serialVersionUID = 1L;

    BusyException(String message) {
      super(message);
    }
  }

  /** What the threads of this JVM share for one lock file. */
  private static final class Shared {
    final ReentrantLock inJvm = new ReentrantLock();
  }

  private static final ConcurrentHashMap<Path, Shared> IN_JVM = new ConcurrentHashMap<>();

  private final Path file;
  private final Shared shared;
  private final Duration wait;
  private final Sleeper sleeper;

  public StateLock(Path stateDirectory) {
    this(stateDirectory, DEFAULT_WAIT, Sleeper.SYSTEM);
  }

  /** Visible for testing: a shorter wait. */
  StateLock(Path stateDirectory, Duration wait, Sleeper sleeper) {
    this.file = stateDirectory.resolve(FILE).toAbsolutePath().normalize();
    this.shared = IN_JVM.computeIfAbsent(file, f -> new Shared());
    if (wait.isNegative()) {
      throw new IllegalArgumentException("wait < 0: " + wait);
    }
    this.wait = wait;
    this.sleeper = sleeper;
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  /**
   * Runs {@code action} while holding the lock.
   *
   * @return what {@code action} returns
   * @throws BusyException if another process or thread held the lock for longer than the wait;
   *     {@code action} did not run
   * @throws InterruptedIOException if interrupted while waiting (the interrupt flag is restored)
   * @throws IOException what {@code action} throws
   */
  public <T> T locked(Action<T> action) throws IOException {
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      if (!shared.inJvm.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
        throw busy();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + file);
    }
    try {
      if (shared.inJvm.getHoldCount() > 1) {
        return action.run(); // this thread holds the OS lock already (or runs unlocked)
      }
      FileChannel channel = lockFile(deadline);
      try {
        return action.run();
      } finally {
        if (channel != null) {
          try {
            channel.close(); // releases the OS lock
          } catch (IOException e) {
            // the process's exit releases it at the latest
          }
        }
      }
    } finally {
      shared.inJvm.unlock();
    }
  }

  /**
   * Takes the OS lock before {@code deadline}.
   *
   * @return the channel that holds it, or {@code null} when none can be taken here (run unlocked)
   */
  private FileChannel lockFile(long deadline) throws IOException {
    FileChannel channel;
    try {
      channel = StateFiles.openLockFile(file);
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      return null;
    }
    boolean held = false;
    try {
      while (true) {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null; // held through another channel of this JVM: wait as for another process
        }
        if (lock != null) {
          held = true;
          return channel;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw busy();
        }
        sleeper.sleep(left < POLL.toNanos() ? Duration.ofNanos(left) : POLL);
      }
    } catch (BusyException e) {
      throw e;
    } catch (IOException | UnsupportedOperationException e) {
      return null; // no locks on this file system
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + file);
    } finally {
      if (!held) {
        try {
          channel.close();
        } catch (IOException e) {
          // nothing more to do
        }
      }
    }
  }

  private BusyException busy() {
    return new BusyException(
        "another jmo process has been changing the telemetry state for more than "
            + wait.toMillis()
            + " ms (it holds "
            + file
            + "); nothing was changed, try again");
  }
}
