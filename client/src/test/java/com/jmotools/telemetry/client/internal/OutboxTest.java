package com.jmotools.telemetry.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {

  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  @TempDir Path state;
  private final Counters counters = new Counters();

  private Outbox outbox(int maxEvents, long maxBytes, Duration maxAge) {
    return new Outbox(
        state,
        new Outbox.Limits(maxEvents, maxBytes, maxAge),
        Clock.fixed(NOW, ZoneOffset.UTC),
        counters);
  }

  private static byte[] event(int n, int padding) {
    return ("{\"n\":" + n + ",\"pad\":\"" + "x".repeat(padding) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String body(Outbox o, Outbox.Entry e) {
    try {
      return new String(o.read(e), StandardCharsets.UTF_8);
    } catch (java.io.IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
  }

  @Test
  void anEntryIsSentOnlyForTheCollectorItWasRecordedForAndOldEntriesAreTheDefaultOnes()
      throws Exception {
    String defaultKey = EndpointKey.of("https://telemetry.jmotools.com");
    String other = EndpointKey.tag(EndpointKey.of("http://127.0.0.1:8002/"), defaultKey);
    assertThat(other).hasSize(EndpointKey.TAG_LENGTH);
    assertThat(EndpointKey.tag(EndpointKey.of("HTTPS://Telemetry.jmotools.com:443/"), defaultKey))
        .as("the default collector, however it is written")
        .isEmpty();
    Outbox.Limits limits = new Outbox.Limits(100, 1 << 20, Duration.ofDays(30));
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Outbox home = new Outbox(state, limits, clock, counters);
    Outbox elsewhere = new Outbox(state, limits, clock, counters, other);
    home.add(UUID.randomUUID().toString(), event(1, 0), NOW.minusSeconds(3));
    elsewhere.add(UUID.randomUUID().toString(), event(2, 0), NOW.minusSeconds(2));
    // written before entries named their collector: the default one's
    Files.writeString(
        home.directory().resolve("0000000000001-000001-" + UUID.randomUUID() + ".json"),
        new String(event(3, 0), StandardCharsets.UTF_8));

    assertThat(home.list()).hasSize(3);
    assertThat(home.listToSend())
        .extracting(e -> body(home, e))
        .containsExactly(new String(event(3, 0)), new String(event(1, 0)));
    assertThat(elsewhere.listToSend())
        .extracting(e -> body(elsewhere, e))
        .containsExactly(new String(event(2, 0)));
    assertThat(elsewhere.backlog().count()).isEqualTo(1);
    assertThat(home.backlog().count()).isEqualTo(2);
  }

  @Test
  void listsEntriesOldestFirstIgnoringTempAndForeignFiles() throws Exception {
    Outbox o = outbox(100, 1 << 20, Duration.ofDays(30));
    o.add(UUID.randomUUID().toString(), event(2, 0), NOW.minusSeconds(1));
    o.add(UUID.randomUUID().toString(), event(1, 0), NOW.minusSeconds(5));
    Files.writeString(o.directory().resolve("notes.txt"), "mine");
    Files.writeString(o.directory().resolve(AtomicFiles.TEMP_PREFIX + "123-x.json"), "{");
    assertThat(o.list())
        .extracting(e -> body(o, e))
        .containsExactly(new String(event(1, 0)), new String(event(2, 0)));
    assertThat(o.list())
        .extracting(Outbox.Entry::recordedAt)
        .containsExactly(NOW.minusSeconds(5), NOW.minusSeconds(1));
  }

  @Test
  void keepsTheBytesOfWhatItWroteValidatedUntilItRemovesThem() throws Exception {
    Outbox o = outbox(100, 1 << 20, Duration.ofDays(30));
    o.add(UUID.randomUUID().toString(), event(1, 0), NOW.minusSeconds(2), true);
    o.add(UUID.randomUUID().toString(), event(2, 0), NOW.minusSeconds(1), false);
    java.util.List<Outbox.Entry> entries = o.list();
    assertThat(o.validated(entries.get(0))).isEqualTo(event(1, 0));
    assertThat(o.validated(entries.get(1))).as("not validated when written").isNull();
    // another instance (another process) knows none of them
    assertThat(outbox(100, 1 << 20, Duration.ofDays(30)).validated(entries.get(0))).isNull();
    o.remove(entries.get(0));
    assertThat(o.validated(entries.get(0))).isNull();
  }

  @Test
  void theBacklogCountsEntriesAndDatesTheOldestFromTheirNamesAlone() throws Exception {
    Outbox o = outbox(100, 1 << 20, Duration.ofDays(30));
    assertThat(o.backlog()).isEqualTo(new Outbox.Backlog(0, Instant.MAX));
    Files.createDirectories(o.directory());
    Files.writeString(o.directory().resolve("notes.txt"), "mine");
    Files.writeString(o.directory().resolve(AtomicFiles.TEMP_PREFIX + "123-x.json"), "{");
    assertThat(o.backlog().count()).isZero();
    o.add(UUID.randomUUID().toString(), event(1, 0), NOW);
    o.add(UUID.randomUUID().toString(), event(2, 0), NOW.minus(Duration.ofMinutes(90)));
    o.add(UUID.randomUUID().toString(), event(3, 0), NOW.minusSeconds(1));
    assertThat(o.backlog()).isEqualTo(new Outbox.Backlog(3, NOW.minus(Duration.ofMinutes(90))));
  }

  @Test
  void anAbsentDirectoryIsAnEmptyOutboxAndIsNotCreatedByReading() {
    Outbox o = outbox(100, 1 << 20, Duration.ofDays(30));
    assertThat(o.list()).isEmpty();
    o.trim();
    assertThat(o.directory()).doesNotExist();
  }

  @Test
  void trimDropsTheOldestBeyondTheCountCountingThem() throws Exception {
    Outbox o = outbox(3, 1 << 20, Duration.ofDays(30));
    for (int i = 0; i < 5; i++) {
      o.add(UUID.randomUUID().toString(), event(i, 0), NOW.minusSeconds(10 - i));
    }
    assertThat(o.trim()).isEqualTo(2);
    assertThat(o.list().stream().map(e -> body(o, e)).collect(Collectors.toList()))
        .containsExactly(new String(event(2, 0)), new String(event(3, 0)), new String(event(4, 0)));
    assertThat(counters.snapshot().dropped()).containsEntry("outbox_count", 2L);
  }

  @Test
  void trimDropsTheOldestBeyondTheBytesCountingThem() throws Exception {
    Outbox o = outbox(100, 2048, Duration.ofDays(30));
    for (int i = 0; i < 5; i++) {
      o.add(
          UUID.randomUUID().toString(), event(i, 600), NOW.minusSeconds(10 - i)); // ~611 bytes each
    }
    o.trim();
    assertThat(o.list()).hasSize(3);
    assertThat(o.list().stream().mapToLong(Outbox.Entry::size).sum()).isLessThanOrEqualTo(2048);
    assertThat(body(o, o.list().get(0))).startsWith("{\"n\":2,");
    assertThat(counters.snapshot().dropped()).containsEntry("outbox_bytes", 2L);
  }

  @Test
  void trimDropsExpiredEntries() throws Exception {
    Outbox o = outbox(100, 1 << 20, Duration.ofDays(30));
    o.add(UUID.randomUUID().toString(), event(1, 0), NOW.minus(Duration.ofDays(31)));
    o.add(UUID.randomUUID().toString(), event(2, 0), NOW.minus(Duration.ofDays(29)));
    assertThat(o.list()).extracting(o::expired).containsExactly(true, false);
    assertThat(o.trim()).as("what it dropped, for the flush's result").isEqualTo(1);
    assertThat(o.list()).hasSize(1);
    assertThat(counters.snapshot().dropped()).containsEntry("expired", 1L);
  }

  @Test
  void trimRemovesTempFilesLeftByAProcessThatDiedWhileWriting() throws Exception {
    Outbox o = outbox(100, 1 << 20, Duration.ofDays(30));
    Files.createDirectories(o.directory());
    Path stale =
        Files.writeString(o.directory().resolve(AtomicFiles.TEMP_PREFIX + "a-x.json"), "{\"half");
    Files.setLastModifiedTime(stale, FileTime.from(NOW.minus(Duration.ofHours(2))));
    Path fresh =
        Files.writeString(o.directory().resolve(AtomicFiles.TEMP_PREFIX + "b-x.json"), "{\"half");
    Files.setLastModifiedTime(fresh, FileTime.from(NOW.minusSeconds(5)));
    o.trim();
    assertThat(stale).doesNotExist();
    assertThat(fresh).as("may still be being written").exists();
  }

  @Test
  void anEntryLargerThanTheWireBoundIsNeverReadWhole() throws Exception {
    Outbox o = outbox(100, 1 << 20, Duration.ofDays(30));
    o.add(UUID.randomUUID().toString(), event(1, 0), NOW);
    Path file = o.list().get(0).file();
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(3L << 30); // sparse: 3 GiB that take no disk; reading it whole is an Error
    }
    Outbox.Entry huge = o.list().get(0);
    assertThat(Outbox.tooLarge(huge)).isTrue();
    assertThatThrownBy(() -> o.read(huge))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("larger than " + Outbox.MAX_ENTRY_BYTES + " bytes");
    // the listed size may be stale: a file that grew after listing is not read past the bound
    Outbox.Entry stale = new Outbox.Entry(huge.file(), huge.recordedAt(), 10);
    assertThatThrownBy(() -> o.read(stale)).isInstanceOf(java.io.IOException.class);
  }

  @Test
  void clearRemovesEverything() throws Exception {
    Outbox o = outbox(100, 1 << 20, Duration.ofDays(30));
    o.add(UUID.randomUUID().toString(), event(1, 0), NOW);
    o.add(UUID.randomUUID().toString(), event(2, 0), NOW);
    assertThat(o.clear()).isEqualTo(2);
    assertThat(o.size()).isZero();
  }
}
