package com.jmotools.telemetry.client.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How the client creates the files and folders of its state directory: for this user only. The
 * anonymous id (and every event, which carries it) is pseudonymous data; another local user who
 * could read it could send events under it or have its rows erased. On a file system with POSIX
 * permissions, folders the client creates are {@code rwx------} and files {@code rw-------};
 * elsewhere (Windows) the file system's defaults apply. Folders that already exist are left as they
 * are: {@code $JMO_HOME} may name a folder the user shares on purpose.
 */
public final class StateFiles {

  /** The permissions of a file the client creates: {@code rw-------}. */
  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  /** The permissions of a folder the client creates: {@code rwx------}. */
  public static final Set<PosixFilePermission> FOLDER =
      PosixFilePermissions.fromString("rwx------");

  /** The folders the client writes into, relative to the state directory (and itself). */
  private static final List<String> WRITTEN_FOLDERS = List.of("", "telemetry", "telemetry/outbox");

  private StateFiles() {}

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /**
   * Creates {@code dir} and its missing parents, each for this user only.
   *
   * @throws IOException if one cannot be created
   */
  public static void createDirectories(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath();
    if (!posix(absolute)) {
      Files.createDirectories(absolute);
      return;
    }
    if (Files.isDirectory(absolute)) {
      return;
    }
    Path parent = absolute.getParent();
    if (parent != null) {
      createDirectories(parent);
    }
    try {
      Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(FOLDER));
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(absolute)) {
        throw e; // a file squats the name
      }
    }
  }

  /** The attributes that make a new file this user's only (none where there are no POSIX ones). */
  public static FileAttribute<?>[] newFile(Path file) {
    return posix(file)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
        : new FileAttribute<?>[0];
  }

  /**
   * Opens a lock file of the state directory for writing, creating it (and its folders) this user's
   * only: the one way {@link StateLock} and {@link UploadLock} open theirs.
   */
  static FileChannel openLockFile(Path file) throws IOException {
    createDirectories(file.getParent());
    return FileChannel.open(
        file, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), newFile(file));
  }

  /**
   * Makes an existing file that others may read or write this user's only: a file an earlier
   * version created with the default permissions. Never throws; a file that cannot be changed (not
   * this user's) is left as it is.
   */
  public static void restrict(Path file) {
    try {
      if (!posix(file) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      Set<PosixFilePermission> now = Files.getPosixFilePermissions(file);
      if (!FILE.containsAll(now)) {
        Set<PosixFilePermission> own = java.util.EnumSet.copyOf(FILE);
        own.retainAll(now);
        Files.setPosixFilePermissions(file, own);
      }
    } catch (IOException | RuntimeException e) {
      // best effort: the next rewrite replaces it with a private file anyway
    }
  }

  /**
   * Why the client cannot write its state, or empty when it can: a folder it writes into exists but
   * is not writable by this user (after {@code sudo jmo ...} made it root's, say), or is missing
   * and cannot be created. Checks permissions only; never throws.
   */
  public static Optional<String> problem(Path stateDirectory) {
    try {
      for (String relative : WRITTEN_FOLDERS) {
        Path dir = relative.isEmpty() ? stateDirectory : stateDirectory.resolve(relative);
        if (Files.exists(dir)) {
          if (!Files.isDirectory(dir)) {
            return Optional.of(dir + " is not a folder");
          }
          if (!Files.isWritable(dir)) {
            return Optional.of(dir + " is not writable by this user");
          }
          continue;
        }
        Path existing = dir.toAbsolutePath().getParent();
        while (existing != null && !Files.exists(existing)) {
          existing = existing.getParent();
        }
        if (existing != null && (!Files.isDirectory(existing) || !Files.isWritable(existing))) {
          return Optional.of(dir + " cannot be created: " + existing + " is not writable");
        }
        return Optional.empty(); // the folders below are created with this one
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty(); // cannot tell: the writes themselves will say
    }
  }

  /**
   * An I/O failure in words for a person: "permission denied", the system's reason (such as "no
   * space left on device"), or the exception's message; never a bare temporary file's path.
   */
  public static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or folder";
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason().toLowerCase(Locale.ROOT);
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
