package com.jmotools.telemetry.client.internal;

import java.util.Locale;

/** Why an upload got no definite answer; every event of the batch stays for a later try. */
public enum UploadFailure {
  /** No usable collector URL is configured: events wait in the outbox. */
  NO_ENDPOINT,
  /** The call was cut short by {@link Uploader#abort()}. */
  ABORTED,
  /** No answer within the call's time. */
  TIMEOUT,
  /** The connection failed. */
  NETWORK,
  /** A 200 that is not JSON: a captive portal's page, a proxy's empty answer. */
  NOT_A_COLLECTOR_ANSWER,
  /** JSON that is not our collector's answer. */
  BAD_ANSWER,
  /** Any other HTTP status (a redirect, a proxy's 404 or 407, a 4xx or 5xx). */
  HTTP_STATUS;

  /** The name shown in {@code jmo telemetry show} and stored as the last error. */
  public String label() {
    return this == NO_ENDPOINT ? "no usable endpoint" : name().toLowerCase(Locale.ROOT);
  }
}
