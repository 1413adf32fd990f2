package com.jmotools.telemetry.client;

/**
 * Where the collector a client uses was named, for {@code jmo telemetry status}: the user's own
 * environment, a project's {@code jmo.yml} the user accepted, or nothing (the default).
 */
public enum CollectorSource {
  /** {@code JMO_TELEMETRY_ENDPOINT}: the user's own environment, which wins over jmo.yml. */
  VARIABLE,
  /**
   * {@code telemetry.endpoint} in the project's {@code jmo.yml}, a collector the user accepted
   * ({@link Telemetry#acceptProjectCollector()}).
   */
  PROJECT,
  /**
   * The public collector {@value Telemetry#DEFAULT_ENDPOINT}: nothing else names one. Also while a
   * project names a collector the user has not accepted; that run then records nothing ({@link
   * Telemetry#unacceptedProjectCollector()}).
   */
  DEFAULT
}
