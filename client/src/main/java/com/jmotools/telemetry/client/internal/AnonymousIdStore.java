package com.jmotools.telemetry.client.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Keeps the installation's anonymous id in {@code <state>/telemetry-id}: a random UUID (v4).
 *
 * <p>A missing, empty, malformed or unreadable file is replaced, never sent as is. The file is
 * written atomically (temp file + rename), so an interrupted write cannot leave an empty id, and is
 * this user's only ({@link StateFiles}). When the state directory cannot be written, the id lives
 * in memory for this process only. Making an id and rotating it happen under the {@link StateLock},
 * so two processes that start at once without an id agree on one: the id in use is always the one
 * the file holds.
 *
 * <p>Another process may replace the id while this one runs ({@code jmo telemetry reset-id} or
 * {@code delete}): {@link #current()} follows it, looking at the file as {@link UserChoiceWatch}
 * looks at the settings (one {@code stat}; the file is read again only when it changed).
 */
public final class AnonymousIdStore {

  /** The id file's name inside the state directory. */
  public static final String FILE_NAME = "telemetry-id";

  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  private final Path file;
  private final StateLock lock;
  private UUID id;
  private boolean persisted;
  private Object seen = FileStamp.NEVER; // the file's stamp when the id in use was taken

  public AnonymousIdStore(Path stateDirectory) {
    this.file = Objects.requireNonNull(stateDirectory, "stateDirectory").resolve(FILE_NAME);
    this.lock = new StateLock(stateDirectory);
  }

  /** The id file. */
  public Path file() {
    return file;
  }

  /** The stored id if the file holds a valid one; never creates anything. */
  public synchronized UUID peek() {
    if (id != null) {
      return id;
    }
    return readValid();
  }

  /** The id, created (and persisted if possible) when there is no valid one. Never throws. */
  public UUID get() {
    synchronized (this) {
      if (id != null) {
        return id;
      }
    }
    return take();
  }

  /**
   * The id in the file now, as {@link #get()} but following a change another process made since
   * this one took its id: a rotated id is taken; a file that was removed or broken is replaced by a
   * new id, as a new run would. Costs one {@code stat} when nothing changed. Never throws.
   */
  public UUID current() {
    synchronized (this) {
      if (id != null && FileStamp.of(file).equals(seen)) {
        return id;
      }
    }
    return take();
  }

  /** Takes the id the file holds, or makes one under the state lock when it holds none. */
  private UUID take() {
    UUID stored = readStored();
    if (stored != null) {
      return stored;
    }
    // The state lock is taken before this object's monitor, never while holding it (as rotate
    // does), so the two cannot wait for each other.
    try {
      return lock.locked(this::readOrCreate);
    } catch (IOException busy) {
      return readOrCreate(); // an id is needed now: made as before the lock existed
    }
  }

  /** The valid id the file holds, now the one in use, or null. */
  private synchronized UUID readStored() {
    seen = FileStamp.of(file);
    UUID stored = readValid();
    if (stored != null) {
      id = stored;
      persisted = true;
      StateFiles.restrict(file); // an earlier version left it readable by every local user
    }
    return stored;
  }

  private synchronized UUID readOrCreate() {
    UUID stored = readStored(); // another process may have made it meanwhile
    if (stored != null) {
      return stored;
    }
    if (id == null || persisted) {
      id = UUID.randomUUID();
      persisted = tryWrite(id);
      seen = FileStamp.of(file);
    }
    // else: an id that lives in memory only (the file cannot be written) stays for this process
    return id;
  }

  /** Whether the id in use is stored on disk (false: in memory only). */
  public boolean persisted() {
    get(); // outside the monitor: it may take the state lock
    synchronized (this) {
      return persisted;
    }
  }

  /**
   * Replaces the id with a new random one and stores it.
   *
   * @return the new id
   * @throws IOException if it cannot be stored; the id in use and the file are then unchanged, so
   *     nobody is told of an id that the next run would not use
   */
  public UUID rotate() throws IOException {
    return lock.locked(this::rotateLocked);
  }

  private synchronized UUID rotateLocked() throws IOException {
    UUID next = UUID.randomUUID();
    write(next);
    id = next;
    persisted = true;
    seen = FileStamp.of(file);
    return next;
  }

  private UUID readValid() {
    try {
      if (!Files.isRegularFile(file)) {
        return null;
      }
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length > 100) {
        return null;
      }
      String text = new String(bytes, StandardCharsets.UTF_8).trim();
      return UUID_TEXT.matcher(text).matches() ? UUID.fromString(text) : null;
    } catch (IOException | SecurityException e) {
      return null;
    }
  }

  private boolean tryWrite(UUID value) {
    try {
      write(value);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void write(UUID value) throws IOException {
    try {
      if (Files.exists(file) && !Files.isRegularFile(file)) {
        // Something else squats the name (a directory, say): leave it alone.
        throw new IOException(file + " is not a regular file");
      }
      AtomicFiles.write(file, (value + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (SecurityException | UnsupportedOperationException e) {
      throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
