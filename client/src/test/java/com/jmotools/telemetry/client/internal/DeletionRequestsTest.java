package com.jmotools.telemetry.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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

class DeletionRequestsTest {

  private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
  private static final String DEFAULT = "https://telemetry.jmotools.com";
  private static final String A = "http://127.0.0.1:8001";
  private static final String B = "http://127.0.0.1:8002";

  @TempDir Path state;

  private DeletionRequests requests() {
    return new DeletionRequests(state, DEFAULT);
  }

  @Test
  void aRequestSurvivesUntilConfirmedAndFailuresAreCounted() throws Exception {
    UUID id = UUID.randomUUID();
    requests().add(id, A, NOW);
    DeletionRequests later = requests(); // another process
    assertThat(later.any()).isTrue();
    later.failed(id, A, NOW.plusSeconds(30), "the server answered HTTP 407");
    assertThat(requests().list())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.anonymousId()).isEqualTo(id);
              assertThat(r.endpoint()).isEqualTo(A);
              assertThat(r.attempts()).isEqualTo(1);
              assertThat(r.notBefore()).isEqualTo(NOW.plusSeconds(30));
              assertThat(r.lastError()).isEqualTo("the server answered HTTP 407");
            });
    later.confirmed(id, A);
    assertThat(later.list()).isEmpty();
    assertThat(later.file()).doesNotExist();
  }

  @Test
  void onlyTheCollectorARequestIsForCanConfirmIt() throws Exception {
    UUID id = UUID.randomUUID();
    DeletionRequests requests = requests();
    requests.add(id, A, NOW);
    requests.confirmed(id, B); // a foreign server's "deleted"
    requests.failed(id, B, NOW.plusSeconds(30), "x");
    assertThat(requests.list())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.endpoint()).isEqualTo(A);
              assertThat(r.attempts()).isZero();
            });
  }

  @Test
  void aRequestStoredWithoutItsCollectorIsForTheDefaultOne() throws Exception {
    UUID id = UUID.randomUUID();
    Files.createDirectories(requests().file().getParent());
    Files.writeString(
        requests().file(),
        "[{\"anonymous_id\":\""
            + id
            + "\",\"requested_at\":\"2026-11-30T10:00:00Z\",\"attempts\":2,"
            + "\"not_before\":\"2026-11-30T10:00:00Z\"}]");
    assertThat(requests().list())
        .singleElement()
        .satisfies(r -> assertThat(r.endpoint()).isEqualTo(DEFAULT));
  }

  @Test
  void noUnconfirmedRequestIsEverDroppedAtTheBound() throws Exception {
    DeletionRequests requests = requests();
    UUID first = UUID.randomUUID();
    requests.add(first, A, NOW);
    requests.add(first, A, NOW);
    assertThat(requests.list()).hasSize(1);
    for (int i = 1; i < DeletionRequests.MAX_REQUESTS; i++) {
      requests.add(UUID.randomUUID(), "http://127.0.0.1:9/" + "p".repeat(1900), NOW);
    }
    assertThat(requests.list()).hasSize(DeletionRequests.MAX_REQUESTS);
    UUID oneMore = UUID.randomUUID();
    assertThatThrownBy(() -> requests.add(oneMore, A, NOW))
        .isInstanceOf(DeletionRequests.FullException.class)
        .hasMessageContaining("none is dropped unconfirmed");
    assertThat(requests().list())
        .hasSize(DeletionRequests.MAX_REQUESTS)
        .anyMatch(r -> r.anonymousId().equals(first))
        .noneMatch(r -> r.anonymousId().equals(oneMore));
    // a long error on each does not push the file over its bound, where it could not be read
    for (DeletionRequests.Request r : requests.list()) {
      requests.failed(r.anonymousId(), r.endpoint(), NOW, "e".repeat(10_000));
    }
    assertThat(requests().list())
        .hasSize(DeletionRequests.MAX_REQUESTS)
        .allMatch(r -> r.attempts() == 1);
  }

  @Test
  void aFileThatCannotBeReadIsLeftAsItIsAndRefusesNewRequests() throws Exception {
    DeletionRequests requests = requests();
    Files.createDirectories(requests.file().getParent());
    Files.writeString(requests.file(), "{not json");
    assertThat(requests.list()).isEmpty();
    assertThatThrownBy(() -> requests.add(UUID.randomUUID(), A, NOW))
        .hasMessageContaining("is not JSON: fix or remove it");
    assertThat(requests.file()).hasContent("{not json");
  }

  @Test
  void editedEntriesAreSkipped() throws Exception {
    DeletionRequests requests = requests();
    Files.createDirectories(requests.file().getParent());
    UUID id = UUID.randomUUID();
    Files.writeString(
        requests.file(),
        "[{\"anonymous_id\":\"nope\"},{\"anonymous_id\":\""
            + id
            + "\",\"endpoint\":\""
            + A
            + "\",\"requested_at\":\"2026-11-30T10:00:00Z\",\"attempts\":2,"
            + "\"not_before\":\"2026-11-30T10:00:00Z\"}]");
    assertThat(requests.list())
        .extracting(DeletionRequests.Request::anonymousId)
        .containsExactly(id);
  }

  @Test
  void anIdIsUnusedOnlyUntilARecordingClientStarts() {
    DeletionRequests requests = requests();
    UUID id = UUID.randomUUID();
    assertThat(requests.unused(id)).isFalse();
    requests.markUnused(id);
    assertThat(requests().unused(id)).isTrue();
    assertThat(requests().unused(UUID.randomUUID())).isFalse();
    requests().markUsed();
    assertThat(requests.unused(id)).isFalse();
  }

  /**
   * Three {@code jmo} processes add requests at the same moment (each add is followed by a failed
   * attempt, so the file is rewritten twice per request): every request a process was told is
   * stored is still there, with its attempt counted. Without the cross-process lock the processes
   * read the same old file and the last writer wins.
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void requestsAddedByThreeProcessesAtOnceAllSurvive() throws Exception {
    int processes = 3;
    int each = DeletionRequests.MAX_REQUESTS / processes;
    Path start = state.resolve("start");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> children = new ArrayList<>();
    List<BufferedReader> outputs = new ArrayList<>();
    try {
      for (int p = 0; p < processes; p++) {
        Process child =
            new ProcessBuilder(
                    java,
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC",
                    "-Xmx64m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    ChangeStateFilesMain.class.getName(),
                    state.toString(),
                    start.toString(),
                    Integer.toString(each))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        children.add(child);
        outputs.add(
            new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)));
      }
      for (BufferedReader out : outputs) {
        assertThat(out.readLine()).isEqualTo("ready");
      }
      Files.createFile(start);
      List<UUID> acknowledged = new ArrayList<>();
      for (int p = 0; p < processes; p++) {
        String line;
        while ((line = outputs.get(p).readLine()) != null) {
          acknowledged.add(UUID.fromString(line));
        }
        assertThat(children.get(p).waitFor()).isZero();
      }
      assertThat(acknowledged).hasSize(processes * each);
      List<DeletionRequests.Request> stored = requests().list();
      assertThat(stored)
          .extracting(DeletionRequests.Request::anonymousId)
          .as("every acknowledged request is stored")
          .containsExactlyInAnyOrderElementsOf(acknowledged);
      assertThat(stored)
          .allSatisfy(r -> assertThat(r.attempts()).as("failed attempts counted").isEqualTo(1));
    } finally {
      children.forEach(Process::destroyForcibly);
    }
  }

  /** The same within one JVM: threads, each with its own instance, as two clients of one host. */
  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void requestsAddedByThreadsWithTheirOwnInstancesAtOnceAllSurvive() throws Exception {
    int threads = 4;
    int each = DeletionRequests.MAX_REQUESTS / threads;
    CyclicBarrier barrier = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<UUID>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  DeletionRequests mine = requests();
                  List<UUID> added = new ArrayList<>();
                  barrier.await();
                  for (int i = 0; i < each; i++) {
                    UUID id = UUID.randomUUID();
                    mine.add(id, A, NOW);
                    added.add(id);
                    mine.failed(id, A, NOW.plusSeconds(30), "offline");
                  }
                  return added;
                }));
      }
      List<UUID> acknowledged = new ArrayList<>();
      for (Future<List<UUID>> f : futures) {
        acknowledged.addAll(f.get());
      }
      List<DeletionRequests.Request> stored = requests().list();
      assertThat(stored)
          .extracting(DeletionRequests.Request::anonymousId)
          .as("every acknowledged request is stored")
          .containsExactlyInAnyOrderElementsOf(acknowledged);
      assertThat(stored)
          .allSatisfy(r -> assertThat(r.attempts()).as("failed attempts counted").isEqualTo(1));
    } finally {
      pool.shutdownNow();
    }
  }
}
