package com.jmotools.telemetry.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jmotools.telemetry.client.Sleeper;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateLockTest {

  private static final Duration SHORT = Duration.ofMillis(50);

  @TempDir Path state;

  @Test
  void aLockHeldElsewhereIsWaitedForBoundedlyThenRefusedWithAClearMessageAndNothingRuns()
      throws Exception {
    StateLock lock = new StateLock(state, SHORT, Sleeper.SYSTEM);
    Files.createDirectories(lock.file().getParent());
    AtomicBoolean ran = new AtomicBoolean();
    // another holder of the OS lock (as another process would hold it)
    try (FileChannel other =
            FileChannel.open(lock.file(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = other.lock()) {
      assertThat(held.isValid()).isTrue();
      long start = System.nanoTime();
      assertThatThrownBy(
              () ->
                  lock.locked(
                      () -> {
                        ran.set(true);
                        return null;
                      }))
          .isInstanceOf(StateLock.BusyException.class)
          .hasMessageContaining("another jmo process")
          .hasMessageContaining(lock.file().toString())
          .hasMessageContaining("nothing was changed, try again");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
    assertThat(ran).isFalse();
    // released: the next change goes through
    assertThat(lock.locked(() -> "done")).isEqualTo("done");
  }

  @Test
  void aDeletionRequestThatCannotTakeTheLockIsRefusedAndTheFileIsLeftAsItIs() throws Exception {
    DeletionRequests requests = new DeletionRequests(state, "http://127.0.0.1:8001");
    UUID first = UUID.randomUUID();
    requests.add(first, "http://127.0.0.1:8001", java.time.Instant.EPOCH);
    String before = Files.readString(requests.file());
    Path lockFile = state.resolve(StateLock.FILE);
    try (FileChannel other = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        FileLock held = other.lock()) {
      assertThat(held.isValid()).isTrue();
      // waits DEFAULT_WAIT (2 s), then says why
      assertThatThrownBy(
              () ->
                  requests.add(UUID.randomUUID(), "http://127.0.0.1:8001", java.time.Instant.EPOCH))
          .isInstanceOf(StateLock.BusyException.class)
          .hasMessageContaining("try again");
    }
    assertThat(requests.file()).hasContent(before);
  }

  @Test
  void aThreadThatHoldsTheLockMayTakeItAgain() throws Exception {
    StateLock lock = new StateLock(state, SHORT, Sleeper.SYSTEM);
    String inner =
        lock.locked(() -> new StateLock(state, SHORT, Sleeper.SYSTEM).locked(() -> "in"));
    assertThat(inner).isEqualTo("in");
  }

  @Test
  void whereNoLockFileCanBeMadeTheChangeRunsAndReportsItsOwnFailure() throws Exception {
    Path notADirectory = Files.writeString(state.resolve("a-file"), "x");
    StateLock lock = new StateLock(notADirectory, SHORT, Sleeper.SYSTEM);
    assertThat(lock.locked(() -> "ran")).isEqualTo("ran");
    assertThat(Files.exists(lock.file())).isFalse();
  }

  @Test
  void anInterruptedWaitRestoresTheFlag() throws Exception {
    StateLock lock = new StateLock(state, Duration.ofSeconds(5), Sleeper.SYSTEM);
    Files.createDirectories(lock.file().getParent());
    try (FileChannel other =
            FileChannel.open(lock.file(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = other.lock()) {
      assertThat(held.isValid()).isTrue();
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> lock.locked(() -> null)).isInstanceOf(InterruptedIOException.class);
      assertThat(Thread.interrupted()).as("flag restored (and cleared here)").isTrue();
    }
  }
}
