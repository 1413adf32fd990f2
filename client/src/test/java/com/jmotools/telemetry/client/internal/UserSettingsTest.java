package com.jmotools.telemetry.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
        "{\"enabled\":\"yes\",\"notice_shown\":\"many\"}",
        "{\"notice_shown\":-4}"
      })
  void aMalformedFileReadsAsNoChoiceNeverFails(String content) throws Exception {
    Path file = state.resolve(UserSettings.FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    UserSettings.Values v = new UserSettings(state).read();
    assertThat(v.enabled()).isNull();
    assertThat(v.noticeShown()).isZero();
  }
}
