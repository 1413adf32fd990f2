/**
 * The maintainers' command line, {@code bin/jmo-telemetry}: {@code stats}, {@code export}, {@code
 * report}, next to the collector's own commands.
 */
package com.jmotools.telemetry.app;
