package com.jmotools.telemetry.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnonymousIdStoreTest {

  @TempDir Path state;

  private String fileText() throws Exception {
    return Files.readString(state.resolve(AnonymousIdStore.FILE_NAME), StandardCharsets.UTF_8)
        .trim();
  }

  @Test
  void createsARandomVersion4UuidAndKeepsIt() throws Exception {
    UUID id = new AnonymousIdStore(state).get();
    assertThat(id.version()).isEqualTo(4);
    assertThat(fileText()).isEqualTo(id.toString());
    assertThat(new AnonymousIdStore(state).get()).isEqualTo(id);
    try (var files = Files.list(state)) {
      assertThat(files)
          .as("no temp file left behind")
          .allMatch(p -> !p.getFileName().toString().startsWith(AtomicFiles.TEMP_PREFIX));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   \n",
        "test-uuid",
        "not a uuid at all",
        "a7f3c8e2-4b1d-4f9e-8c3a-2d5e7f9b1a3"
      })
  void replacesAnEmptyOrMalformedFile(String content) throws Exception {
    Files.writeString(state.resolve(AnonymousIdStore.FILE_NAME), content);
    UUID id = new AnonymousIdStore(state).get();
    assertThat(id.toString()).isNotEqualTo(content.trim());
    assertThat(fileText()).isEqualTo(id.toString());
  }

  @Test
  void replacesAnOversizedFile() throws Exception {
    UUID good = UUID.randomUUID();
    Files.writeString(state.resolve(AnonymousIdStore.FILE_NAME), good + " ".repeat(200) + "x");
    assertThat(new AnonymousIdStore(state).get()).isNotEqualTo(good);
  }

  @Test
  void acceptsAValidIdWithSurroundingWhitespace() throws Exception {
    UUID id = UUID.randomUUID();
    Files.writeString(state.resolve(AnonymousIdStore.FILE_NAME), "  " + id + "\n");
    assertThat(new AnonymousIdStore(state).get()).isEqualTo(id);
  }

  @Test
  void anUnreadableIdFileIsNotSentAndTheIdStaysInMemory() throws Exception {
    // a directory squatting the name cannot be read as a file (works even as root)
    Files.createDirectories(state.resolve(AnonymousIdStore.FILE_NAME));
    AnonymousIdStore store = new AnonymousIdStore(state);
    UUID id = store.get();
    assertThat(id.version()).isEqualTo(4);
    assertThat(store.persisted()).isFalse();
    assertThat(store.get()).isEqualTo(id);
  }

  @Test
  void rotationReplacesTheId() throws Exception {
    AnonymousIdStore store = new AnonymousIdStore(state);
    UUID first = store.get();
    UUID second = store.rotate();
    assertThat(second).isNotEqualTo(first);
    assertThat(fileText()).isEqualTo(second.toString());
    assertThat(store.get()).isEqualTo(second);
  }

  @Test
  void anUnwritableHomeGivesAnInMemoryIdWithoutCrashing() throws Exception {
    Path file = Files.writeString(state.resolve("a-file"), "x");
    Path impossible = file.resolve("home"); // a directory below a regular file cannot exist
    AnonymousIdStore store = new AnonymousIdStore(impossible);
    UUID id = store.get();
    assertThat(id).isNotNull();
    assertThat(store.persisted()).isFalse();
    assertThat(Files.exists(impossible)).isFalse();
  }

  @Test
  void aRotationThatCannotBeStoredFailsAndKeepsTheOldId() throws Exception {
    AnonymousIdStore store = new AnonymousIdStore(state);
    UUID id = store.get();
    Path squatter = state.resolve("elsewhere");
    AnonymousIdStore unwritable = new AnonymousIdStore(Files.writeString(squatter, "x"));
    assertThatThrownBy(unwritable::rotate).isInstanceOf(IOException.class);
    // the same with the real file replaced by a directory the store must not touch
    Files.delete(state.resolve(AnonymousIdStore.FILE_NAME));
    Files.createDirectory(state.resolve(AnonymousIdStore.FILE_NAME));
    assertThatThrownBy(store::rotate)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a regular file");
    assertThat(store.get()).as("the id in use is not replaced by one nobody stored").isEqualTo(id);
  }

  @Test
  void peekNeverCreatesAFile() {
    assertThat(new AnonymousIdStore(state).peek()).isNull();
    assertThat(state.resolve(AnonymousIdStore.FILE_NAME)).doesNotExist();
  }

  /**
   * Two first runs at once (each its own store, as two processes) agree on one id: the one in the
   * file. Otherwise one would send events under an id that no file holds, which a later {@code jmo
   * telemetry delete} finds only while {@code sent.jsonl} still lists it.
   */
  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void twoFirstRunsAtOnceAgreeOnTheStoredId() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<String> split = new ArrayList<>();
    try {
      for (int round = 0; round < 200; round++) {
        Path home = state.resolve("home-" + round);
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<Future<UUID>> ids = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          ids.add(
              pool.submit(
                  () -> {
                    AnonymousIdStore store = new AnonymousIdStore(home);
                    barrier.await();
                    return store.get();
                  }));
        }
        UUID first = ids.get(0).get();
        UUID second = ids.get(1).get();
        UUID stored = new AnonymousIdStore(home).peek();
        if (!first.equals(stored) || !second.equals(stored)) {
          split.add("round " + round + ": " + first + " and " + second + ", file " + stored);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(split).as("first runs that used an id the file does not hold").isEmpty();
  }
}
