package com.jmotools.telemetry.client.internal;

import com.jmotools.telemetry.client.DropReason;
import com.jmotools.telemetry.client.FlushResult;
import com.jmotools.telemetry.client.Sleeper;
import com.jmotools.telemetry.client.TelemetryStats;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sink of a recording client: a bounded in-memory queue, written to the {@link Outbox} and
 * uploaded by one named daemon worker ({@value #THREAD_NAME}).
 *
 * <p>{@link #accept} only enqueues (when full, the oldest is dropped and counted {@code
 * queue_full}). The worker writes each event to the outbox at once. It sends what the outbox holds,
 * backing off on failures ({@link Backoff}) and honouring {@code Retry-After} (waiting the longer
 * of it and the backoff, at least 1 s, and counting it as a failed attempt), once this run is a
 * sending one: at once when {@code shortRun} is zero or delivery is {@linkplain #deliveryDue()
 * due}, else when the run has lasted {@code shortRun}. {@link #close} writes whatever is still
 * queued to disk first; a sending run then gives the worker until the deadline to deliver, and a
 * run that ended sooner leaves its events in the outbox for a later one without waiting at all.
 * What is not delivered stays in the outbox for the next run. A shutdown hook writes the queue to
 * disk if the host exits without closing. Before each write and each batch it asks the {@link
 * UserChoiceWatch}: once the user switched telemetry off, even from another process, events are
 * dropped (counted {@code switched_off}) and nothing is sent.
 */
public final class OutboxPipeline implements EventSink {

  /** The worker thread's name. */
  public static final String THREAD_NAME = "jmo-telemetry-uploader";

  /** How long the worker waits before trying again when another process holds the upload lock. */
  static final Duration LOCK_BUSY_WAIT = Duration.ofMillis(200);

  /**
   * {@link #close} stops waiting for delivery this long before its deadline (at most a tenth of the
   * timeout), keeping the time to cut a hanging connection and return within the bound even on a
   * busy machine.
   */
  static final Duration CLOSE_MARGIN = Duration.ofMillis(50);

  /**
   * The shortest wait after a 429/503, whatever its {@code Retry-After} and the backoff say: a
   * {@code Retry-After: 0} must not have the worker call again as fast as the collector answers.
   */
  static final Duration MIN_RETRY_WAIT = HttpUploader.MIN_RETRY_AFTER;

  /** How many events are written between two trims of the outbox by the writer itself. */
  static final int TRIM_EVERY = 64;

  /**
   * Delivery is due when the outbox holds a {@value}th of its count bound: short runs alone never
   * fill it so far that the bound drops their events.
   */
  static final int DUE_SHARE_OF_MAX_EVENTS = 4;

  private final Outbox outbox;
  private final Delivery delivery;
  private final UploadLock uploadLock;
  private final Uploader uploader;
  private final UserChoiceWatch userChoice;
  private final Counters counters;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Random random;
  private final Backoff backoff;
  private final Duration networkTimeout;
  private final ArrayBlockingQueue<QueuedEvent> queue;
  private final EventEncoder encoder;
  private final Duration shortRun;
  private final Duration maxWait;
  private final int dueCount;
  private final long startNanos = System.nanoTime();

  private final ReentrantLock persistLock = new ReentrantLock();
  private int writtenSinceTrim; // guarded by persistLock
  private final AtomicInteger written =
      new AtomicInteger(); // events this pipeline wrote to the outbox
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private boolean signalled;
  private volatile boolean closing;
  private volatile boolean sending; // this run sends: it lasted shortRun, or delivery was due
  private volatile long closeDeadlineNanos;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch workerDone = new CountDownLatch(1);
  private final Thread worker;
  private final Thread shutdownHook;

  /**
   * Builds and starts the pipeline: its outbox, uploader and delivery come from {@code settings};
   * {@code encoder} validates the events recorded before the catalog was loaded, on the worker.
   */
  public OutboxPipeline(PipelineSettings settings, Counters counters, EventEncoder encoder) {
    this.counters = Objects.requireNonNull(counters, "counters");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.shortRun = settings.shortRun();
    this.maxWait = settings.maxWait();
    this.dueCount = Math.max(1, settings.limits().maxEvents() / DUE_SHARE_OF_MAX_EVENTS);
    this.clock = settings.clock();
    this.sleeper = settings.sleeper();
    this.random = settings.random();
    this.backoff = settings.backoff();
    this.networkTimeout = settings.networkTimeout();
    this.userChoice = settings.userChoice();
    Path state = settings.stateDirectory();
    this.outbox = new Outbox(state, settings.limits(), clock, counters, settings.endpointTag());
    this.uploader =
        settings.endpoint() == null
            ? Uploader.NONE
            : new HttpUploader(settings.endpoint(), networkTimeout, clock);
    this.delivery =
        new Delivery(
            outbox,
            uploader,
            new RetryAfterStore(state, clock),
            new SentLog(state, settings.maxSentLogBytes()),
            encoder::validator,
            counters);
    this.uploadLock = new UploadLock(state);
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
    this.worker = new Thread(this::runWorker, THREAD_NAME);
    worker.setDaemon(true);
    this.shutdownHook = new Thread(() -> persistQueued(false), THREAD_NAME + "-shutdown");
    try {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } catch (IllegalStateException | SecurityException e) {
      // shutting down already: close() still persists the queue
    }
    worker.start();
  }

  @Override
  public void accept(QueuedEvent event) {
    if (closed.get()) {
      // after close there is no worker: keep it on disk for the next run
      write(event, false);
      return;
    }
    while (!queue.offer(event)) {
      if (queue.poll() != null) {
        counters.dropped(DropReason.QUEUE_FULL, 1);
      }
    }
    signal();
  }

  /**
   * Writes every queued event to the outbox (in the calling thread). Callers are serialised, so
   * when it returns every event recorded before the call is on disk, even one another thread had
   * taken from the queue.
   *
   * @param mayWait whether an event recorded before the catalog was loaded may wait for it to be
   *     validated here; if not (the host is exiting), it is stored as recorded, and validated
   *     before it is sent (the delivery re-validates every entry, so nothing unchecked leaves the
   *     machine)
   */
  void persistQueued(boolean mayWait) {
    persistQueued(mayWait, true);
  }

  /**
   * As {@link #persistQueued(boolean)}; {@code trimAtClose} false when the caller trims right
   * after.
   */
  private void persistQueued(boolean mayWait, boolean trimAtClose) {
    persistLock.lock();
    try {
      QueuedEvent e;
      while ((e = queue.poll()) != null) {
        write(e, mayWait);
        writtenSinceTrim++;
      }
      // listing the outbox costs a stat per entry: trim every TRIM_EVERY writes (and at close);
      // the holder of the upload lock also trims before every batch it sends
      if (writtenSinceTrim >= TRIM_EVERY || (closing && trimAtClose && writtenSinceTrim > 0)) {
        writtenSinceTrim = 0;
        trimQuietly();
      }
    } finally {
      persistLock.unlock();
    }
  }

  private void trimQuietly() {
    // trimming removes files: only the holder of the upload lock does it, so two processes never
    // both drop "the oldest"; if it is busy, the holder trims before its next batch
    Optional<UploadLock.Held> held = uploadLock.tryAcquire();
    if (held.isPresent()) {
      UploadLock.Held lock = held.get();
      try (lock) {
        outbox.trim();
      }
    }
  }

  private void write(QueuedEvent e, boolean mayWait) {
    if (!userChoice.allows()) {
      counters.dropped(DropReason.SWITCHED_OFF, 1);
      return;
    }
    try {
      byte[] json;
      boolean validated = true;
      if (e.json() != null) {
        json = e.json();
      } else if (mayWait || encoder.ready()) {
        json = encoder.encode(e.unvalidated());
      } else {
        json = JsonTrees.toBytes(e.unvalidated());
        validated = false;
      }
      if (json == null) {
        return; // invalid: counted by the encoder
      }
      outbox.add(e.eventId(), json, e.recordedAt(), validated);
      written.incrementAndGet();
    } catch (IOException | RuntimeException ex) {
      counters.dropped(DropReason.OUTBOX_UNWRITABLE, 1);
    }
  }

  private void signal() {
    lock.lock();
    try {
      signalled = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits for a signal, at most {@code max} (null: no limit). */
  // Not in a loop on purpose: a spurious wake-up only starts the worker's next pass early.
  @SuppressWarnings("WaitNotInLoop")
  private void await(Duration max) throws InterruptedException {
    lock.lock();
    try {
      if (!signalled && !closing) {
        if (max == null) {
          wake.await();
        } else if (!max.isNegative() && !max.isZero()) {
          wake.await(max.toNanos(), TimeUnit.NANOSECONDS);
        }
      }
      signalled = false;
    } finally {
      lock.unlock();
    }
  }

  private void runWorker() {
    try {
      encoder.warmUp();
      runUntilClosing();
      if (closing) {
        if (sending) {
          finalFlush();
        } else {
          // a short run: its events wait in the outbox and nobody waits for them; the run that
          // sends them trims the outbox first
          persistQueued(true, false);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      // a bug must not reach the host; the outbox keeps the events for the next run
    } finally {
      workerDone.countDown();
    }
  }

  private void runUntilClosing() throws InterruptedException {
    int failures = 0;
    boolean gaveUp = false;
    Instant notBefore = null;
    boolean warm = false;
    // a short run must not pay for the network: events wait on disk until the run has lasted
    // shortRun, unless what earlier runs left has waited long enough already
    if (shortRun.isZero() || deliveryDue()) {
      sending = true;
    }
    long sendFrom = startNanos + shortRun.toNanos();
    while (!closing) {
      try {
        persistQueued(true);
        if (!sending) {
          long left = sendFrom - System.nanoTime();
          if (left > 0) {
            await(Duration.ofNanos(left));
            continue;
          }
          sending = true;
        }
        if (!warm) {
          warm = true;
          uploader.warmUp();
        }
        if (gaveUp) {
          await(null);
          continue;
        }
        if (notBefore != null && clock.instant().isBefore(notBefore)) {
          await(Duration.between(clock.instant(), notBefore));
          continue;
        }
        notBefore = null;
        Optional<UploadLock.Held> held = uploadLock.tryAcquire();
        if (held.isEmpty()) {
          await(LOCK_BUSY_WAIT);
          continue;
        }
        Delivery.Pass pass;
        UploadLock.Held lock = held.get();
        try (lock) {
          pass = sendOneBatch(networkTimeout);
        }
        switch (pass.kind()) {
          case EMPTY:
            failures = 0;
            await(null);
            break;
          case PROGRESS:
            failures = 0;
            break;
          case RETRY_LATER:
            // counts as a failure: a collector that keeps saying "later" (even "in 0 s") gets no
            // more tries in this run than one that is down, and never sooner than the backoff
            failures++;
            if (backoff.mayRetry(failures)) {
              Duration d = backoff.delay(failures, random);
              notBefore =
                  later(
                      pass.notBefore(),
                      clock.instant().plus(d.compareTo(MIN_RETRY_WAIT) < 0 ? MIN_RETRY_WAIT : d));
            } else {
              gaveUp = true;
            }
            break;
          case FAILED:
          default:
            failures++;
            if (backoff.mayRetry(failures)) {
              notBefore = clock.instant().plus(backoff.delay(failures, random));
            } else {
              gaveUp = true;
            }
            break;
        }
      } catch (RuntimeException e) {
        // keep going, but never spin on a repeated failure
        // a bug must not reach the host; the outbox keeps the events for the next run
        await(Duration.ofSeconds(1));
      }
    }
  }

  private static Instant later(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }

  /**
   * One batch, unless the user switched telemetry off meanwhile: then nothing is sent, and the pass
   * is empty (the worker waits for close, a flush ends).
   */
  private Delivery.Pass sendOneBatch(Duration timeout) {
    if (!userChoice.allows()) {
      return new Delivery.Pass(Delivery.Kind.EMPTY, 0, 0, 0, null, null, false);
    }
    return delivery.sendOneBatch(timeout);
  }

  /**
   * Whether what earlier runs left must go now: the oldest entry has waited {@code maxWait}, or
   * they are {@code dueCount} entries. This run's own events (the host may have recorded and even
   * closed already) do not count. Reads file names only.
   */
  private boolean deliveryDue() {
    persistLock.lock(); // no write of ours in between: the count and ours agree
    try {
      Outbox.Backlog backlog = outbox.backlog();
      int earlier = backlog.count() - written.get();
      return earlier > 0
          && (earlier >= dueCount || !backlog.oldest().isAfter(clock.instant().minus(maxWait)));
    } finally {
      persistLock.unlock();
    }
  }

  /**
   * At close: send what is left until the outbox is empty, the deadline passes, or the collector
   * says wait.
   */
  private void finalFlush() throws InterruptedException {
    // the delivery trims the outbox before it sends: trim here only if it does not get that far
    persistQueued(true, false);
    while (true) {
      long left = closeDeadlineNanos - System.nanoTime();
      if (left <= 0) {
        persistQueued(true, true);
        return;
      }
      Optional<UploadLock.Held> held = uploadLock.acquire(closeDeadlineNanos, sleeper);
      if (held.isEmpty()) {
        return; // the holder trims before its next batch
      }
      Delivery.Pass pass;
      UploadLock.Held lock = held.get();
      try (lock) {
        Duration remaining = Duration.ofNanos(closeDeadlineNanos - System.nanoTime());
        pass = sendOneBatch(remaining.compareTo(networkTimeout) < 0 ? remaining : networkTimeout);
      }
      if (pass.kind() != Delivery.Kind.PROGRESS || !pass.more()) {
        return; // done, or what is left waits for the next run
      }
    }
  }

  @Override
  public FlushResult flush(Duration timeout) {
    // The worker thread may deliver some of the same entries meanwhile: the result counts what
    // this pipeline's counters saw, so it reports every delivery of the flush, whoever sent it.
    TelemetryStats before = counters.snapshot();
    persistQueued(true);
    long deadline = System.nanoTime() + timeout.toNanos();
    int delivered = 0;
    int rejected = 0;
    int dropped = 0;
    Instant notBefore = null;
    String error = null;
    try {
      while (true) {
        Optional<UploadLock.Held> held = uploadLock.acquire(deadline, sleeper);
        if (held.isEmpty()) {
          error = "another process is uploading; try again shortly";
          break;
        }
        Delivery.Pass pass;
        UploadLock.Held lock = held.get();
        try (lock) {
          Duration remaining = Duration.ofNanos(deadline - System.nanoTime());
          if (remaining.isNegative() || remaining.isZero()) {
            error = "no time left";
            break;
          }
          pass = sendOneBatch(remaining.compareTo(networkTimeout) < 0 ? remaining : networkTimeout);
        }
        delivered += pass.delivered();
        rejected += pass.rejected();
        dropped += pass.dropped();
        if (pass.kind() == Delivery.Kind.EMPTY) {
          break;
        }
        if (pass.kind() == Delivery.Kind.RETRY_LATER) {
          notBefore = pass.notBefore();
          error = "the collector asked to wait until " + notBefore;
          break;
        }
        if (pass.kind() == Delivery.Kind.FAILED) {
          error = pass.error();
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error = "interrupted";
    }
    return countingSince(
        new FlushResult(delivered, rejected, dropped, outbox.listToSend().size(), notBefore, error),
        before,
        counters.snapshot());
  }

  /**
   * {@code result}, its counts raised to what the counters saw between {@code before} and {@code
   * after}: the worker thread may deliver, or trim expired entries, before or while a flush holds
   * the upload lock, and the flush reports all of it.
   */
  public static FlushResult countingSince(
      FlushResult result, TelemetryStats before, TelemetryStats after) {
    return new FlushResult(
        atLeast(result.delivered(), after.delivered() - before.delivered()),
        atLeast(result.rejected(), rejectedCount(after) - rejectedCount(before)),
        atLeast(result.dropped(), outboxDrops(after) - outboxDrops(before)),
        result.remaining(),
        result.retryNotBefore(),
        result.error());
  }

  private static int atLeast(int counted, long seen) {
    return (int) Math.max(counted, Math.min(Integer.MAX_VALUE, seen));
  }

  /** What the outbox dropped unsent: expired, over its bounds, corrupt or too large. */
  private static long outboxDrops(TelemetryStats stats) {
    long n = 0;
    for (DropReason r : OUTBOX_DROPS) {
      n += stats.dropped().getOrDefault(r.label(), 0L);
    }
    return n;
  }

  private static final Set<DropReason> OUTBOX_DROPS =
      EnumSet.of(
          DropReason.EXPIRED,
          DropReason.OUTBOX_COUNT,
          DropReason.OUTBOX_BYTES,
          DropReason.CORRUPT_ENTRY,
          DropReason.TOO_LARGE);

  private static long rejectedCount(TelemetryStats stats) {
    return stats.dropped().entrySet().stream()
        .filter(e -> e.getKey().startsWith(DropReason.REJECTED.key("")))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  @Override
  public void close(Duration timeout) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long margin = Math.min(CLOSE_MARGIN.toNanos(), timeout.toNanos() / 10);
    long deadline = System.nanoTime() + timeout.toNanos() - margin;
    persistQueued(false);
    closeDeadlineNanos = deadline;
    closing = true;
    signal();
    try {
      if (!workerDone.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        abortInFlight();
      }
    } catch (InterruptedException e) {
      abortInFlight();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | SecurityException e) {
      // the JVM is shutting down; the hook finds an empty queue
    }
  }

  /**
   * A thread blocked in a socket read delays the JVM's exit by up to 300 ms: cut it loose, and let
   * no new request start. The events stay in the outbox; if the collector did store them, it
   * answers "duplicate" when the next run sends them again.
   */
  private void abortInFlight() {
    if (uploader.abort()) {
      counters.failure(); // counted now: the host may read the stats right after close()
    }
  }

  /** Whether the worker has stopped (for tests). */
  boolean workerStopped() {
    return workerDone.getCount() == 0;
  }
}
