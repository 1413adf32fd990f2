package com.jmotools.telemetry.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jmotools.telemetry.collector.CollectorServer;
import com.jmotools.telemetry.collector.DatabaseException;
import com.jmotools.telemetry.collector.Dialect;
import com.jmotools.telemetry.reports.internal.ReportCharts;
import com.jmotools.telemetry.reports.internal.ReportText;
import com.jmotools.telemetry.reports.internal.SampleDraw;
import com.jmotools.telemetry.reports.internal.Sql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

/**
 * The quarterly public transparency report, after the guide's example: period, total scans, unique
 * installations, platforms, most popular profile, execution modes, top insights with the change
 * from the previous quarter, then every event of the catalog (tools and their failure rates per
 * run, scan durations and findings, reports, the wizard, installations per day), the privacy
 * compliance and methodology sections, and a sample of events. Written as Markdown, HTML and JSON
 * with PNG charts named after the quarter.
 *
 * <p>Every published number is backed by at least {@code k} distinct installations (default {@value
 * MinimumCount#DEFAULT_K}), with secondary suppression ({@link MinimumCount#publish}) so no hidden
 * figure follows from a published total. Sample events are drawn at random, with a seed, from
 * events whose every value is shared by at least {@code k} installations.
 */
public final class TransparencyReport {

  /** The smallest change of a share (as a ratio) reported as an insight: one percentage point. */
  public static final double MIN_CHANGE = 0.01;

  /** Sample events per event type: {@value}. */
  public static final int DEFAULT_SAMPLE_PER_TYPE = 1;

  /** The seed of the sample's draw when none is given: {@value}, so a report is reproducible. */
  public static final long DEFAULT_SEED = 20_26L;

  /**
   * The most distinct event contents of a quarter the sample's draw counts in memory: {@value}
   * (about 250 bytes each beside the content's text, so some 60 MB at most). A quarter with more is
   * grouped by the database instead, one query per event type: slower, in bounded memory.
   */
  static final int DEFAULT_MAX_SAMPLE_GROUPS = 150_000;

  /**
   * The most row ids the sample's draw reads to find one event of a type by rejection: {@value}
   * (some tenths of a second). A type whose events are fewer than one row id in a tenth of this is
   * counted instead ({@link SampleDraw}).
   */
  static final int DEFAULT_MAX_SAMPLE_PROBES = 10_000;

  /**
   * The retention the report states when none is given: the collector's default, {@link
   * CollectorServer#DEFAULT_RETENTION} (400 days).
   */
  public static final Duration DEFAULT_RETENTION = CollectorServer.DEFAULT_RETENTION;

  /** The folder of the charts, inside the report's folder. */
  private static final String CHARTS = "charts";

  private final DataSource dataSource;
  private final Sql sql;
  private final TelemetryStats stats;
  private final TelemetryStats previousStats;
  private final Period quarter;
  private final int k;
  private final long seed;
  private final Duration retention;
  private final java.time.Clock clock;
  private final int maxSampleGroups;
  private final int maxSampleProbes;

  private TransparencyReport(Builder b) {
    this.dataSource = b.dataSource;
    this.sql = new Sql(b.dialect);
    // Two, so that the two quarters are computed side by side (each keeps the last period it
    // computed); neither refreshes the rollup, which write() brings up to date once.
    this.stats = quarterStats(b);
    this.previousStats = quarterStats(b);
    this.quarter = b.quarter;
    this.k = b.k;
    this.seed = b.seed;
    this.retention = b.retention;
    this.clock = b.clock;
    this.maxSampleGroups = b.maxSampleGroups;
    this.maxSampleProbes = b.maxSampleProbes;
  }

  private static TelemetryStats quarterStats(Builder b) {
    return TelemetryStats.builder()
        .dataSource(b.dataSource)
        .dialect(b.dialect)
        .refreshBeforeCompute(false)
        .build();
  }

  /** A builder: data source, dialect and quarter are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The files written and the numbers behind them.
   *
   * @param markdown the Markdown report
   * @param html the HTML report
   * @param json the JSON report
   * @param sample the sample events (JSON)
   * @param charts the PNG charts
   * @param suppressed how many cells were hidden by the minimum-count rule
   * @param report the JSON report's content
   */
  public record Result(
      Path markdown,
      Path html,
      Path json,
      Path sample,
      List<Path> charts,
      int suppressed,
      ObjectNode report) {}

  /**
   * Computes the report and writes it into {@code dir} (created if needed) as {@code
   * transparency-<quarter>.md|.html|.json}, {@code sample-events-<quarter>.json} and {@code
   * charts/<quarter>-*.png}. Only charts with something to show are written and linked; this
   * quarter's charts of an earlier run that this one does not draw are deleted, other quarters'
   * files are left alone. The files are written into a temporary folder inside {@code dir} and
   * moved into place once all are written, so a failure leaves the earlier report as it was. A
   * quarter in progress is counted up to the end of the current hour, and its header says so.
   *
   * @throws IllegalArgumentException if the quarter has not started yet
   * @throws DatabaseException if the database cannot be read
   * @throws UncheckedIOException if a file cannot be written
   */
  public Result write(Path dir) {
    Instant at = clock.instant();
    if (!quarter.from().isBefore(at)) {
      throw new IllegalArgumentException(
          quarter.label() + " has not started yet: there is nothing to report");
    }
    Period counted = counted(quarter, at);
    // Two threads on the two cores: the previous quarter's statistics beside this quarter's, then
    // the charts beside the sample's draw. The rollup is brought up to date once, before either
    // quarter is read.
    ExecutorService aside =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "jmo-telemetry-report");
              t.setDaemon(true);
              return t;
            });
    try {
      stats.refreshRollup();
      Future<Stats> previous = aside.submit(() -> previousStats.compute(quarter.previous()));
      // This quarter last on this thread: the statistics keep the last period computed, and the
      // installs per day of this quarter (in build) then reuse it instead of reading it again.
      Stats now = stats.compute(counted);
      Stats before = result(previous);
      MinimumCount rule = new MinimumCount(k);
      ObjectNode report = build(now, before, rule);
      int suppressed = rule.suppressed();
      String name = quarterId(quarter);
      return publish(
          dir, name, at, staged -> writeFiles(report, suppressed, now, staged, name, aside));
    } finally {
      aside.shutdownNow();
    }
  }

  /**
   * The part of {@code quarter} a report written at {@code at} counts: the whole quarter once it is
   * over, else the quarter up to the end of the current hour (the cut of {@code stats}), so that
   * events dated ahead (the collector accepts up to a day) count in no figure, and the totals, the
   * months and the days cover the same time.
   */
  static Period counted(Period quarter, Instant at) {
    Instant endOfHour =
        at.truncatedTo(java.time.temporal.ChronoUnit.HOURS).plus(Duration.ofHours(1));
    return endOfHour.isBefore(quarter.to()) ? new Period(quarter.from(), endOfHour) : quarter;
  }

  /** The files of one report, written into a folder laid out as the report's. */
  @FunctionalInterface
  private interface Writing {
    Result writeInto(Path folder) throws IOException;
  }

  /**
   * Writes the report into a temporary folder next to its files in {@code dir}, then moves each
   * file into place only once all are written, and deletes this quarter's charts that this run no
   * longer draws (a figure now hidden must not stay published). A failure before the moves leaves
   * {@code dir} as it was; a target that is a directory is refused before anything moves. The
   * temporary folder goes when the run is interrupted too, and one a killed run of this quarter
   * left behind goes with this run.
   */
  private static Result publish(Path dir, String name, Instant now, Writing writing) {
    boolean created = !Files.exists(dir);
    boolean placedAll = false;
    Path staging = null;
    TemporaryFiles.Guard interrupted = null;
    try {
      Files.createDirectories(dir);
      String prefix = ".transparency-" + name + "-";
      TemporaryFiles.removeLeftovers(dir, prefix, "", now);
      staging = Files.createTempDirectory(dir, prefix);
      interrupted = TemporaryFiles.deleteOnExit(staging);
      Files.createDirectory(staging.resolve(CHARTS));
      Result staged = writing.writeInto(staging);
      List<Path> charts = new ArrayList<>();
      for (Path c : staged.charts()) {
        charts.add(dir.resolve(CHARTS).resolve(c.getFileName()));
      }
      Result placed =
          new Result(
              dir.resolve(staged.markdown().getFileName()),
              dir.resolve(staged.html().getFileName()),
              dir.resolve(staged.json().getFileName()),
              dir.resolve(staged.sample().getFileName()),
              List.copyOf(charts),
              staged.suppressed(),
              staged.report());
      List<Path> from = new ArrayList<>(staged.charts());
      from.addAll(List.of(staged.sample(), staged.json(), staged.html(), staged.markdown()));
      List<Path> to = new ArrayList<>(placed.charts());
      to.addAll(List.of(placed.sample(), placed.json(), placed.html(), placed.markdown()));
      for (Path target : to) {
        if (Files.isDirectory(target)) {
          throw new IOException(dir.relativize(target) + " is a directory");
        }
      }
      if (Files.exists(dir.resolve(CHARTS)) && !Files.isDirectory(dir.resolve(CHARTS))) {
        throw new IOException(CHARTS + " is not a directory");
      }
      Files.createDirectories(dir.resolve(CHARTS));
      // Charts first: the pages that link them arrive last.
      for (int i = 0; i < from.size(); i++) {
        Files.move(
            from.get(i),
            to.get(i),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      }
      for (Path old : ReportCharts.files(dir.resolve(CHARTS), name)) {
        if (!placed.charts().contains(old)) {
          Files.deleteIfExists(old);
        }
      }
      placedAll = true;
      return placed;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report into " + dir + ": " + reason(e), e);
    } finally {
      if (staging != null) {
        TemporaryFiles.deleteTree(staging);
      }
      if (interrupted != null) {
        interrupted.close();
      }
      if (created && !placedAll) {
        // The folder this run made for a report that failed goes too (when nothing else is in it).
        try {
          Files.deleteIfExists(dir);
        } catch (IOException notEmpty) {
          // written into: it stays
        }
      }
    }
  }

  /** Writes the report's files into {@code folder}; the charts beside the sample's draw. */
  private Result writeFiles(
      ObjectNode report, int suppressed, Stats now, Path folder, String name, ExecutorService aside)
      throws IOException {
    // The charts read the report while the sample is drawn; nothing writes to it meanwhile.
    Future<List<Path>> drawing =
        aside.submit(
            () -> ReportCharts.write(report, folder.resolve(CHARTS), name, quarter.label()));
    ArrayNode sample = sample(now);
    List<Path> charts = result(drawing);
    ObjectNode chartNames = report.putObject("charts");
    charts.forEach(
        p ->
            chartNames.put(
                p.getFileName().toString().substring(name.length() + 1).replace(".png", ""),
                CHARTS + "/" + p.getFileName()));
    Path md = folder.resolve("transparency-" + name + ".md");
    Path html = folder.resolve("transparency-" + name + ".html");
    Path json = folder.resolve("transparency-" + name + ".json");
    Path sampleFile = folder.resolve("sample-events-" + name + ".json");
    report.put("sample_events_file", sampleFile.getFileName().toString());
    report.put("sample_seed", seed);
    Files.writeString(
        json, StatsJson.MAPPER.writeValueAsString(report) + "\n", StandardCharsets.UTF_8);
    Files.writeString(
        sampleFile, StatsJson.MAPPER.writeValueAsString(sample) + "\n", StandardCharsets.UTF_8);
    Files.writeString(md, ReportText.markdown(report, sample), StandardCharsets.UTF_8);
    Files.writeString(html, ReportText.html(report, sample), StandardCharsets.UTF_8);
    return new Result(md, html, json, sampleFile, charts, suppressed, report);
  }

  /** Why a file operation failed, in words: the JDK's message is often only a path. */
  private static String reason(IOException e) {
    if (e instanceof java.nio.file.FileSystemException fs) {
      String file = fs.getFile() == null ? "" : fs.getFile() + ": ";
      if (fs instanceof java.nio.file.AccessDeniedException) {
        return file + "permission denied";
      }
      if (fs instanceof java.nio.file.NoSuchFileException) {
        return file + "no such file or directory";
      }
      if (fs instanceof java.nio.file.FileAlreadyExistsException) {
        return file + "already exists";
      }
      if (fs.getReason() != null) {
        return file + fs.getReason();
      }
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** The value of a task of {@link #write}, its failure thrown as it was thrown. */
  private static <T> T result(Future<T> task) {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the report", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** {@code 2026q1} for Q1 2026; the period's dates for other periods. */
  static String quarterId(Period p) {
    return p.isQuarter()
        ? p.label().replaceAll("Q(\\d) (\\d{4})", "$2q$1")
        : p.from().toString().substring(0, 10) + "_" + p.to().toString().substring(0, 10);
  }

  private ObjectNode build(Stats now, Stats before, MinimumCount rule) {
    ObjectNode r = StatsJson.MAPPER.createObjectNode();
    r.put("title", "JMo Security Telemetry Transparency Report — " + quarter.label());
    r.put("quarter", quarter.label());
    r.put("previous_quarter", quarter.previous().label());
    r.set("period", StatsJson.period(quarter));
    r.put("period_text", ReportText.periodText(quarter));
    boolean partial = now.period().to().isBefore(quarter.to());
    r.put("partial", partial);
    // The end of what the figures count: the quarter's end, or for a quarter in progress the end
    // of the hour the report was written in.
    r.put("figures_up_to", now.period().to().toString());
    // A quarter in progress may be reported again a day later: exact figures of the two runs
    // would differ by one installation's activity. It is published as the rolling windows are.
    r.put("rounded", partial);
    r.put("k", k);
    r.put("retention_days", retention.toDays());
    ObjectNode figures = PublicMetrics.window(now, rule, true, partial);
    r.set("figures", figures);
    r.set("unique_users", figures.get("unique_installs"));
    r.set("total_scans", figures.get("scans"));
    JsonNode top = provenTop(figures.get("profiles"));
    if (top == null) {
      r.putNull("most_popular_profile");
    } else {
      r.set("most_popular_profile", top);
    }
    r.set("installs_by_day", installsByDay(now, figures, rule, partial));
    r.set("insights", insights(figures, PublicMetrics.window(before, new MinimumCount(k), true)));
    // Rounded figures do not say how many cells were hidden: it moves with one installation.
    if (!partial) {
      r.put("suppressed_cells", rule.suppressed());
    }
    return r;
  }

  /**
   * The most used value of a share table, or null when the table cannot show it: when nothing is
   * shown, or when the values not shown individually hold at least as many events as the top shown
   * one, since one of them may then be the most used.
   */
  static JsonNode provenTop(JsonNode shares) {
    JsonNode values = shares.get("values");
    if (values.isEmpty()) {
      return null;
    }
    JsonNode top = values.get(0);
    JsonNode other = shares.get("other");
    return other.isNull() || top.get("events").asLong() > other.get("events").asLong() ? top : null;
  }

  /**
   * Distinct installations per day of the quarter up to now: a day without events is a true zero; a
   * day is null (a gap) when fewer than k installations were active, or when, beside the quarter's
   * and the months' published installations, showing it would let a group of fewer than k
   * installations seen only on hidden days be worked out ({@link MinimumCount#publishDistinct}).
   */
  private ObjectNode installsByDay(
      Stats now, JsonNode figures, MinimumCount rule, boolean rounded) {
    List<Cell> days = new ArrayList<>();
    // The days of the period counted: up to the day of the cut-off for a quarter in progress.
    Period counted = now.period();
    for (Cell c :
        TelemetryStats.everyDay(
            stats.breakdown(TelemetryStats.Breakdown.INSTALLS_BY_DAY, counted), counted)) {
      java.time.Instant start =
          java.time.LocalDate.parse(c.key()).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
      if (counted.contains(start)) {
        days.add(c);
      }
    }
    boolean quarterShown = !figures.get("unique_installs").isNull();
    List<Cell> shown =
        new ArrayList<>(
            quarterShown ? rule.publishDistinct(days, now.uniqueInstalls()) : rule.keep(days));
    // Each published month is a total of its days too, hidden days included: a month of 26 beside
    // shown days of 13 and 10 leaves the 3 of its hidden day. A day hidden for one total changes
    // the remainder of the others, so the checks repeat until none hides another day.
    boolean hidMore = true;
    while (hidMore) {
      hidMore = false;
      for (Cell month : now.installsByMonth()) {
        if (figures.get("installs_by_month").has(month.key())) {
          List<Cell> inMonth = days.stream().filter(d -> d.key().startsWith(month.key())).toList();
          List<Cell> kept = rule.narrowDistinct(inMonth, shown, month.ids());
          hidMore |= shown.removeIf(d -> inMonth.contains(d) && !kept.contains(d));
        }
      }
      if (quarterShown) {
        hidMore |= shown.retainAll(rule.narrowDistinct(days, shown, now.uniqueInstalls()));
      }
    }
    ObjectNode out = StatsJson.MAPPER.createObjectNode();
    for (Cell d : days) {
      if (shown.contains(d)) {
        out.put(d.key(), rounded ? d.ids() - d.ids() % k : d.ids());
      } else {
        out.putNull(d.key());
      }
    }
    return out;
  }

  /**
   * Up to three insights, each from published (k-safe) figures of this quarter and compared with
   * the previous quarter's published figures only: a figure hidden then is not compared with.
   */
  private ArrayNode insights(JsonNode now, JsonNode before) {
    ArrayNode out = StatsJson.MAPPER.createArrayNode();
    String prev = quarter.previous().label();
    JsonNode modes = now.get("modes").get("values");
    if (!modes.isEmpty()) {
      // "The most used" only when the values not shown individually cannot hold a bigger one.
      JsonNode proven = provenTop(now.get("modes"));
      JsonNode top = proven == null ? modes.get(0) : proven;
      String key = top.get("key").asText();
      out.add(
          insight(
              ReportText.label(key)
                  + (proven == null ? " execution mode" : " is the most used execution mode"),
              ReportText.percent(top.get("share").asDouble())
                  + " of scans use "
                  + ReportText.label(key)
                  + " mode",
              top.get("share").asDouble(),
              share(before.get("modes"), key),
              prev));
    }
    JsonNode failures = now.get("tool_failures");
    if (!failures.isEmpty()) {
      JsonNode f = failures.get(0);
      String tool = f.get("tool").asText();
      String type = f.get("failure_type").asText();
      Double was = null;
      for (JsonNode p : before.get("tool_failures")) {
        if (p.get("tool").asText().equals(tool) && p.get("failure_type").asText().equals(type)) {
          was = p.get("rate").asDouble();
        }
      }
      out.add(
          insight(
              ReportText.label(tool) + " " + type.replace('_', ' ') + " issues",
              ReportText.percent(f.get("rate").asDouble())
                  + " of "
                  + ReportText.label(tool)
                  + " runs end in a "
                  + type.replace('_', ' ')
                  + (f.get("runs_estimated").asBoolean() ? " (runs partly estimated)" : ""),
              f.get("rate").asDouble(),
              was,
              prev));
    }
    // The execution mode or platform whose published share moved most since the previous quarter.
    String bestKey = null;
    String bestKind = null;
    double bestNow = 0;
    double bestWas = 0;
    for (String kind : List.of("modes", "platforms")) {
      for (JsonNode c : now.get(kind).get("values")) {
        Double w = share(before.get(kind), c.get("key").asText());
        double n = c.get("share").asDouble();
        if (w != null && (bestKey == null || Math.abs(n - w) > Math.abs(bestNow - bestWas))) {
          bestKey = c.get("key").asText();
          bestKind = kind;
          bestNow = n;
          bestWas = w;
        }
      }
    }
    // A move of less than a percentage point is noise, not an insight.
    if (bestKey != null && Math.abs(bestNow - bestWas) >= MIN_CHANGE) {
      boolean mode = bestKind.equals("modes");
      String what = ReportText.label(bestKey) + (mode ? " adoption" : " share");
      out.add(
          insight(
              what + (bestNow >= bestWas ? " growing" : " shrinking"),
              ReportText.percent(bestNow)
                  + " "
                  + ReportText.label(bestKey)
                  + (mode ? " usage" : " of events"),
              bestNow,
              bestWas,
              prev));
    }
    return out;
  }

  /** The published share of {@code key}, or null when it was not published. */
  private static Double share(JsonNode shares, String key) {
    for (JsonNode s : shares.get("values")) {
      if (s.get("key").asText().equals(key)) {
        return s.get("share").asDouble();
      }
    }
    return null;
  }

  private static ObjectNode insight(
      String title, String text, double now, Double was, String previousLabel) {
    ObjectNode o = StatsJson.MAPPER.createObjectNode();
    o.put("title", title);
    o.put("value", StatsJson.round(now));
    if (was == null) {
      o.putNull("previous");
      o.put("text", text + " (no comparable figure for " + previousLabel + ")");
    } else {
      o.put("previous", StatsJson.round(was));
      double delta = now - was;
      // Compared as printed: "up from 40%" next to 40% would read as an error.
      String change =
          ReportText.percent(now).equals(ReportText.percent(was))
              ? "unchanged from " + ReportText.percent(was)
              : (delta > 0 ? "up from " : "down from ") + ReportText.percent(was);
      o.put("change", StatsJson.round(delta));
      o.put("text", text + " (" + change + " in " + previousLabel + ")");
    }
    return o;
  }

  /**
   * Up to {@value #DEFAULT_SAMPLE_PER_TYPE} events per type, drawn at random (seeded) among the
   * events whose whole content (version, platform, runtime and metadata) is shared by at least k
   * installations, so a sample shows no value a table hides ({@link SampleDraw}). Ids and times are
   * replaced.
   */
  private ArrayNode sample(Stats now) {
    ArrayNode out = StatsJson.MAPPER.createArrayNode();
    // SplittableRandom mixes its seed: java.util.Random's first draws of nearby seeds are nearly
    // equal.
    SplittableRandom random = new SplittableRandom(seed);
    List<Cell> types = new ArrayList<>(now.eventsByType());
    types.sort(Comparator.comparing(Cell::key));
    SampleDraw draw = new SampleDraw(sql, now.period(), k, maxSampleGroups, maxSampleProbes);
    int n = 0;
    try (Connection c = dataSource.getConnection()) {
      for (Cell type : types) {
        for (SampleDraw.Content g :
            draw.draw(c, type.key(), type.events(), DEFAULT_SAMPLE_PER_TYPE, random)) {
          n++;
          ObjectNode e = out.addObject();
          e.put("event", type.key());
          e.put("version", g.version());
          e.put("platform", g.platform());
          if (g.runtime() != null) {
            e.put("runtime", g.runtime());
          }
          if (g.pythonVersion() != null) {
            e.put("python_version", g.pythonVersion());
          }
          // The id and the time are replaced: a sample must not let anyone find an installation's
          // other events.
          e.put("anonymous_id", String.format(Locale.ROOT, "00000000-0000-4000-8000-%012d", n));
          e.put("timestamp", quarter.label());
          try {
            e.set("metadata", StatsJson.MAPPER.readTree(g.metadata()));
          } catch (IOException x) {
            throw new UncheckedIOException("stored metadata is not JSON", x);
          }
        }
      }
    } catch (SQLException e) {
      throw new DatabaseException("cannot read sample events of " + quarter.label(), e);
    }
    return out;
  }

  /** Builds a {@link TransparencyReport}. */
  public static final class Builder {
    private DataSource dataSource;
    private Dialect dialect;
    private Period quarter;
    private int k = MinimumCount.DEFAULT_K;
    private long seed = DEFAULT_SEED;
    private Duration retention = DEFAULT_RETENTION;
    private java.time.Clock clock = java.time.Clock.systemUTC();
    private int maxSampleGroups = DEFAULT_MAX_SAMPLE_GROUPS;
    private int maxSampleProbes = DEFAULT_MAX_SAMPLE_PROBES;

    private Builder() {}

    /**
     * The most distinct contents the sample's draw counts in memory before it lets the database
     * group them; default {@value TransparencyReport#DEFAULT_MAX_SAMPLE_GROUPS}. Visible for
     * testing.
     *
     * @throws IllegalArgumentException if {@code groups < 0}
     */
    Builder maxSampleGroups(int groups) {
      if (groups < 0) {
        throw new IllegalArgumentException("groups < 0: " + groups);
      }
      this.maxSampleGroups = groups;
      return this;
    }

    /**
     * The most row ids the sample's draw reads to find an event by rejection; default {@value
     * TransparencyReport#DEFAULT_MAX_SAMPLE_PROBES}; 0 counts every type's contents. Visible for
     * testing.
     *
     * @throws IllegalArgumentException if {@code probes < 0}
     */
    Builder maxSampleProbes(int probes) {
      if (probes < 0) {
        throw new IllegalArgumentException("probes < 0: " + probes);
      }
      this.maxSampleProbes = probes;
      return this;
    }

    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    public Builder dialect(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /** The period reported, normally a calendar quarter ({@link Period#quarter}). */
    public Builder quarter(Period quarter) {
      this.quarter = Objects.requireNonNull(quarter, "quarter");
      return this;
    }

    /**
     * The seed of the sample events' random draw; default {@value TransparencyReport#DEFAULT_SEED}.
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * How long the collector keeps events, as the report states it (the collector's {@code
     * --retention-days}); default {@link #DEFAULT_RETENTION}, 400 days.
     *
     * @throws IllegalArgumentException if it is shorter than one day
     */
    public Builder retention(Duration retention) {
      Objects.requireNonNull(retention, "retention");
      if (retention.toDays() < 1) {
        throw new IllegalArgumentException("retention < 1 day: " + retention);
      }
      this.retention = retention;
      return this;
    }

    /**
     * The clock that says which quarters have started, and where a quarter in progress is cut (the
     * end of the current hour); default the system's.
     */
    public Builder clock(java.time.Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The minimum distinct ids behind a published cell; default {@value MinimumCount#DEFAULT_K}.
     *
     * @throws IllegalArgumentException if {@code k < 1}
     */
    public Builder k(int k) {
      if (k < 1) {
        throw new IllegalArgumentException("k < 1: " + k);
      }
      this.k = k;
      return this;
    }

    /**
     * Builds the report.
     *
     * @throws IllegalStateException if the data source, dialect or quarter is missing
     */
    public TransparencyReport build() {
      if (dataSource == null || dialect == null || quarter == null) {
        throw new IllegalStateException("dataSource, dialect and quarter are required");
      }
      return new TransparencyReport(this);
    }
  }
}
