package com.jmotools.telemetry.collector.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jmotools.telemetry.collector.DatabaseException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriterLockTest {

  @TempDir Path dir;

  @Test
  void oneWriterAtATimeAndTheLockIsFreedOnClose() {
    Path db = dir.resolve("a.db");
    WriterLock first = WriterLock.acquire(db);
    try (first) {
      assertThatThrownBy(() -> WriterLock.acquire(db))
          .isInstanceOf(DatabaseException.class)
          .hasMessageContaining("another collector is already writing to " + db);
      try (WriterLock other = WriterLock.acquire(dir.resolve("b.db"))) {
        assertThat(other).isNotNull();
      }
    }
    try (WriterLock again = WriterLock.acquire(db)) {
      assertThat(again).isNotNull();
    }
  }
}
