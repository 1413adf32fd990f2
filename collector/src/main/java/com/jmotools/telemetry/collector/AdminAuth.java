package com.jmotools.telemetry.collector;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.UnauthorizedResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * The maintainer token that guards admin endpoints (statistics, export, dashboard). Requests carry
 * it as {@code Authorization: Bearer <token>}; it is compared in constant time. Without a
 * configured token every admin endpoint is refused.
 */
public final class AdminAuth {

  /** The shortest token accepted, so a guessable one cannot be configured by mistake. */
  public static final int MIN_TOKEN_LENGTH = 16;

  private final byte[] tokenDigest;

  private AdminAuth(byte[] tokenDigest) {
    this.tokenDigest = tokenDigest;
  }

  /** No token: admin endpoints are disabled. */
  public static AdminAuth disabled() {
    return new AdminAuth(null);
  }

  /**
   * Admin endpoints guarded by {@code token}.
   *
   * @throws IllegalArgumentException if the token is shorter than {@value #MIN_TOKEN_LENGTH}
   *     characters or contains whitespace
   */
  public static AdminAuth of(String token) {
    String t = token.strip();
    if (t.length() < MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException("the admin token must have at least " + MIN_TOKEN_LENGTH + " characters");
    }
    if (t.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("the admin token must not contain whitespace");
    }
    return new AdminAuth(sha256(t));
  }

  /** Whether a token is configured. */
  public boolean isEnabled() {
    return tokenDigest != null;
  }

  /** Whether {@code candidate} is the token; constant time in the candidate's content. */
  public boolean matches(String candidate) {
    if (tokenDigest == null || candidate == null) {
      return false;
    }
    // Comparing digests keeps the time independent of where (and whether) the lengths differ.
    return MessageDigest.isEqual(tokenDigest, sha256(candidate));
  }

  /** Whether the request carries the token as a bearer credential. */
  public boolean allows(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return matches(header.substring(7).strip());
  }

  /**
   * Refuses the request unless it carries the token.
   *
   * @throws ForbiddenResponse (403) if no token is configured
   * @throws UnauthorizedResponse (401, with {@code WWW-Authenticate: Bearer}) if the token is absent or wrong
   */
  public void require(Context ctx) {
    if (!isEnabled()) {
      throw new ForbiddenResponse("admin endpoints are disabled: start the collector with --admin-token-file"
          + " or JMO_TELEMETRY_ADMIN_TOKEN");
    }
    if (!allows(ctx)) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw new UnauthorizedResponse("admin token required", Map.of());
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }
}
