/**
 * The event catalog: the five telemetry events, their fields and allowed values, and the single
 * validator that the client and the collector share.
 */
package com.jmotools.telemetry.catalog;
