/**
 * The JMo telemetry collector: an HTTP ingestion server that validates events against the catalog,
 * acknowledges only what is committed, never stores or logs an IP address, and stores events on
 * SQLite (embedded default) or PostgreSQL.
 *
 * <p>Entry points: {@link com.jmotools.telemetry.collector.CollectorServer#builder()} to run a
 * server, {@link com.jmotools.telemetry.collector.Database#open(String)} to open the same database
 * from another module, {@link com.jmotools.telemetry.collector.CollectorExtension} to add routes,
 * and {@link com.jmotools.telemetry.collector.JmoTelemetryCommand} for the command line.
 */
package com.jmotools.telemetry.collector;
