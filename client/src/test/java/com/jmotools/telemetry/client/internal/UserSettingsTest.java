package com.jmotools.telemetry.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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

  /**
   * A scan counting the notice while the user runs {@code jmo telemetry enable} and {@code disable}
   * (each its own instance, as two processes): every choice stands until the user's next one, and
   * no count is lost.
   */
  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void theUsersChoiceAndTheNoticeCountWrittenAtOnceAreBothKept() throws Exception {
    int rounds = 200;
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger counted = new AtomicInteger();
    CyclicBarrier barrier = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<String> lost = new ArrayList<>();
    try {
      Future<?> scans =
          pool.submit(
              () -> {
                UserSettings scan = new UserSettings(state);
                barrier.await();
                while (!done.get()) {
                  scan.incrementNotice();
                  counted.incrementAndGet();
                }
                return null;
              });
      UserSettings command = new UserSettings(state);
      barrier.await();
      for (int i = 1; i <= rounds; i++) {
        boolean choice = i % 2 == 0;
        command.writeChoice(choice);
        int seen = counted.get();
        while (counted.get() < seen + 2 && !scans.isDone()) {
          Thread.onSpinWait(); // any count that straddled the choice has now been written
        }
        Boolean now = command.read().enabled();
        if (!Boolean.valueOf(choice).equals(now)) {
          lost.add("round " + i + ": chose " + choice + ", file says " + now);
        }
      }
      command.writeChoice(false);
      done.set(true);
      scans.get();
    } finally {
      pool.shutdownNow();
    }
    assertThat(lost).as("choices overwritten by a notice count").isEmpty();
    assertThat(new UserSettings(state).read())
        .isEqualTo(new UserSettings.Values(false, counted.get()));
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
