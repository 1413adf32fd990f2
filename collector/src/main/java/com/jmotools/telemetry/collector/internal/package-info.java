/** Implementation of the collector; not public API. */
package com.jmotools.telemetry.collector.internal;
