/** Scanning, tools, configuration and reports of the jmo CLI; not public API. */
package com.jmotools.cli.internal;
