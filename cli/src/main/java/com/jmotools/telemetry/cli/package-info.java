/**
 * The {@code jmo} and {@code jmotools} command lines: entry points {@link com.jmotools.telemetry.cli.Jmo}
 * and {@link com.jmotools.telemetry.cli.JmoTools}, run in a {@link com.jmotools.telemetry.cli.CliEnvironment}.
 * Scanning, tools, configuration and reports live in {@code .internal}.
 */
package com.jmotools.telemetry.cli;
