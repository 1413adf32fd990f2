package com.jmotools.telemetry.collector.internal;

import java.util.Locale;

/**
 * Which request bodies the ingestion endpoints read: JSON, or {@code text/plain} as browsers send
 * it from {@code navigator.sendBeacon} (a string body), never compressed. A form, a multipart body
 * or a compressed one is refused with 415 rather than read as if it were JSON.
 */
final class MediaTypes {

  private MediaTypes() {}

  /**
   * Why a request with these headers is refused (the text of a 415 answer), or {@code null} if its
   * body may be read. No {@code Content-Type} at all is read as JSON: some of the guide's clients
   * and scripts omit it.
   */
  static String refusal(String contentType, String contentEncoding) {
    if (contentEncoding != null
        && !contentEncoding.isBlank()
        && !contentEncoding.strip().equalsIgnoreCase("identity")) {
      return "Content-Encoding must be identity (compressed bodies are not read)";
    }
    if (contentType == null || contentType.isBlank()) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    String type =
        (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
            .strip()
            .toLowerCase(Locale.ROOT);
    if (type.equals("application/json")
        || type.equals("text/plain")
        || (type.startsWith("application/") && type.endsWith("+json"))) {
      String charset = charset(contentType, semicolon);
      if (charset == null || charset.equals("utf-8") || charset.equals("us-ascii")) {
        return null;
      }
      return "the body must be UTF-8";
    }
    return "Content-Type must be application/json (or text/plain for browser beacons)";
  }

  /** The lower-case charset parameter, unquoted, or {@code null}. */
  private static String charset(String contentType, int semicolon) {
    if (semicolon < 0) {
      return null;
    }
    for (String parameter : contentType.substring(semicolon + 1).split(";")) {
      int eq = parameter.indexOf('=');
      if (eq > 0 && parameter.substring(0, eq).strip().equalsIgnoreCase("charset")) {
        return parameter.substring(eq + 1).strip().replace("\"", "").toLowerCase(Locale.ROOT);
      }
    }
    return null;
  }
}
