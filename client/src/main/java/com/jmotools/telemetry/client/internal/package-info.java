/** Implementation of the client SDK; not public API, may change without notice. */
package com.jmotools.telemetry.client.internal;
