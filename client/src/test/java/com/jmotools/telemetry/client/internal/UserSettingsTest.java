package com.jmotools.telemetry.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserSettingsTest {

  @TempDir Path state;

  @Test
  void storesTheChoiceAndTheNoticeCounterIndependently() throws Exception {
    UserSettings s = new UserSettings(state);
    assertThat(s.read()).isEqualTo(UserSettings.Values.NONE);
    assertThat(s.incrementNotice()).isEqualTo(1);
    s.writeChoice(false);
    assertThat(s.incrementNotice()).isEqualTo(2);
    assertThat(s.read()).isEqualTo(new UserSettings.Values(false, 2));
    s.writeChoice(true);
    assertThat(new UserSettings(state).read()).isEqualTo(new UserSettings.Values(true, 2));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{",
        "[]",
        "{\"enabled\": false, \"notice_shown\": 3,}",
        "{\"enabled\": \"false\", \"notice_shown\": 3}",
        "{\"enabled\": 0}",
        "{\"enabled\": false, \"notice_shown\": \"many\"}",
        "{\"enabled\": false} trailing",
      })
  void aFileThatIsThereButCannotBeReadIsUnreadableNeverNoChoice(String content) throws Exception {
    Path file = state.resolve(UserSettings.FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    UserSettings.Values v = new UserSettings(state).read();
    assertThat(v.unreadable()).isTrue();
    assertThat(v.problem()).startsWith(file.toString()).doesNotContain("\n");
    assertThat(v.enabled()).isNull();
  }

  @Test
  void aFileOverTheSizeBoundIsUnreadable() throws Exception {
    Path file = state.resolve(UserSettings.FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"enabled\": false, \"pad\": \"" + "x".repeat(5000) + "\"}");
    assertThat(new UserSettings(state).read().problem()).contains("larger than 4096 bytes");
  }

  @Test
  void aMissingFileIsNoChoiceAndANegativeCounterReadsAsZero() throws Exception {
    UserSettings s = new UserSettings(state);
    assertThat(s.read()).isEqualTo(UserSettings.Values.NONE);
    Path file = state.resolve(UserSettings.FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"notice_shown\":-4, \"future_field\": [1]}");
    assertThat(s.read()).isEqualTo(new UserSettings.Values(null, 0));
  }

  @Test
  void theNoticeCounterNeverRewritesAnUnreadableFileButTheUsersChoiceDoes() throws Exception {
    Path file = state.resolve(UserSettings.FILE);
    Files.createDirectories(file.getParent());
    String broken = "{\"enabled\": false, \"notice_shown\": 3,}";
    Files.writeString(file, broken);
    UserSettings s = new UserSettings(state);
    assertThatThrownBy(s::incrementNotice)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("left unchanged");
    assertThat(Files.readString(file)).isEqualTo(broken);
    s.writeChoice(false);
    assertThat(s.read()).isEqualTo(new UserSettings.Values(false, 0));
  }

  @Test
  void acceptedCollectorsSurviveTheChoiceAndTheNoticeAndAreBounded() throws Exception {
    UserSettings s = new UserSettings(state);
    assertThat(s.acceptCollector("http://127.0.0.1:19418")).isTrue();
    assertThat(s.acceptCollector("http://127.0.0.1:19418")).as("already accepted").isFalse();
    s.writeChoice(true);
    s.incrementNotice();
    assertThat(new UserSettings(state).read())
        .isEqualTo(new UserSettings.Values(true, 1, null, List.of("http://127.0.0.1:19418")));
    for (int i = 0; i < UserSettings.MAX_ACCEPTED_COLLECTORS; i++) {
      s.acceptCollector("https://c" + i + ".example");
    }
    List<String> kept = s.read().acceptedCollectors();
    assertThat(kept)
        .hasSize(UserSettings.MAX_ACCEPTED_COLLECTORS)
        .doesNotContain("http://127.0.0.1:19418")
        .endsWith("https://c9.example");
    assertThat(Files.size(state.resolve(UserSettings.FILE)))
        .isLessThan(UserSettings.MAX_FILE_BYTES);
    assertThatThrownBy(() -> s.acceptCollector("https://" + "x".repeat(300)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"enabled\": false, \"accepted_collectors\": \"http://x\"}",
        "{\"enabled\": false, \"accepted_collectors\": [1]}",
      })
  void anIllTypedAcceptedListIsUnreadableAndAcceptingLeavesTheFileAlone(String content)
      throws Exception {
    Path file = state.resolve(UserSettings.FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    UserSettings s = new UserSettings(state);
    assertThat(s.read().unreadable()).isTrue();
    assertThatThrownBy(() -> s.acceptCollector("http://127.0.0.1:1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("left unchanged");
    assertThat(Files.readString(file)).isEqualTo(content);
  }
}
