package com.jmotools.telemetry.client.internal;

import com.jmotools.telemetry.client.DropReason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The durable outbox: one file per event in {@code <state>/telemetry/outbox/}, named {@code
 * <epoch-millis>-<sequence>-<event-id>.json} so that names sort oldest first; an event recorded for
 * another collector than the default one carries that collector's {@linkplain EndpointKey#tag tag}
 * before the extension ({@code ...-<event-id>.<tag>.json}) and is only ever sent to it ({@link
 * #listToSend()}). Entries without a tag (also those written before tags existed) belong to the
 * default collector.
 *
 * <p>Each file is written atomically (temp + rename), so a reader sees whole events only, and one
 * file per event lets several processes add at once without a lock. Only the holder of the {@link
 * UploadLock} sends and removes entries, so no event is sent by two processes. The outbox is
 * bounded by count, bytes and age ({@link Limits}); the oldest entries go first, each counted.
 */
public final class Outbox {

  /** The outbox directory, relative to the state directory. */
  public static final String DIRECTORY = "telemetry/outbox";

  /**
   * The largest entry ever read: {@value} bytes, the wire's limit of one request body. Our events
   * are a few hundred bytes; a larger file (a corrupt or planted one) could never be sent, and
   * reading it whole could exhaust the host's memory.
   */
  public static final int MAX_ENTRY_BYTES = Delivery.MAX_BATCH_BYTES;

  /** A temp file older than this was left by a process that died while writing; it is removed. */
  static final Duration STALE_TEMP = Duration.ofHours(1);

  private static final Pattern NAME =
      Pattern.compile("^(\\d{13})-\\d{6}-([0-9a-f-]{36})(?:\\.([0-9a-f]{16}))?\\.json$");

  /** Orders the events one process records within the same millisecond. */
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  /**
   * The outbox's bounds.
   *
   * @param maxEvents the most entries kept
   * @param maxBytes the most bytes kept, all entries together
   * @param maxAge entries older than this are dropped unsent
   */
  public record Limits(int maxEvents, long maxBytes, Duration maxAge) {
    public Limits {
      if (maxEvents < 1) {
        throw new IllegalArgumentException("maxEvents < 1: " + maxEvents);
      }
      if (maxBytes < 1024) {
        throw new IllegalArgumentException("maxBytes < 1024: " + maxBytes);
      }
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException("maxAge not positive: " + maxAge);
      }
    }
  }

  /**
   * One waiting event.
   *
   * @param file its file
   * @param recordedAt when it was recorded
   * @param size the file's size in bytes
   */
  public record Entry(Path file, Instant recordedAt, long size) {
    /** The tag of the collector it was recorded for; empty for the default collector. */
    public String endpointTag() {
      return tagOf(file);
    }
  }

  private final Path directory;
  private final Limits limits;
  private final Clock clock;
  private final Counters counters;
  private final String endpointTag;

  /**
   * The bytes of the entries this instance wrote after they were validated, by file name, so that
   * sending them does not read, parse and validate them again (bounded by {@link
   * Limits#maxEvents()}).
   */
  private final Map<String, byte[]> validated = new ConcurrentHashMap<>();

  /** An outbox whose new entries are for the default collector. */
  public Outbox(Path stateDirectory, Limits limits, Clock clock, Counters counters) {
    this(stateDirectory, limits, clock, counters, "");
  }

  /**
   * An outbox whose new entries are for the collector of {@code endpointTag} ({@link
   * EndpointKey#tag}; empty for the default collector), and which sends only those.
   */
  public Outbox(
      Path stateDirectory, Limits limits, Clock clock, Counters counters, String endpointTag) {
    if (!endpointTag.isEmpty()
        && !endpointTag.matches("[0-9a-f]{" + EndpointKey.TAG_LENGTH + "}")) {
      throw new IllegalArgumentException("not an endpoint tag: " + endpointTag);
    }
    this.endpointTag = endpointTag;
    this.directory = stateDirectory.resolve(DIRECTORY);
    this.limits = Objects.requireNonNull(limits, "limits");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.counters = Objects.requireNonNull(counters, "counters");
  }

  public Path directory() {
    return directory;
  }

  /**
   * Adds an event.
   *
   * @throws IOException if it cannot be written (nothing is left behind then)
   */
  public void add(String eventId, byte[] json, Instant recordedAt) throws IOException {
    add(eventId, json, recordedAt, false);
  }

  /**
   * Adds an event; when {@code validated}, {@code json} is what the validator produced, and {@link
   * #validated(Entry)} returns it for this entry as long as this instance has not removed it.
   *
   * @throws IOException if it cannot be written (nothing is left behind then)
   */
  public void add(String eventId, byte[] json, Instant recordedAt, boolean validated)
      throws IOException {
    int seq = Math.floorMod(SEQUENCE.getAndIncrement(), 1_000_000);
    String name =
        String.format(
            "%013d-%06d-%s%s.json",
            Math.max(0, recordedAt.toEpochMilli()),
            seq,
            eventId,
            endpointTag.isEmpty() ? "" : "." + endpointTag);
    AtomicFiles.write(directory.resolve(name), json);
    if (validated && this.validated.size() < limits.maxEvents()) {
      this.validated.put(name, json.clone());
    }
  }

  /**
   * The bytes of an entry this instance wrote after validating them ({@link #add(String, byte[],
   * Instant, boolean)}), or {@code null} for any other entry.
   */
  public byte[] validated(Entry entry) {
    byte[] json = validated.get(entry.file().getFileName().toString());
    return json == null ? null : json.clone();
  }

  /**
   * What waits in the outbox.
   *
   * @param count the number of entries
   * @param oldest when the oldest of them was recorded ({@link Instant#MAX} when there is none)
   */
  public record Backlog(int count, Instant oldest) {}

  /**
   * How many entries for this outbox's collector wait and when the oldest was recorded, cheaply:
   * from the file names, no file is read or sized. Empty when the directory does not exist or
   * cannot be read.
   */
  public Backlog backlog() {
    int count = 0;
    long oldest = Long.MAX_VALUE;
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path p : stream) {
        long millis = recordedMillis(p);
        if (millis >= 0 && endpointTag.equals(tagOf(p))) {
          count++;
          oldest = Math.min(oldest, millis);
        }
      }
    } catch (IOException | RuntimeException e) {
      return new Backlog(0, Instant.MAX);
    }
    return new Backlog(count, count == 0 ? Instant.MAX : Instant.ofEpochMilli(oldest));
  }

  /** The entries, oldest first; an empty list when the directory does not exist. */
  public List<Entry> list() {
    List<Entry> entries = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return entries;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path p : stream) {
        long millis = recordedMillis(p);
        if (millis < 0) {
          continue;
        }
        try {
          entries.add(new Entry(p, Instant.ofEpochMilli(millis), Files.size(p)));
        } catch (NoSuchFileException gone) {
          // sent and removed by another process meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      return entries;
    }
    entries.sort(Comparator.comparing((Entry e) -> e.file().getFileName().toString()));
    return entries;
  }

  /**
   * The entries for this outbox's collector, oldest first: the only ones it sends. The others wait
   * for a run that uses their collector (the bounds still count them).
   */
  public List<Entry> listToSend() {
    List<Entry> entries = list();
    entries.removeIf(e -> !endpointTag.equals(e.endpointTag()));
    return entries;
  }

  /** The tag in an entry's file name; empty when it has none. */
  static String tagOf(Path file) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    return m.matches() && m.group(3) != null ? m.group(3) : "";
  }

  /**
   * When the entry {@code file} was recorded (epoch milliseconds, from its name), or -1 if it is no
   * entry.
   */
  private static long recordedMillis(Path file) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  /** The number of entries. */
  public int size() {
    return list().size();
  }

  /**
   * Reads an entry, at most {@link #MAX_ENTRY_BYTES} of it.
   *
   * @throws IOException if it cannot be read (removed meanwhile, unreadable) or is larger than
   *     {@link #MAX_ENTRY_BYTES}: it is never read whole then
   */
  public byte[] read(Entry entry) throws IOException {
    if (tooLarge(entry)) {
      throw new IOException(entry.file() + ": larger than " + MAX_ENTRY_BYTES + " bytes");
    }
    try (InputStream in = Files.newInputStream(entry.file())) {
      // the size listed may be stale: never read past the bound, whatever the file holds now
      byte[] bytes = in.readNBytes(MAX_ENTRY_BYTES + 1);
      if (bytes.length > MAX_ENTRY_BYTES) {
        throw new IOException(entry.file() + ": larger than " + MAX_ENTRY_BYTES + " bytes");
      }
      return bytes;
    }
  }

  /** Whether the entry is larger than any event can be ({@link #MAX_ENTRY_BYTES}). */
  public static boolean tooLarge(Entry entry) {
    return entry.size() > MAX_ENTRY_BYTES;
  }

  /** Whether the entry is older than the age bound: the next {@link #trim()} drops it unsent. */
  public boolean expired(Entry entry) {
    return entry.recordedAt().isBefore(clock.instant().minus(limits.maxAge()));
  }

  /** Removes an entry; quiet when it is already gone. */
  public void remove(Entry entry) {
    validated.remove(entry.file().getFileName().toString());
    try {
      Files.deleteIfExists(entry.file());
    } catch (IOException | RuntimeException e) {
      // it stays; the collector stores each event_id once, so a resend does no harm
    }
  }

  /** Removes every entry; returns how many. */
  public int clear() {
    int n = 0;
    for (Entry e : list()) {
      remove(e);
      n++;
    }
    return n;
  }

  /**
   * Enforces the limits: drops expired entries, then the oldest while over count or bytes, each
   * counted ({@code expired}, {@code outbox_count}, {@code outbox_bytes}); removes stale temp
   * files.
   *
   * @return how many entries it dropped
   */
  public int trim() {
    List<Entry> entries = list();
    Instant now = clock.instant();
    Instant oldestAllowed = now.minus(limits.maxAge());
    List<Entry> kept = new ArrayList<>();
    int dropped = 0;
    for (Entry e : entries) {
      if (e.recordedAt().isBefore(oldestAllowed)) {
        remove(e);
        dropped++;
        counters.dropped(DropReason.EXPIRED, 1);
      } else {
        kept.add(e);
      }
    }
    long bytes = 0;
    for (Entry e : kept) {
      bytes += e.size();
    }
    int i = 0;
    while (kept.size() - i > limits.maxEvents()) {
      Entry e = kept.get(i++);
      remove(e);
      bytes -= e.size();
      dropped++;
      counters.dropped(DropReason.OUTBOX_COUNT, 1);
    }
    while (bytes > limits.maxBytes() && i < kept.size()) {
      Entry e = kept.get(i++);
      remove(e);
      bytes -= e.size();
      dropped++;
      counters.dropped(DropReason.OUTBOX_BYTES, 1);
    }
    removeStaleTemps(now);
    return dropped;
  }

  private void removeStaleTemps(Instant now) {
    if (!Files.isDirectory(directory)) {
      return;
    }
    // a plain prefix test: a glob filter would compile a regular expression on every run
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path p : stream) {
        if (!p.getFileName().toString().startsWith(AtomicFiles.TEMP_PREFIX)) {
          continue;
        }
        try {
          FileTime t = Files.getLastModifiedTime(p);
          if (t.toInstant().isBefore(now.minus(STALE_TEMP))) {
            Files.deleteIfExists(p);
          }
        } catch (IOException gone) {
          // another process finished or removed it
        }
      }
    } catch (IOException | RuntimeException e) {
      // best effort
    }
  }
}
