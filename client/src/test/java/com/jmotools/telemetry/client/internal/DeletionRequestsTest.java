package com.jmotools.telemetry.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeletionRequestsTest {

  private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

  @TempDir Path state;

  @Test
  void aRequestSurvivesUntilConfirmedAndFailuresAreCounted() throws Exception {
    UUID id = UUID.randomUUID();
    new DeletionRequests(state).add(id, NOW);
    DeletionRequests later = new DeletionRequests(state); // another process
    assertThat(later.any()).isTrue();
    later.failed(id, NOW.plusSeconds(30), "the server answered HTTP 407");
    assertThat(new DeletionRequests(state).list())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.anonymousId()).isEqualTo(id);
              assertThat(r.attempts()).isEqualTo(1);
              assertThat(r.notBefore()).isEqualTo(NOW.plusSeconds(30));
              assertThat(r.lastError()).isEqualTo("the server answered HTTP 407");
            });
    later.confirmed(id);
    assertThat(later.list()).isEmpty();
    assertThat(later.file()).doesNotExist();
  }

  @Test
  void theSameIdIsKeptOnceAndTheListIsBounded() throws Exception {
    DeletionRequests requests = new DeletionRequests(state);
    UUID first = UUID.randomUUID();
    requests.add(first, NOW);
    requests.add(first, NOW);
    assertThat(requests.list()).hasSize(1);
    for (int i = 0; i < DeletionRequests.MAX_REQUESTS; i++) {
      requests.add(UUID.randomUUID(), NOW);
    }
    assertThat(requests.list())
        .hasSize(DeletionRequests.MAX_REQUESTS)
        .noneMatch(r -> r.anonymousId().equals(first));
  }

  @Test
  void aCorruptFileReadsAsNoRequestAndEditedEntriesAreSkipped() throws Exception {
    DeletionRequests requests = new DeletionRequests(state);
    Files.createDirectories(requests.file().getParent());
    Files.writeString(requests.file(), "{not json");
    assertThat(requests.list()).isEmpty();
    UUID id = UUID.randomUUID();
    Files.writeString(
        requests.file(),
        "[{\"anonymous_id\":\"nope\"},{\"anonymous_id\":\""
            + id
            + "\",\"requested_at\":\"2026-11-30T10:00:00Z\",\"attempts\":2,"
            + "\"not_before\":\"2026-11-30T10:00:00Z\"}]");
    assertThat(requests.list())
        .extracting(DeletionRequests.Request::anonymousId)
        .containsExactly(id);
  }
}
