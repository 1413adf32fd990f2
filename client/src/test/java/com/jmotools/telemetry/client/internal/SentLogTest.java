package com.jmotools.telemetry.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SentLogTest {

  @TempDir Path state;

  private static byte[] event(int n) {
    return ("{\"n\":" + n + ",\"pad\":\"" + "x".repeat(80) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void keepsExactlyWhatWasSentOneLineEach() {
    SentLog log = new SentLog(state, 64 * 1024);
    log.append(List.of(event(1), event(2)));
    log.append(List.of(event(3)));
    assertThat(log.read()).extracting(n -> n.path("n").asInt()).containsExactly(1, 2, 3);
  }

  @Test
  void staysWithinItsBoundKeepingTheNewestLines() throws Exception {
    SentLog log = new SentLog(state, 2048);
    for (int i = 0; i < 100; i++) {
      log.append(List.of(event(i)));
      assertThat(Files.size(log.file())).isLessThanOrEqualTo(2048);
    }
    List<Integer> kept =
        log.read().stream()
            .map(n -> n.path("n").asInt())
            .collect(java.util.stream.Collectors.toList());
    assertThat(kept).isNotEmpty().endsWith(99);
    for (int i = 1; i < kept.size(); i++) {
      assertThat(kept.get(i)).isEqualTo(kept.get(i - 1) + 1);
    }
  }

  @Test
  void skipsLinesThatAreNotJson() throws Exception {
    SentLog log = new SentLog(state, 4096);
    log.append(List.of(event(1)));
    Files.writeString(log.file(), "garbage\n", java.nio.file.StandardOpenOption.APPEND);
    log.append(List.of(event(2)));
    assertThat(log.read()).extracting(n -> n.path("n").asInt()).containsExactly(1, 2);
  }
}
