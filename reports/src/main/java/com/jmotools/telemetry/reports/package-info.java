/**
 * What the maintainers do with the collected events: statistics, the JSONL/CSV export, the
 * quarterly transparency report, the maintainers' dashboard and the public metrics page.
 */
package com.jmotools.telemetry.reports;
