package com.jmotools.telemetry.collector.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The collector's Prometheus metrics. Every label has a bounded set of values (reason codes,
 * endpoint names), never anything taken from a request.
 */
public final class IngestMetrics {

  private final MeterRegistry registry;
  private final Counter accepted;
  private final Counter duplicates;
  private final Counter commitFailures;
  private final DistributionSummary batchSize;
  private final DistributionSummary requestSize;
  private final Timer commitLatency;
  private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
  private final Map<String, Counter> refusedRequests = new ConcurrentHashMap<>();

  public IngestMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    accepted =
        Counter.builder("jmo_events_accepted").description("Events stored").register(registry);
    duplicates =
        Counter.builder("jmo_events_duplicate")
            .description("Events already stored (same event_id)")
            .register(registry);
    commitFailures =
        Counter.builder("jmo_commit_failures")
            .description("Batches whose transaction failed")
            .register(registry);
    batchSize =
        DistributionSummary.builder("jmo_commit_batch_events")
            .description("Events per committed transaction")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    // Buckets, not client-side percentiles: this is recorded on every request, and a histogram is
    // a few counter increments (and can be summed across collectors).
    requestSize =
        DistributionSummary.builder("jmo_request_events")
            .description("Events per ingest request")
            .serviceLevelObjectives(1, 2, 5, 10, 20, 50, 100)
            .register(registry);
    commitLatency =
        Timer.builder("jmo_commit_latency")
            .description("Time to store and commit one batch")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  void queueDepth(Supplier<Number> depth) {
    Gauge.builder("jmo_ingest_queue_events", depth)
        .description("Events waiting for the writer")
        .register(registry);
  }

  void committed(int events, long nanos) {
    batchSize.record(events);
    commitLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  void commitFailed() {
    commitFailures.increment();
  }

  /** Counts an ingest request of {@code events} events. */
  public void request(int events) {
    requestSize.record(events);
  }

  /** Counts stored events. */
  public void accepted(int n) {
    accepted.increment(n);
  }

  /** Counts events that were already stored. */
  public void duplicates(int n) {
    duplicates.increment(n);
  }

  /** Counts one rejected event; {@code reason} is a bounded label such as {@code invalid_value}. */
  public void rejected(String reason) {
    rejected
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder("jmo_events_rejected")
                    .tag("reason", r)
                    .description("Events refused, by reason")
                    .register(registry))
        .increment();
  }

  /** Counts a request refused as a whole; {@code status} is a bounded label such as {@code 429}. */
  public void refused(String status) {
    refusedRequests
        .computeIfAbsent(
            status,
            s ->
                Counter.builder("jmo_requests_refused")
                    .tag("status", s)
                    .description("Requests refused as a whole, by status")
                    .register(registry))
        .increment();
  }
}
