/** Implementation of the reports module; not public API. */
package com.jmotools.telemetry.reports.internal;
