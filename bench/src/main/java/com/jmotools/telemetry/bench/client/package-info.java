/**
 * Benchmarks of the client SDK: {@link com.jmotools.telemetry.bench.client.RecordBenchmark} (JMH,
 * latency of {@code record()}) and {@link com.jmotools.telemetry.bench.client.ExitTimeHarness}
 * (what {@code close()} adds to a host process's exit). See bench/README.md.
 */
package com.jmotools.telemetry.bench.client;
