package com.jmotools.telemetry.reports.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Events and distinct ids per (event type, dimension, value), over some days, plus per-day totals.
 * Built from raw rows ({@link #addEvent}) or merged from the daily rollup ({@link #merge}).
 *
 * <p>Dimensions: {@code all} (every event of the type; type {@code *} is every event), and for type
 * {@code *}: {@code platform}, {@code version}; {@code scan.started}: {@code profile}, {@code
 * mode}, {@code tool}; {@code tool.failed}: {@code failure} ({@code tool|failure_type}); {@code
 * wizard.completed}: {@code artifact}, {@code execution_mode}, {@code profile_selected}, {@code
 * duration_range}; {@code report.generated}: {@code output_format}, {@code findings}, {@code
 * suppressions}, {@code compliance}; {@code scan.completed}: {@code findings}, {@code duration},
 * {@code tool_runs} (events: the runs reported per tool) and {@code tool_reported} (the scans that
 * reported runs of the tool).
 */
public final class Cube {

  /** The type that stands for every event. */
  public static final String ANY = "*";

  /** The dimension that counts every event of a type. */
  public static final String ALL = "all";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One key of the cube. */
  public record Key(String type, String dim, String value) {
    public Key {
      Objects.requireNonNull(type);
      Objects.requireNonNull(dim);
      Objects.requireNonNull(value);
    }
  }

  /**
   * Stored cells other than the daily totals keep at most this many id hashes, the smallest ones (a
   * k-minimum-values sketch): distinct counts below it are exact, above it estimated (about 3 %).
   */
  public static final int SKETCH_SIZE = 1024;

  /** Events and distinct id hashes of one cell. */
  public static final class Agg {
    public long events;
    public LongSet ids = new LongSet();

    /**
     * The most hashes this cell keeps when it must bound its memory ({@code Integer.MAX_VALUE}:
     * every id, exact): above it, only the {@code limit} smallest are kept, a sketch.
     */
    private final int limit;

    /**
     * Whether some ids are left out ({@link #ids} holds only the {@link #k} smallest hashes of the
     * set, a k-minimum-values sketch).
     */
    public boolean sketched;

    /** When sketched: how many of the smallest hashes the estimate stands on. */
    private int k = Integer.MAX_VALUE;

    /**
     * When sketched: no hash above this one is among the {@link #k} smallest; others are skipped.
     */
    private long threshold = Long.MAX_VALUE;

    /** A cell that keeps every id (exact), unless it merges a stored sketch. */
    public Agg() {
      this(Integer.MAX_VALUE);
    }

    /**
     * A cell that keeps at most {@code 2 * limit} hashes in memory and stores at most {@code
     * limit}.
     *
     * @throws IllegalArgumentException if {@code limit < 1}
     */
    public Agg(int limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("limit < 1: " + limit);
      }
      this.limit = limit;
    }

    Agg copy() {
      Agg a = new Agg(limit);
      a.events = events;
      a.ids = ids.copy();
      a.sketched = sketched;
      a.k = k;
      a.threshold = threshold;
      a.cap = cap;
      return a;
    }

    /** Adds one id hash. */
    public void add(long hash) {
      if (hash > threshold) {
        return; // not among the smallest this sketch keeps
      }
      ids.add(hash);
      bound();
    }

    /** Adds the ids of another cell (a union; events are not added). */
    public void addIds(Agg other) {
      if (other.sketched) {
        sketched = true;
        k = Math.min(k, other.k);
      }
      other.ids.forEach(this::add);
    }

    /** The hashes this cell must keep: all of them, or the smallest of a sketch. */
    private int keep() {
      return sketched ? Math.min(k, limit) : limit;
    }

    /**
     * Keeps memory bounded: past twice the hashes it must keep, only the smallest are kept (the
     * estimate stands on those alone, so it does not change).
     */
    private void bound() {
      int keep = keep();
      if (keep < Integer.MAX_VALUE && ids.size() > 2L * keep) {
        threshold = Math.min(threshold, ids.retainSmallest(keep));
        sketched = true;
        k = keep;
      }
    }

    /** The distinct ids: exact unless sketched with more than {@code k} ids. */
    public long count() {
      if (!sketched || ids.size() < k) {
        return ids.size();
      }
      return Math.min(cap, estimate());
    }

    /** No estimate exceeds the exact count of all ids of the period. */
    long cap = Long.MAX_VALUE;

    private long estimate() {
      long kth = ids.toSortedArray()[k - 1];
      // Signed order of the hashes is unsigned order of (hash ^ MIN_VALUE): its position in [0, 1).
      double u = ((kth ^ Long.MIN_VALUE) >>> 11) * 0x1p-53;
      if (u <= 0) {
        return ids.size();
      }
      return Math.min(events, Math.max(k, Math.round((k - 1) / u)));
    }

    /**
     * The stored form: all hashes, or, past the cell's limit or for a sketch, the smallest {@code
     * limit} (or the sketch's {@code k}, if fewer) and a marker byte.
     */
    public byte[] encode() {
      long[] sorted = ids.toSortedArray();
      if (!sketched && sorted.length <= limit) {
        return LongSet.encode(sorted, false);
      }
      return LongSet.encode(java.util.Arrays.copyOf(sorted, Math.min(sorted.length, keep())), true);
    }

    /** Adds a stored form: a sketch's size is the number of hashes it holds. */
    void addStored(byte[] stored) {
      if (stored.length % 8 == 1) {
        sketched = true;
        k = Math.min(k, Math.max(1, stored.length / 8));
      }
      // One at a time: past the sketch's threshold, hashes are skipped rather than kept and pruned.
      for (long h : LongSet.decode(stored)) {
        add(h);
      }
    }
  }

  private final Map<Key, Agg> cells = new HashMap<>();

  /** Per day: every event and its ids (for installs per day, week and month). */
  private final Map<String, Agg> days = new TreeMap<>();

  /** Per day and type: events (for the daily timeline). */
  private final Map<String, Map<String, Long>> timeline = new TreeMap<>();

  /** The most id hashes a cell keeps ({@code Integer.MAX_VALUE}: all). */
  private final int cellLimit;

  /** The most id hashes a day's totals keep ({@code Integer.MAX_VALUE}: all). */
  private final int dayLimit;

  /** A cube that keeps every id it is given, exact (for a reader's period). */
  public Cube() {
    this(Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  /**
   * A cube of bounded memory (for rolling days up): each cell keeps at most {@code 2 * cellLimit}
   * id hashes and stores the {@code cellLimit} smallest, the day's totals (every event of the day)
   * {@code 2 * dayLimit} and {@code dayLimit}.
   *
   * @throws IllegalArgumentException if a limit is below 1
   */
  public Cube(int cellLimit, int dayLimit) {
    if (cellLimit < 1 || dayLimit < 1) {
      throw new IllegalArgumentException("limits < 1: " + cellLimit + ", " + dayLimit);
    }
    this.cellLimit = cellLimit;
    this.dayLimit = dayLimit;
  }

  private Agg newAgg(Key key) {
    return new Agg(isTotal(key) ? dayLimit : cellLimit);
  }

  /** Whether a key is the totals of every event (type {@code *}, dimension {@code all}). */
  private static boolean isTotal(Key key) {
    return key.type().equals(ANY) && key.dim().equals(ALL);
  }

  public Map<Key, Agg> cells() {
    return cells;
  }

  public Map<String, Agg> days() {
    return days;
  }

  public Map<String, Map<String, Long>> timeline() {
    return timeline;
  }

  /** The cell of a key, or an empty one. */
  public Agg cell(String type, String dim, String value) {
    Agg a = cells.get(new Key(type, dim, value));
    return a == null ? new Agg() : a;
  }

  /**
   * Adds one stored event.
   *
   * @throws IllegalArgumentException if the metadata is not JSON
   */
  public void addEvent(
      String day,
      String type,
      String platform,
      String version,
      String anonymousId,
      String metadata) {
    long id = LongSet.hash(anonymousId);
    add(day, id, type, ALL, "");
    add(day, id, ANY, ALL, "");
    add(day, id, ANY, "platform", platform);
    add(day, id, ANY, "version", version);
    JsonNode m;
    try {
      m = JSON.readTree(metadata);
    } catch (IOException e) {
      throw new IllegalArgumentException("stored metadata is not JSON", e);
    }
    switch (type) {
      case "scan.started" -> {
        add(day, id, type, "profile", text(m, "profile"));
        add(day, id, type, "mode", text(m, "mode"));
        for (JsonNode t : m.path("tools")) {
          add(day, id, type, "tool", t.asText());
        }
      }
      case "tool.failed" ->
          add(day, id, type, "failure", text(m, "tool") + "|" + text(m, "failure_type"));
      case "wizard.completed" -> {
        add(day, id, type, "artifact", text(m, "artifact_generated"));
        add(day, id, type, "execution_mode", text(m, "execution_mode"));
        add(day, id, type, "profile_selected", text(m, "profile_selected"));
        add(
            day,
            id,
            type,
            "duration_range",
            com.jmotools.telemetry.reports.Stats.wizardDurationRange(
                m.path("duration_seconds").asLong()));
      }
      case "report.generated" -> {
        for (JsonNode f : m.path("output_formats")) {
          add(day, id, type, "output_format", f.asText());
        }
        add(day, id, type, "findings", text(m, "findings_bucket"));
        add(day, id, type, "suppressions", text(m, "suppressions_used"));
        add(day, id, type, "compliance", text(m, "compliance_enabled"));
      }
      case "scan.completed" -> {
        add(day, id, type, "findings", text(m, "total_findings_bucket"));
        add(day, id, type, "duration", text(m, "duration_bucket"));
        m.path("tool_runs")
            .properties()
            .forEach(
                run -> {
                  add(day, id, type, "tool_reported", run.getKey());
                  // A weighted cell: its events are the runs reported; its ids are not used.
                  cells.computeIfAbsent(new Key(type, "tool_runs", run.getKey()), this::newAgg)
                          .events +=
                      run.getValue().asLong();
                });
      }
      default -> {}
    }
  }

  private static String text(JsonNode m, String field) {
    JsonNode v = m.get(field);
    return v == null || v.isNull() ? "none" : v.asText();
  }

  private void add(String day, long id, String type, String dim, String value) {
    Agg a = cells.computeIfAbsent(new Key(type, dim, value), this::newAgg);
    a.events++;
    a.add(id);
    if (dim.equals(ALL)) {
      if (type.equals(ANY)) {
        Agg d = days.computeIfAbsent(day, k -> new Agg(dayLimit));
        d.events++;
        d.add(id);
      } else {
        timeline.computeIfAbsent(day, k -> new TreeMap<>()).merge(type, 1L, Long::sum);
      }
    }
  }

  /** Adds a stored rollup row of {@code day}. */
  public void merge(String day, String type, String dim, String value, long events, byte[] ids) {
    Agg a = cells.computeIfAbsent(new Key(type, dim, value), this::newAgg);
    a.events += events;
    a.addStored(ids);
    if (dim.equals(ALL)) {
      if (type.equals(ANY)) {
        Agg d = days.computeIfAbsent(day, k -> new Agg(dayLimit));
        d.events += events;
        d.addStored(ids);
      } else {
        timeline.computeIfAbsent(day, k -> new TreeMap<>()).merge(type, events, Long::sum);
      }
    }
  }

  /** An independent copy, so a cached cube can be extended with more events. */
  public Cube copy() {
    Cube c = new Cube(cellLimit, dayLimit);
    cells.forEach((k, a) -> c.cells.put(k, a.copy()));
    days.forEach((d, a) -> c.days.put(d, a.copy()));
    timeline.forEach((d, m) -> c.timeline.put(d, new TreeMap<>(m)));
    return c;
  }

  /** Caps the estimated id counts at {@code total}, the exact distinct ids of every event. */
  public void capIds(long total) {
    cells.values().forEach(a -> a.cap = total);
  }

  /** Adds every cell of another cube. */
  public void mergeAll(Cube other) {
    other.cells.forEach(
        (k, a) -> {
          Agg mine = cells.computeIfAbsent(k, this::newAgg);
          mine.events += a.events;
          mine.addIds(a);
        });
    other.days.forEach(
        (d, a) -> {
          Agg mine = days.computeIfAbsent(d, x -> new Agg(dayLimit));
          mine.events += a.events;
          mine.addIds(a);
        });
    other.timeline.forEach(
        (d, m) ->
            m.forEach(
                (t, n) ->
                    timeline.computeIfAbsent(d, x -> new TreeMap<>()).merge(t, n, Long::sum)));
  }
}
