package com.jmotools.telemetry.client.internal;

import com.jmotools.telemetry.client.DropReason;
import com.jmotools.telemetry.client.TelemetryStats;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The client's counters; thread-safe. */
public final class Counters {

  private final LongAdder recorded = new LongAdder();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong attempts = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final ConcurrentHashMap<String, LongAdder> dropped = new ConcurrentHashMap<>();

  public void recorded() {
    recorded.increment();
  }

  public void delivered(long n) {
    delivered.addAndGet(n);
  }

  public void attempt() {
    attempts.incrementAndGet();
  }

  public void failure() {
    failures.incrementAndGet();
  }

  /** Counts {@code n} events dropped for {@code reason}. */
  public void dropped(DropReason reason, long n) {
    count(reason.label(), n);
  }

  /** Counts {@code n} events dropped for {@code reason}, with what was wrong (a bounded label). */
  public void dropped(DropReason reason, String detail, long n) {
    count(reason.key(detail), n);
  }

  private void count(String key, long n) {
    if (n > 0) {
      dropped.computeIfAbsent(key, r -> new LongAdder()).add(n);
    }
  }

  public TelemetryStats snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    dropped.forEach((k, v) -> copy.put(k, v.sum()));
    return new TelemetryStats(
        recorded.sum(), delivered.get(), attempts.get(), failures.get(), copy);
  }
}
