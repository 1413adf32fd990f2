/**
 * The {@code jmo} and {@code jmotools} command lines: entry points {@link com.jmotools.cli.Jmo} and
 * {@link com.jmotools.cli.JmoTools}, run in a {@link com.jmotools.cli.CliEnvironment}. Scanning,
 * tools, configuration and reports live in {@code .internal}.
 */
package com.jmotools.cli;
