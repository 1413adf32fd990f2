package com.jmotools.telemetry.collector.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.jmotools.telemetry.collector.EventRow;
import com.jmotools.telemetry.collector.EventStore;
import com.jmotools.telemetry.collector.EventStore.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GroupCommitWriterTest {

  /** A store whose first append hits an Error, as when another thread's request took the heap. */
  private static final class FailsOnceWithAnError implements EventStore {
    final AtomicInteger appends = new AtomicInteger();
    final List<EventRow> stored = Collections.synchronizedList(new ArrayList<>());

    @Override
    public List<Outcome> append(List<EventRow> rows, Instant receivedAt) {
      if (appends.getAndIncrement() == 0) {
        throw new OutOfMemoryError("Java heap space");
      }
      stored.addAll(rows);
      return rows.stream().map(r -> Outcome.ACCEPTED).toList();
    }

    @Override
    public int erase(UUID anonymousId, Instant at) {
      return 0;
    }

    @Override
    public long purgeBefore(Instant cutoff) {
      return 0;
    }

    @Override
    public Cleaning cleanImported() {
      return new Cleaning(0, 0, 0);
    }
  }

  private static EventRow row() {
    return new EventRow(
        UUID.randomUUID().toString(),
        "scan.started",
        "0.7.0",
        "Linux",
        null,
        "java-17",
        UUID.randomUUID().toString(),
        "{\"profile\":\"fast\"}",
        "2026-11-30T10:00:00Z");
  }

  @Test
  void anErrorDuringACommitFailsThatBatchAndTheWriterGoesOn() throws Exception {
    FailsOnceWithAnError store = new FailsOnceWithAnError();
    GroupCommitWriter writer =
        new GroupCommitWriter(
            store, Clock.systemUTC(), 1000, 100, new IngestMetrics(new SimpleMeterRegistry()));
    writer.start();
    try {
      CompletableFuture<List<Outcome>> first = writer.submit(List.of(row()));
      ExecutionException failed = null;
      try {
        first.get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        failed = e;
      }
      assertThat(failed).isNotNull().hasCauseInstanceOf(OutOfMemoryError.class);

      assertThat(writer.isRunning()).isTrue();
      assertThat(writer.submit(List.of(row())).get(10, TimeUnit.SECONDS))
          .containsExactly(Outcome.ACCEPTED);
      assertThat(store.stored).hasSize(1);
      assertThat(writer.unhealthyReason(Duration.ofSeconds(30)))
          .isNull(); // the latest commit succeeded
    } finally {
      writer.close(Duration.ofSeconds(5));
    }
  }
}
