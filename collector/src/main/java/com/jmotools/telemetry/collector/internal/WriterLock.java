package com.jmotools.telemetry.collector.internal;

import com.jmotools.telemetry.collector.DatabaseException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes one collector at a time the writer of a SQLite database: an operating-system lock on a file
 * beside it ({@code <database>.writer-lock}), released when the collector stops or dies. The
 * collector keeps the ids of recent events in memory ({@link SqliteEventIds}), which is only right
 * while no other process adds events. Several collectors share a PostgreSQL database instead.
 */
public final class WriterLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private WriterLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code database} (the SQLite file).
   *
   * @throws DatabaseException if another collector holds it, or the lock file cannot be opened
   */
  public static WriterLock acquire(Path database) {
    Path file = database.resolveSibling(database.getFileName() + ".writer-lock");
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new DatabaseException("cannot open the lock file " + file + ": " + e.getMessage(), e);
    }
    FileLock lock = null;
    Exception failure = null;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException | IOException e) {
      failure = e; // held in this JVM already, or locking is not supported here
    }
    if (lock == null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Nothing was locked.
      }
      throw new DatabaseException(
          "another collector is already writing to "
              + database
              + ": one collector serves a SQLite database (several collectors can share a"
              + " PostgreSQL one)",
          failure);
    }
    return new WriterLock(channel, lock);
  }

  /** Releases the lock (the file stays: removing it could race with a collector starting). */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // Closing the channel below releases it all the same.
    } finally {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Nothing left to release.
      }
    }
  }
}
