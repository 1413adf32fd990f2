/**
 * The JMo telemetry client SDK: consent, the anonymous id, a durable outbox and background upload.
 *
 * <p>Enter through {@link com.jmotools.telemetry.client.Telemetry#builder()}. Everything in the
 * {@code internal} package is implementation.
 */
package com.jmotools.telemetry.client;
