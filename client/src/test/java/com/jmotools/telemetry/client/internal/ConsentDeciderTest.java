package com.jmotools.telemetry.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.jmotools.telemetry.client.ConsentRule;
import com.jmotools.telemetry.client.ConsentStatus;
import com.jmotools.telemetry.client.DefaultPolicy;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConsentDeciderTest {

  private static final UserSettings.Values NONE = UserSettings.Values.NONE;
  private static final UserSettings.Values USER_ON = new UserSettings.Values(true, 0);
  private static final UserSettings.Values USER_OFF = new UserSettings.Values(false, 0);

  private static ConsentStatus decide(
      Map<String, String> env, Boolean project, UserSettings.Values user) {
    return ConsentDecider.decide(env, project, user, DefaultPolicy.OPT_OUT);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1", "true", "TRUE", "yes", "Yes", "on", "ON", " on ", "maybe", "please", "2", "disable"
      })
  void rule1DisableVariableWithAnyValueButANoTurnsOffWhateverElseSaysAndStatusNamesTheValue(
      String value) {
    ConsentStatus s = decide(Map.of("JMO_TELEMETRY_DISABLE", value), true, USER_ON);
    assertThat(s.enabled()).isFalse();
    assertThat(s.rule()).isEqualTo(ConsentRule.DISABLE_VARIABLE);
    assertThat(s.detail()).isEqualTo("JMO_TELEMETRY_DISABLE=" + value.trim());
    assertThat(s.explanation()).contains("JMO_TELEMETRY_DISABLE=" + value.trim());
  }

  @Test
  void theDisableValueShownIsSanitisedAndBounded() {
    ConsentStatus s =
        decide(Map.of("JMO_TELEMETRY_DISABLE", "x\nrule: forged" + "y".repeat(100)), null, NONE);
    assertThat(s.enabled()).isFalse();
    assertThat(s.detail())
        .doesNotContain("\n")
        .startsWith("JMO_TELEMETRY_DISABLE=x?rule: forged")
        .endsWith("...");
    assertThat(s.detail().length()).isLessThan(80);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "false", "no", "off", "OFF", " No ", ""})
  void disableValuesThatSayNoDoNotTurnOff(String value) {
    assertThat(decide(Map.of("JMO_TELEMETRY_DISABLE", value), null, NONE).rule())
        .isEqualTo(ConsentRule.DEFAULT_POLICY);
  }

  @ParameterizedTest
  @ValueSource(strings = {" ", "   ", "\t"})
  void aDisableValueOfSpacesWasSetSoItTurnsOffAndStatusShowsIt(String value) {
    ConsentStatus s = decide(Map.of("JMO_TELEMETRY_DISABLE", value), true, USER_ON);
    assertThat(s.enabled()).isFalse();
    assertThat(s.recording()).isFalse();
    assertThat(s.rule()).isEqualTo(ConsentRule.DISABLE_VARIABLE);
    assertThat(s.detail()).isEqualTo("JMO_TELEMETRY_DISABLE=<blank>");
    assertThat(s.explanation())
        .contains("JMO_TELEMETRY_DISABLE=<blank>")
        .contains("any non-empty value but 0, false, no, off switches off");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "true", "yes", "True", "YES"})
  void rule2DoNotTrackTurnsOff(String value) {
    ConsentStatus s = decide(Map.of("DO_NOT_TRACK", value), true, USER_ON);
    assertThat(s.enabled()).isFalse();
    assertThat(s.rule()).isEqualTo(ConsentRule.DO_NOT_TRACK);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "false", "on", ""})
  void doNotTrackOtherValuesDoNotCount(String value) {
    assertThat(decide(Map.of("DO_NOT_TRACK", value), null, NONE).rule())
        .isEqualTo(ConsentRule.DEFAULT_POLICY);
  }

  @Test
  void rule1IsCheckedBeforeRule2AndRule2BeforeCi() {
    assertThat(
            decide(
                    Map.of("JMO_TELEMETRY_DISABLE", "1", "DO_NOT_TRACK", "1", "CI", "true"),
                    null,
                    NONE)
                .rule())
        .isEqualTo(ConsentRule.DISABLE_VARIABLE);
    assertThat(decide(Map.of("DO_NOT_TRACK", "1", "CI", "true"), null, NONE).rule())
        .isEqualTo(ConsentRule.DO_NOT_TRACK);
  }

  @Test
  void rule3CiTurnsOffEvenWhenTheUserAndProjectSayOn() {
    ConsentStatus s = decide(Map.of("GITLAB_CI", "true"), true, USER_ON);
    assertThat(s.enabled()).isFalse();
    assertThat(s.rule()).isEqualTo(ConsentRule.CI);
    assertThat(s.explanation()).isEqualTo("off: running in CI (GitLab CI)");
  }

  @ParameterizedTest(name = "project={0} user={1} -> enabled={2} by {3} in {4}")
  @CsvSource(
      nullValues = "null",
      value = {
        "false, true,  false, EXPLICIT_OFF, jmo.yml", // a checked-in jmo.yml off beats the user's
        // on
        "true,  false, false, EXPLICIT_OFF, user settings", // the user's off beats a checked-in
        // jmo.yml on
        "false, false, false, EXPLICIT_OFF, jmo.yml",
        "false, null,  false, EXPLICIT_OFF, jmo.yml",
        "null,  false, false, EXPLICIT_OFF, user settings",
        "true,  true,  true,  EXPLICIT_ON,  user settings",
        "true,  null,  true,  EXPLICIT_ON,  jmo.yml",
        "null,  true,  true,  EXPLICIT_ON,  user settings",
        "null,  null,  true,  DEFAULT_POLICY, opt-out"
      })
  void rules4And5OffDominates(
      Boolean project, Boolean user, boolean enabled, ConsentRule rule, String detail) {
    ConsentStatus s = decide(Map.of(), project, new UserSettings.Values(user, 0));
    assertThat(s.enabled()).isEqualTo(enabled);
    assertThat(s.rule()).isEqualTo(rule);
    assertThat(s.detail()).isEqualTo(detail);
  }

  @Test
  void anUnreadableSettingsFileIsOffByItsOwnRuleWhateverTheProjectOrTheDefaultSay() {
    UserSettings.Values broken =
        new UserSettings.Values(null, 0, "/h/.jmo-security/telemetry/settings.json: not JSON");
    for (Boolean project : new Boolean[] {null, true, false}) {
      for (DefaultPolicy policy : DefaultPolicy.values()) {
        ConsentStatus s = ConsentDecider.decide(Map.of(), project, broken, policy);
        assertThat(s.enabled()).isFalse();
        assertThat(s.rule()).isEqualTo(ConsentRule.UNREADABLE_SETTINGS);
        assertThat(s.detail()).isEqualTo(broken.problem());
        assertThat(s.explanation())
            .startsWith("off: your settings file cannot be read")
            .contains("not JSON")
            .contains("jmo telemetry disable or jmo telemetry enable rewrites it");
      }
    }
    // the variables and CI still come first
    assertThat(decide(Map.of("DO_NOT_TRACK", "1"), null, broken).rule())
        .isEqualTo(ConsentRule.DO_NOT_TRACK);
  }

  @Test
  void theUsersOwnOnRecordsAtOnceWithoutANotice() {
    ConsentStatus s = decide(Map.of(), null, USER_ON);
    assertThat(s.recording()).isTrue();
    assertThat(s.waitsForNotice()).isFalse();
  }

  @Test
  void aProjectsOnIsNotConsentItRecordsOnlyOnceThisUserHasSeenTheNotice() {
    ConsentStatus unseen = decide(Map.of(), true, NONE);
    assertThat(unseen.enabled()).isTrue();
    assertThat(unseen.recording()).isFalse();
    assertThat(unseen.waitsForNotice()).isTrue();
    assertThat(unseen.explanation())
        .contains("jmo.yml")
        .contains("nothing is recorded until you have seen the notice");
    ConsentStatus seen = decide(Map.of(), true, new UserSettings.Values(null, 1));
    assertThat(seen.recording()).isTrue();
    // the same holds for a host whose default is opt-in
    assertThat(ConsentDecider.decide(Map.of(), true, NONE, DefaultPolicy.OPT_IN).recording())
        .isFalse();
  }

  @Test
  void rule6OptOutIsOnButRecordsNothingUntilTheNoticeWasShownInAnEarlierRun() {
    ConsentStatus first = decide(Map.of(), null, new UserSettings.Values(null, 0));
    assertThat(first.enabled()).isTrue();
    assertThat(first.recording()).isFalse();
    assertThat(first.explanation()).contains("nothing is recorded until the notice has been shown");
    ConsentStatus second = decide(Map.of(), null, new UserSettings.Values(null, 1));
    assertThat(second.recording()).isTrue();
  }

  @Test
  void rule6OptInIsOff() {
    ConsentStatus s = ConsentDecider.decide(Map.of(), null, NONE, DefaultPolicy.OPT_IN);
    assertThat(s.enabled()).isFalse();
    assertThat(s.rule()).isEqualTo(ConsentRule.DEFAULT_POLICY);
    assertThat(s.detail()).isEqualTo("opt-in");
    assertThat(ConsentDecider.decide(Map.of(), true, NONE, DefaultPolicy.OPT_IN).enabled())
        .isTrue();
  }
}
