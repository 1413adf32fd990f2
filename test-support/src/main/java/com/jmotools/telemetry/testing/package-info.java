/**
 * Shared test fakes: {@link com.jmotools.telemetry.testing.RecordingCollector}, a real HTTP server
 * on loopback that implements the collector's {@code /v1/events} contract and can be made to fail.
 */
package com.jmotools.telemetry.testing;
