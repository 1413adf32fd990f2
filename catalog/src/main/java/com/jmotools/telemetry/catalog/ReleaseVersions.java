package com.jmotools.telemetry.catalog;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The only shape a {@code version} may have: a numeric release plus at most one pre- or
 * post-release label from a fixed vocabulary, so that the field cannot carry words (a user or
 * repository name, a key) nor a whole IPv4 address.
 *
 * <p>Accepted, case-insensitively: 2 or 3 numeric parts of at most 4 digits ({@code 0.7}, {@code
 * 0.7.0}; never 4, which is the shape of an IPv4 address), an optional leading {@code v}, then
 * optionally one label with a number of at most 4 digits, written the SemVer way ({@code
 * 1.0.0-rc.1}, {@code 1.0.0-rc1}) or the PEP 440 way ({@code 1.0.0rc1}, {@code 1.0.0.rc1}, {@code
 * 0.7.0.dev0}, {@code 0.7.1.post1}, {@code 1.0.0a2}). Labels: {@code alpha} ({@code a}), {@code
 * beta} ({@code b}), {@code rc} ({@code c}, {@code pre}, {@code preview}), {@code dev}, {@code
 * post} ({@code r}, {@code rev}); PEP 440's implicit number ({@code 1.0rc}) is 0. Build metadata
 * ({@code +...}) and any other identifier are refused.
 *
 * <p>The normal form, the one stored and sent, holds at most three numbers: {@code <release>}, or
 * {@code <release>-<label>.<number>} after a release of two numbers, or {@code <release>-<label>}
 * after a release of three, whose label number is dropped (with it, {@code 192.168.100.post77}
 * would be stored as the four numbers of an address). Long labels, numbers without leading zeros:
 * {@code 1.0.0rc1} → {@code 1.0.0-rc}, {@code 1.0.0a2} → {@code 1.0.0-alpha}, {@code 0.7.0.dev0} →
 * {@code 0.7.0-dev}, {@code 0.7.1.post1} → {@code 0.7.1-post}, {@code 1.2rc1} → {@code 1.2-rc.1},
 * {@code v0.7.0} → {@code 0.7.0}. Three numbers of up to 4 digits can still hold three of an
 * address's four parts, or any other 40 bits of the sender's choice; no more.
 */
public final class ReleaseVersions {

  /** The labels of the normal form, in the order a reader expects them. */
  public static final java.util.List<String> LABELS =
      java.util.List.of("alpha", "beta", "rc", "dev", "post");

  /** Numbers a normal form holds at most, label number included: one fewer than an IPv4 address. */
  static final int MAX_NUMBERS = 3;

  /** Longest text read at all; anything longer is refused before matching. */
  static final int MAX_LENGTH = 32;

  private static final Map<String, String> SPELLINGS =
      Map.ofEntries(
          Map.entry("alpha", "alpha"),
          Map.entry("a", "alpha"),
          Map.entry("beta", "beta"),
          Map.entry("b", "beta"),
          Map.entry("rc", "rc"),
          Map.entry("c", "rc"),
          Map.entry("pre", "rc"),
          Map.entry("preview", "rc"),
          Map.entry("dev", "dev"),
          Map.entry("post", "post"),
          Map.entry("r", "post"),
          Map.entry("rev", "post"));

  private static final Pattern SHAPE =
      Pattern.compile(
          "v?([0-9]{1,4}(?:\\.[0-9]{1,4}){1,2})" // 2 or 3 numbers, never 4
              + "(?:[-._]?(alpha|beta|preview|pre|rc|c|a|b|dev|post|rev|r)" // one label
              + "(?:[-._]?([0-9]{1,4}))?)?"); // and its number

  private ReleaseVersions() {}

  /**
   * The normal form of {@code text}, or empty if it is not a release version of the accepted shape.
   * Never throws.
   */
  public static Optional<String> normalise(String text) {
    if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    if (isPlainRelease(text)) {
      return Optional.of(text); // what our own clients send: already the normal form
    }
    Matcher m = SHAPE.matcher(text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return Optional.empty();
    }
    StringBuilder normal = new StringBuilder();
    String[] parts = m.group(1).split("\\.");
    for (int i = 0; i < parts.length; i++) {
      normal.append(i == 0 ? "" : ".").append(Integer.parseInt(parts[i]));
    }
    if (m.group(2) != null) {
      normal.append('-').append(SPELLINGS.get(m.group(2)));
      if (parts.length < MAX_NUMBERS) {
        String number = m.group(3) == null ? "0" : m.group(3);
        normal.append('.').append(Integer.parseInt(number));
      }
    }
    return Optional.of(normal.toString());
  }

  /**
   * Whether {@code text} is 2 or 3 numbers of 1 to 4 digits without leading zeros and nothing else:
   * the normal form without a label, checked without the regular expression (every event carries a
   * version).
   */
  private static boolean isPlainRelease(String text) {
    int numbers = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      int start = i;
      while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        i++;
      }
      int digits = i - start;
      if (digits == 0 || digits > 4 || (digits > 1 && text.charAt(start) == '0')) {
        return false;
      }
      numbers++;
      if (i < n && (text.charAt(i) != '.' || ++i == n)) {
        return false; // another character, or a trailing dot
      }
    }
    return numbers >= 2 && numbers <= 3;
  }

  /**
   * Whether {@code text} is already in the normal form (what our own client sends and the collector
   * stores).
   */
  public static boolean isNormal(String text) {
    return normalise(text).map(n -> n.equals(text)).orElse(false);
  }
}
