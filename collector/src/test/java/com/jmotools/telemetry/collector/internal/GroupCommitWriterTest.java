package com.jmotools.telemetry.collector.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.jmotools.telemetry.catalog.EventIds;
import com.jmotools.telemetry.collector.EventRow;
import com.jmotools.telemetry.collector.EventStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the single writer gathers requests into commits. */
class GroupCommitWriterTest {

  private final BatchRecordingStore store = new BatchRecordingStore();
  private GroupCommitWriter writer;

  @AfterEach
  void close() {
    if (writer != null) {
      writer.close(Duration.ofSeconds(5));
    }
  }

  @Test
  void aCommitWaitsForARequestAnnouncedBeforeItAndStartsWhenThatRequestIsQueued() throws Exception {
    writer = started(Duration.ofSeconds(20));
    GroupCommitWriter.Arrival first = writer.arrival();
    GroupCommitWriter.Arrival second = writer.arrival();
    CompletableFuture<List<EventStore.Outcome>> a = writer.submit(List.of(row()));
    first.close();
    Thread.sleep(300); // the writer holds a's commit for the request still being read
    assertThat(a).isNotDone();
    long queued = System.nanoTime();
    CompletableFuture<List<EventStore.Outcome>> b = writer.submit(List.of(row()));
    second.close();

    assertThat(a.get(10, TimeUnit.SECONDS)).containsExactly(EventStore.Outcome.ACCEPTED);
    assertThat(b.get(10, TimeUnit.SECONDS)).containsExactly(EventStore.Outcome.ACCEPTED);
    assertThat(Duration.ofNanos(System.nanoTime() - queued))
        .as("the last announced request ends the wait, not the 20 s bound")
        .isLessThan(Duration.ofSeconds(10));
    assertThat(store.batches).containsExactly(2);
  }

  @Test
  void aRequestAnnouncedButNeverQueuedHoldsACommitBackOnlyForTheWaitBound() throws Exception {
    writer = started(Duration.ofSeconds(1));
    GroupCommitWriter.Arrival stuck = writer.arrival(); // a body that never ends
    for (int i = 0; i < 2; i++) {
      assertThat(writer.submit(List.of(row())).get(5, TimeUnit.SECONDS))
          .containsExactly(EventStore.Outcome.ACCEPTED);
    }
    stuck.close();
    stuck.close(); // closing twice withdraws it once: nothing is announced any more
    long start = System.nanoTime();
    writer.submit(List.of(row())).get(5, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("with nothing announced a commit does not wait")
        .isLessThan(Duration.ofSeconds(1));
    assertThat(store.batches).containsExactly(1, 1, 1);
  }

  private GroupCommitWriter started(Duration gatherWait) {
    GroupCommitWriter w =
        new GroupCommitWriter(
            store,
            Clock.systemUTC(),
            1_000,
            100,
            new IngestMetrics(new SimpleMeterRegistry()),
            gatherWait);
    w.start();
    return w;
  }

  private static EventRow row() {
    Instant hour = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS);
    return new EventRow(
        EventIds.newId(hour).toString(),
        "scan.started",
        "0.7.0",
        "Linux",
        null,
        "java-17",
        UUID.randomUUID().toString(),
        "{}",
        hour.toString());
  }

  /** Accepts every event and records the size of each committed batch. */
  private static final class BatchRecordingStore implements EventStore {
    final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());

    @Override
    public List<Outcome> append(List<EventRow> rows, Instant receivedAt) {
      batches.add(rows.size());
      return Collections.nCopies(rows.size(), Outcome.ACCEPTED);
    }

    @Override
    public int erase(UUID anonymousId, Instant at) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long purgeBefore(Instant cutoff) {
      throw new UnsupportedOperationException();
    }
  }
}
