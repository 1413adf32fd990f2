package com.jmotools.telemetry.client.internal;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one JSON mapper of the client (thread-safe once configured). */
public final class Json {

  /** The shared mapper. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}
}
