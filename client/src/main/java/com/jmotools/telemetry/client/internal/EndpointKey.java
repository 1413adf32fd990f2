package com.jmotools.telemetry.client.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Which collector something on disk belongs to. An event and a deletion request go only to the
 * collector configured when they were made: a {@code jmo.yml} in someone else's repository (which
 * may name any server) must neither receive what was recorded elsewhere nor "confirm" an erasure
 * another collector was asked for.
 */
public final class EndpointKey {

  /** Length of an outbox file's endpoint tag, in hex digits (64 bits of SHA-256). */
  public static final int TAG_LENGTH = 16;

  private EndpointKey() {}

  /**
   * The configured base URL in one form: scheme and host in lower case, a default port dropped,
   * trailing slashes removed; text that is no usable URL is kept trimmed as it is.
   */
  public static String of(String configured) {
    if (configured == null) {
      return "";
    }
    URI uri = HttpUploader.parseBase(configured);
    if (uri == null) {
      return configured.trim();
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    if ((scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443)) {
      port = -1;
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return scheme
        + "://"
        + (uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@")
        + uri.getHost().toLowerCase(Locale.ROOT)
        + (port == -1 ? "" : ":" + port)
        + path;
  }

  /**
   * The tag of {@code key} in outbox file names: empty for {@code defaultKey} (so entries written
   * before tags existed belong to the default collector), else {@value #TAG_LENGTH} hex digits of
   * its SHA-256.
   */
  public static String tag(String key, String defaultKey) {
    if (key.equals(defaultKey)) {
      return "";
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, TAG_LENGTH / 2);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
