package com.jmotools.telemetry.collector.internal;

import com.jmotools.telemetry.collector.EventRow;
import com.jmotools.telemetry.collector.EventStore;
import com.jmotools.telemetry.collector.EventStore.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's single writer: requests put their events on a bounded queue; one thread takes
 * whatever is waiting (up to a batch limit), stores it in one transaction, and only then completes
 * each request's future. A durable commit is thus paid once per batch, not once per request.
 */
public final class GroupCommitWriter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final Duration WARNING_INTERVAL = Duration.ofSeconds(30);

  /** One request's events and the future its HTTP answer waits on. */
  private static final class Job {
    final List<EventRow> events;
    final CompletableFuture<List<Outcome>> result = new CompletableFuture<>();

    Job(List<EventRow> events) {
      this.events = events;
    }
  }

  private final EventStore store;
  private final Clock clock;
  private final int maxQueuedEvents;
  private final int maxBatchEvents;
  private final IngestMetrics metrics;
  private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger queuedEvents = new AtomicInteger();
  private final AtomicBoolean accepting = new AtomicBoolean(true);
  private final Thread thread;
  private volatile boolean stopped;
  private volatile long lastWarningNanos;

  /** When the latest commit failed (System.nanoTime), or 0 when the latest commit succeeded. */
  private volatile long failingSinceNanos;

  private volatile long lastFailureNanos;

  public GroupCommitWriter(
      EventStore store,
      Clock clock,
      int maxQueuedEvents,
      int maxBatchEvents,
      IngestMetrics metrics) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maxQueuedEvents < 1 || maxBatchEvents < 1) {
      throw new IllegalArgumentException(
          "queue and batch limits must be positive: " + maxQueuedEvents + ", " + maxBatchEvents);
    }
    this.maxQueuedEvents = maxQueuedEvents;
    this.maxBatchEvents = maxBatchEvents;
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    metrics.queueDepth(queuedEvents::get);
    this.thread = new Thread(this::run, "jmo-telemetry-writer");
    thread.setDaemon(false);
  }

  /** Starts the writer thread. */
  public void start() {
    thread.start();
  }

  /**
   * Queues {@code events} for the next commit.
   *
   * @return the future of their outcomes (completed after commit, or exceptionally if the commit
   *     failed), or {@code null} if the queue is full or the writer is closing: the caller answers
   *     503
   */
  public CompletableFuture<List<Outcome>> submit(List<EventRow> events) {
    if (events.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    int size = events.size();
    while (true) {
      int current = queuedEvents.get();
      if (current + size > maxQueuedEvents) {
        return null;
      }
      if (queuedEvents.compareAndSet(current, current + size)) {
        break;
      }
    }
    Job job = new Job(events);
    // Checked after reserving room so that close() either sees this job in the queue or we see it
    // closing.
    if (!accepting.get()) {
      queuedEvents.addAndGet(-size);
      return null;
    }
    queue.add(job);
    return job.result;
  }

  /** Whether the writer thread is running and accepting work. */
  public boolean isRunning() {
    return accepting.get() && thread.isAlive();
  }

  /**
   * Why the writer cannot be trusted with events now, or {@code null}: it is stopped, or its latest
   * commit failed less than {@code hold} ago. After {@code hold} without a commit the failure is no
   * longer reported, so that a load balancer sends traffic again and the next commit tells.
   */
  public String unhealthyReason(Duration hold) {
    if (!isRunning()) {
      return "the writer is stopped";
    }
    long since = failingSinceNanos;
    long last = lastFailureNanos;
    long now = System.nanoTime();
    if (since == 0 || now - last > hold.toNanos()) {
      return null;
    }
    return "commits are failing (for "
        + Math.max(1, (now - since) / 1_000_000_000L)
        + " s; the log says why)";
  }

  private void run() {
    List<Job> batch = new ArrayList<>();
    List<EventRow> events = new ArrayList<>();
    while (true) {
      Job first;
      try {
        first = queue.poll(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        // Interrupts are not how we stop: close() sets stopped and we drain first.
        continue;
      }
      if (first == null) {
        if (stopped && queue.isEmpty()) {
          return;
        }
        continue;
      }
      batch.clear();
      events.clear();
      batch.add(first);
      events.addAll(first.events);
      Job next;
      while (events.size() < maxBatchEvents
          && (next = queue.peek()) != null
          && events.size() + next.events.size() <= maxBatchEvents) {
        queue.poll();
        batch.add(next);
        events.addAll(next.events);
      }
      commit(batch, events);
    }
  }

  private void commit(List<Job> batch, List<EventRow> events) {
    long start = System.nanoTime();
    try {
      List<Outcome> outcomes = store.append(events, clock.instant());
      failingSinceNanos = 0;
      metrics.committed(events.size(), System.nanoTime() - start);
      queuedEvents.addAndGet(-events.size());
      int offset = 0;
      for (Job job : batch) {
        int n = job.events.size();
        job.result.complete(List.copyOf(outcomes.subList(offset, offset + n)));
        offset += n;
      }
    } catch (RuntimeException | Error e) {
      // An Error too: the heap running out while another thread's request holds most of it hits
      // whichever thread allocates next, often this one. The batch fails (its requests answer an
      // error and their clients retry) and the writer goes on: a stopped writer would refuse every
      // event until a restart.
      long now = System.nanoTime();
      lastFailureNanos = now;
      if (failingSinceNanos == 0) {
        failingSinceNanos = now;
      }
      queuedEvents.addAndGet(-events.size());
      metrics.commitFailed();
      warnThrottled("cannot commit a batch of " + events.size() + " events: " + e);
      for (Job job : batch) {
        job.result.completeExceptionally(e);
      }
    }
  }

  private void warnThrottled(String message) {
    long now = System.nanoTime();
    if (lastWarningNanos == 0 || now - lastWarningNanos > WARNING_INTERVAL.toNanos()) {
      lastWarningNanos = now;
      LOG.warn("{} (repeats are silenced for {} s)", message, WARNING_INTERVAL.toSeconds());
    }
  }

  /**
   * Stops taking work, commits everything already queued, and stops the thread; waits at most
   * {@code timeout}. Idempotent.
   *
   * @return true if the queue was drained in time
   */
  public boolean close(Duration timeout) {
    accepting.set(false);
    stopped = true;
    try {
      thread.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    boolean drained = !thread.isAlive();
    if (drained) {
      // A request that raced with close() may have queued after the thread's last look: refuse it.
      for (Job job; (job = queue.poll()) != null; ) {
        queuedEvents.addAndGet(-job.events.size());
        job.result.completeExceptionally(
            new IllegalStateException("the collector is shutting down"));
      }
    }
    if (!drained) {
      LOG.warn(
          "the writer did not drain its queue within {} s; {} events are not committed",
          timeout.toSeconds(),
          queuedEvents.get());
    }
    return drained;
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
