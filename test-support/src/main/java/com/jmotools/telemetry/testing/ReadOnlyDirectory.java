package com.jmotools.telemetry.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Makes a directory read-only for the test's duration, as a user's read-only state directory: no
 * file can be created, renamed or removed in it. Permissions alone do not stop root (tests often
 * run as root in containers), so when they do not suffice it also sets the immutable attribute
 * ({@code chattr +i}); where neither works, the test is skipped rather than passing vacuously.
 * {@link #close} restores the directory so the temporary directory can be deleted.
 */
public final class ReadOnlyDirectory implements AutoCloseable {

  private final Path dir;
  private final Set<PosixFilePermission> before;
  private boolean immutable;

  private ReadOnlyDirectory(Path dir) throws IOException {
    this.dir = dir;
    this.before = Files.getPosixFilePermissions(dir);
  }

  /** Makes {@code dir} read-only; skips the test when this machine cannot. */
  public static ReadOnlyDirectory of(Path dir) throws IOException, InterruptedException {
    ReadOnlyDirectory r = new ReadOnlyDirectory(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    if (r.writable()) {
      r.immutable = chattr("+i", dir);
    }
    if (r.writable()) {
      r.close();
      assumeTrue(false, "cannot make " + dir + " read-only on this machine");
    }
    return r;
  }

  private boolean writable() {
    Path probe = dir.resolve(".probe-" + System.nanoTime());
    try {
      Files.createFile(probe);
      Files.delete(probe);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean chattr(String flag, Path dir) throws InterruptedException {
    try {
      Process p =
          new ProcessBuilder("chattr", flag, dir.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false; // no chattr
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (immutable) {
        immutable = !chattr("-i", dir);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Files.setPosixFilePermissions(dir, before);
  }
}
