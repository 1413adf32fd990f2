package com.jmotools.telemetry.collector;

import com.jmotools.telemetry.collector.internal.RateLimiter;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UnauthorizedResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * The maintainer token that guards admin endpoints (statistics, export, dashboard). Requests carry
 * it as {@code Authorization: Bearer <token>}; it is compared in constant time. Without a
 * configured token every admin endpoint is refused.
 *
 * <p>Failed attempts are throttled per client: after {@value #FAILED_ATTEMPTS_BURST} wrong tokens,
 * a client may try again once every {@value #FAILED_ATTEMPT_INTERVAL_SECONDS} s, and is answered
 * 429 with {@code Retry-After} meanwhile (even with the right token, so that guessing cannot go on
 * faster). The count lives in memory only, keyed by a salted hash of the address.
 */
public final class AdminAuth {

  /** The shortest token accepted, so a guessable one cannot be configured by mistake. */
  public static final int MIN_TOKEN_LENGTH = 16;

  /**
   * The token the README shows for trying the dashboard locally. Anyone can read it, so a collector
   * listening on anything but loopback refuses to start with it.
   */
  public static final String EXAMPLE_TOKEN = "dev-token-change-me";

  /** Wrong tokens one client may send before it is throttled. */
  public static final int FAILED_ATTEMPTS_BURST = 10;

  /** Once throttled, one more attempt per this many seconds. */
  public static final int FAILED_ATTEMPT_INTERVAL_SECONDS = 6;

  private final byte[] tokenDigest;
  private final boolean example;
  private final RateLimiter failures;

  private AdminAuth(byte[] tokenDigest, boolean example) {
    this.tokenDigest = tokenDigest;
    this.example = example;
    this.failures =
        new RateLimiter(
            1.0 / FAILED_ATTEMPT_INTERVAL_SECONDS,
            FAILED_ATTEMPTS_BURST,
            100_000,
            System::nanoTime);
  }

  /** No token: admin endpoints are disabled. */
  public static AdminAuth disabled() {
    return new AdminAuth(null, false);
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
      throw new IllegalArgumentException(
          "the admin token must have at least " + MIN_TOKEN_LENGTH + " characters");
    }
    if (t.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("the admin token must not contain whitespace");
    }
    return new AdminAuth(sha256(t), t.equals(EXAMPLE_TOKEN));
  }

  /**
   * Whether the token is {@link #EXAMPLE_TOKEN}, which must never guard a collector others can
   * reach.
   */
  public boolean isExampleToken() {
    return example;
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

  /**
   * Whether the request carries the token as a bearer credential. A wrong token counts towards this
   * client's throttle; while it is throttled the answer is false without a comparison.
   */
  public boolean allows(Context ctx) {
    return check(ctx) == Check.ALLOWED;
  }

  /**
   * Refuses the request unless it carries the token.
   *
   * @throws ForbiddenResponse (403) if no token is configured
   * @throws UnauthorizedResponse (401, with {@code WWW-Authenticate: Bearer}) if the token is
   *     absent or wrong
   * @throws HttpResponseException (429, with {@code Retry-After}) if this client sent too many
   *     wrong tokens
   */
  public void require(Context ctx) {
    if (!isEnabled()) {
      throw new ForbiddenResponse(
          "admin endpoints are disabled: start the collector with --admin-token-file"
              + " or JMO_TELEMETRY_ADMIN_TOKEN");
    }
    Check check = check(ctx);
    if (check == Check.THROTTLED) {
      long wait = failures.waitSeconds(ctx.req().getRemoteAddr());
      ctx.header("Retry-After", Long.toString(Math.max(1, wait)));
      throw new HttpResponseException(
          429, "too many wrong admin tokens from this client; retry later");
    }
    if (check == Check.DENIED) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw new UnauthorizedResponse("admin token required", Map.of());
    }
  }

  private enum Check {
    ALLOWED,
    DENIED,
    THROTTLED
  }

  private Check check(Context ctx) {
    if (tokenDigest == null) {
      return Check.DENIED;
    }
    String client = ctx.req().getRemoteAddr();
    if (failures.waitSeconds(client) > 0) {
      return Check.THROTTLED;
    }
    String header = ctx.header("Authorization");
    if (header == null) {
      return Check.DENIED; // a first visit without a token is not a guess
    }
    boolean bearer = header.regionMatches(true, 0, "Bearer ", 0, 7);
    if (bearer && matches(header.substring(7).strip())) {
      return Check.ALLOWED;
    }
    failures.acquire(client);
    return Check.DENIED;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }
}
