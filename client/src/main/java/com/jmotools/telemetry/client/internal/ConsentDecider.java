package com.jmotools.telemetry.client.internal;

import com.jmotools.telemetry.client.CiDetector;
import com.jmotools.telemetry.client.ConsentRule;
import com.jmotools.telemetry.client.ConsentStatus;
import com.jmotools.telemetry.client.DefaultPolicy;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Applies the consent rules of DESIGN.md, in order; the first that applies decides. */
public final class ConsentDecider {

  /** The variable of rule 1. */
  public static final String DISABLE_VARIABLE = "JMO_TELEMETRY_DISABLE";

  /** The variable of rule 2. */
  public static final String DO_NOT_TRACK = "DO_NOT_TRACK";

  /** Where rule 4/5 found the project's setting. */
  public static final String PROJECT_SOURCE = "jmo.yml";

  /** Where rule 4/5 found the user's setting. */
  public static final String USER_SOURCE = "user settings";

  /**
   * The values of {@value #DISABLE_VARIABLE} that leave telemetry alone (any case, spaces around
   * ignored); any other value, a blank one too, turns it off. Only the empty value counts as unset.
   */
  private static final Set<String> NOT_DISABLING = Set.of("0", "false", "no", "off");

  private static final int MAX_SHOWN_VALUE = 40;

  /** How status shows a value made of spaces only, which would otherwise print as nothing. */
  static final String BLANK_SHOWN = "<blank>";

  private static final Set<String> DNT_VALUES = Set.of("1", "true", "yes");

  private ConsentDecider() {}

  /**
   * The decision.
   *
   * @param env the environment variables
   * @param projectSetting {@code telemetry.enabled} of the project's {@code jmo.yml}, or {@code
   *     null}
   * @param user the user's stored settings
   * @param policy the host's default
   */
  public static ConsentStatus decide(
      Map<String, String> env,
      Boolean projectSetting,
      UserSettings.Values user,
      DefaultPolicy policy) {
    int shown = user.noticeShown();
    String disable = env.get(DISABLE_VARIABLE);
    // Whoever sets the variable to anything at all means "off" (a typo must not leave it on): a
    // value of spaces was set by someone too, so only the empty value counts as unset.
    if (disable != null && !disable.isEmpty() && !isOneOf(disable, NOT_DISABLING)) {
      return new ConsentStatus(
          false,
          ConsentRule.DISABLE_VARIABLE,
          DISABLE_VARIABLE + "=" + shown(disable),
          false,
          shown);
    }
    if (isOneOf(env.get(DO_NOT_TRACK), DNT_VALUES)) {
      return new ConsentStatus(false, ConsentRule.DO_NOT_TRACK, DO_NOT_TRACK, false, shown);
    }
    Optional<String> ci = CiDetector.detect(env);
    if (ci.isPresent()) {
      return new ConsentStatus(false, ConsentRule.CI, ci.get(), false, shown);
    }
    if (user.unreadable()) {
      // it may hold the user's "off": reading it as "no choice" would switch them back on
      return new ConsentStatus(
          false, ConsentRule.UNREADABLE_SETTINGS, user.problem(), false, shown);
    }
    if (Boolean.FALSE.equals(projectSetting)) {
      return new ConsentStatus(false, ConsentRule.EXPLICIT_OFF, PROJECT_SOURCE, false, shown);
    }
    if (Boolean.FALSE.equals(user.enabled())) {
      return new ConsentStatus(false, ConsentRule.EXPLICIT_OFF, USER_SOURCE, false, shown);
    }
    if (Boolean.TRUE.equals(user.enabled())) {
      return new ConsentStatus(true, ConsentRule.EXPLICIT_ON, USER_SOURCE, true, shown);
    }
    if (Boolean.TRUE.equals(projectSetting)) {
      // Someone else wrote the project's file: it is not this user's informed consent, so it
      // records only once this user has seen the notice in an earlier run.
      return new ConsentStatus(true, ConsentRule.EXPLICIT_ON, PROJECT_SOURCE, shown > 0, shown);
    }
    if (policy == DefaultPolicy.OPT_IN) {
      return new ConsentStatus(false, ConsentRule.DEFAULT_POLICY, "opt-in", false, shown);
    }
    // Opt-out: nothing is recorded until the notice was shown in an earlier run.
    return new ConsentStatus(true, ConsentRule.DEFAULT_POLICY, "opt-out", shown > 0, shown);
  }

  /**
   * The variable's value as status prints it: printable ASCII, bounded, so a hostile value cannot
   * forge lines.
   */
  private static String shown(String value) {
    if (value.isBlank()) {
      return BLANK_SHOWN;
    }
    StringBuilder b = new StringBuilder();
    for (char c : value.trim().toCharArray()) {
      if (b.length() == MAX_SHOWN_VALUE) {
        return b + "...";
      }
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }

  private static boolean isOneOf(String value, Set<String> accepted) {
    return value != null && accepted.contains(value.trim().toLowerCase(Locale.ROOT));
  }
}
