package com.jmotools.telemetry.reports;

import static com.jmotools.telemetry.reports.Fixtures.id;
import static com.jmotools.telemetry.reports.Fixtures.scans;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.collector.Dialect;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
public class TransparencyReportTest {

  @TempDir Path dir;

  /**
   * Q1 2026: 30 installations, one scan each (cli 12, wizard 10, docker 8; balanced 18, fast 9,
   * deep 3; Linux 20, macOS 7, Windows 3), all running trivy and zap; 12 report a trivy timeout, 4
   * a zap crash. Q4 2025: 20 Linux installations, cli 12 and wizard 8, balanced.
   */
  public static Seeder twoQuarters() {
    Seeder s = new Seeder();
    for (int i = 0; i < 30; i++) {
      String mode = i < 12 ? "cli" : i < 22 ? "wizard" : "docker";
      String profile = i % 10 < 6 ? "balanced" : i % 10 < 9 ? "fast" : "deep";
      String platform = i < 20 ? "Linux" : i < 27 ? "macOS" : "Windows";
      s.add(
          "scan.started",
          id(1, i),
          platform,
          "0.7.1",
          "2026-01-10T10:00:00Z",
          Fixtures.started(mode, profile, "trivy", "zap"));
      if (i < 12) {
        s.add(
            "tool.failed",
            id(1, i),
            platform,
            "0.7.1",
            "2026-01-10T10:00:00Z",
            Fixtures.failed("trivy", "timeout", "null", profile));
      }
      if (i < 4) {
        s.add(
            "tool.failed",
            id(1, i),
            platform,
            "0.7.1",
            "2026-01-10T10:00:00Z",
            Fixtures.failed("zap", "crash", "null", profile));
      }
    }
    for (int i = 0; i < 20; i++) {
      s.add(
          "scan.started",
          id(4, i),
          "Linux",
          "0.7.0",
          "2025-11-10T10:00:00Z",
          Fixtures.started(i < 12 ? "cli" : "wizard", "balanced", "semgrep"));
    }
    return s;
  }

  /** A clock in Q3 2026, after the quarters of the fixtures. */
  public static final java.time.Clock AFTER =
      java.time.Clock.fixed(
          java.time.Instant.parse("2026-08-01T00:00:00Z"), java.time.ZoneOffset.UTC);

  private TransparencyReport.Result write(Dialect dialect, int k) {
    try (Database db = TestDatabases.open(dialect, dir)) {
      twoQuarters().writeTo(db);
      return TransparencyReport.builder()
          .dataSource(db.dataSource())
          .dialect(db.dialect())
          .quarter(Period.quarter("2026Q1"))
          .k(k)
          .clock(AFTER)
          .build()
          .write(dir.resolve("out"));
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void summaryHidesCellsOfFewerThanKInstallsAndOneMoreSoNoneFollowsBySubtraction(Dialect dialect) {
    TransparencyReport.Result r = write(dialect, 10);
    JsonNode j = r.report();
    JsonNode f = j.get("figures");
    assertThat(j.get("quarter").asText()).isEqualTo("Q1 2026");
    assertThat(j.get("period_text").asText()).isEqualTo("January 1 - March 31, 2026");
    assertThat(j.has("opt_in")).isFalse();
    assertThat(j.get("total_scans").asLong()).isEqualTo(30);
    assertThat(j.get("unique_users").asLong()).isEqualTo(30);
    // macOS (7) and Windows (3) are below k; Linux would then be 46 - the rest: all three go to
    // "other".
    assertThat(keys(f.get("platforms"))).isEmpty();
    assertThat(f.get("platforms").get("other").get("values").asInt()).isEqualTo(3);
    assertThat(f.get("platforms").get("other").get("share").asDouble()).isEqualTo(1.0);
    // docker (8) is below k; wizard (10), the smallest other mode, is hidden with it: 18 scans of
    // 18 installations.
    assertThat(keys(f.get("modes"))).containsExactly("cli");
    assertThat(f.get("modes").get("other").get("values").asInt()).isEqualTo(2);
    assertThat(f.get("modes").get("other").get("events").asLong()).isEqualTo(18);
    assertThat(j.get("most_popular_profile").isNull()).isTrue();
    // 12 trivy timeouts in 30 scans of catalog-1 clients (no tool_runs): 30 runs by the documented
    // rule, marked estimated.
    assertThat(f.get("tool_failures")).hasSize(1);
    assertThat(f.get("tool_failures").get(0).get("rate").asDouble()).isEqualTo(0.4);
    assertThat(f.get("tool_failures").get(0).get("runs_estimated").asBoolean()).isTrue();
    assertThat(j.get("suppressed_cells").asInt())
        .isEqualTo(r.suppressed())
        .isGreaterThanOrEqualTo(9);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void insightsComeFromPublishedFiguresWithTheChangeFromThePreviousQuarter(Dialect dialect) {
    JsonNode insights = write(dialect, 10).report().get("insights");
    assertThat(insights).hasSize(2);
    // cli 12, and docker (8) and wizard (10) hidden together as 18: "the most used" cannot be said
    // of cli, since one of the hidden modes could have more scans.
    assertThat(insights.get(0).get("title").asText()).isEqualTo("CLI execution mode");
    // Q4 2025's cli share (12 of 20) was not published: wizard (8) was below k, so cli was hidden
    // with it.
    assertThat(insights.get(0).get("text").asText())
        .isEqualTo("40% of scans use CLI mode (no comparable figure for Q4 2025)");
    assertThat(insights.get(1).get("title").asText()).isEqualTo("Trivy timeout issues");
    assertThat(insights.get(1).get("text").asText())
        .isEqualTo(
            "40% of Trivy runs end in a timeout (runs partly estimated) (no comparable figure for"
                + " Q4 2025)");
  }

  @Test
  void writesMarkdownHtmlJsonChartsNamedByQuarterAndASampleWithoutIdsOrTimes() throws IOException {
    TransparencyReport.Result r = write(Dialect.SQLITE, 10);
    String md = Files.readString(r.markdown());
    assertThat(md)
        .startsWith("# JMo Security Telemetry Transparency Report — Q1 2026")
        .contains("**Reporting Period:** January 1 - March 31, 2026")
        .doesNotContain("Opt-In")
        .doesNotContain("Cli")
        .contains("- **Total Scans:** 30")
        .contains("- **Unique Installations:** 30 (anonymous IDs)")
        .contains("- **Platforms:** 100% other")
        .contains("- **Execution Modes:** 40% CLI, 60% other")
        .contains(
            "## Top Insights",
            "## Tools",
            "## Scans",
            "## Reports",
            "## Wizard",
            "## Installations",
            "## Privacy Compliance",
            "## Methodology",
            "## Raw Data Sample")
        .contains("| Other (2 values not shown individually) | 18 | 60% |")
        .contains("figures were hidden: each value used by fewer than 10 installations");
    String html = Files.readString(r.html());
    assertThat(html)
        .contains(
            "<h2>Summary Statistics</h2>",
            "<h2>Methodology</h2>",
            "<img src=\"charts/2026q1-modes.png\"");
    // Every chart linked exists, and every chart written is linked.
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("src=\"(charts/[^\"]+)\"").matcher(html);
    java.util.List<String> linked = new java.util.ArrayList<>();
    while (m.find()) {
      linked.add(m.group(1));
      assertThat(dir.resolve("out").resolve(m.group(1))).exists();
    }
    assertThat(linked).hasSameSizeAs(r.charts()).isNotEmpty();
    assertThat(r.charts())
        .allSatisfy(
            p -> {
              assertThat(p.getFileName().toString()).startsWith("2026q1-");
              byte[] head = Arrays.copyOf(Files.readAllBytes(p), 8);
              assertThat(head).startsWith(0x89, 'P', 'N', 'G');
            });
    // No event of this fixture is shared whole by 10 installations: the sample says so rather than
    // show a rare one.
    JsonNode sample = Seeder.JSON.readTree(r.sample().toFile());
    assertThat(sample).isEmpty();
    assertThat(md)
        .contains("No event of this quarter is shared by 10 installations in all its values.");
    assertThat(sample)
        .allSatisfy(
            e -> {
              assertThat(e.get("timestamp").asText()).isEqualTo("Q1 2026");
              assertThat(e.get("anonymous_id").asText()).startsWith("00000000-0000-4000-8000-");
              assertThat(e.has("event_id")).isFalse();
            });
    // No stored anonymous id appears in anything published.
    try (Stream<Path> files = Files.walk(dir.resolve("out"))) {
      files
          .filter(Files::isRegularFile)
          .filter(p -> !p.toString().endsWith(".png"))
          .forEach(
              p -> {
                try {
                  assertThat(Files.readString(p, StandardCharsets.UTF_8))
                      .doesNotContain("-1111-4111-8111-");
                } catch (IOException e) {
                  throw new AssertionError(e);
                }
              });
    }
  }

  @Test
  void aSecondQuarterInTheSameFolderLinksOnlyItsOwnCharts() throws IOException {
    try (Database db = TestDatabases.open(Dialect.SQLITE, dir)) {
      twoQuarters().writeTo(db);
      TransparencyReport.builder()
          .dataSource(db.dataSource())
          .dialect(db.dialect())
          .quarter(Period.quarter("2026Q1"))
          .clock(AFTER)
          .build()
          .write(dir.resolve("out"));
      // Q2 2026 has no events: no chart to draw, so none is linked, and Q1's are not borrowed.
      TransparencyReport.Result q2 =
          TransparencyReport.builder()
              .dataSource(db.dataSource())
              .dialect(db.dialect())
              .quarter(Period.quarter("2026Q2"))
              .clock(AFTER)
              .build()
              .write(dir.resolve("out"));
      assertThat(q2.charts()).isEmpty();
      assertThat(Files.readString(q2.html())).doesNotContain("<img").doesNotContain("2026q1");
      assertThat(Files.readString(q2.markdown())).doesNotContain("![");
    }
  }

  private static TransparencyReport q1(Database db, int k) {
    return TransparencyReport.builder()
        .dataSource(db.dataSource())
        .dialect(db.dialect())
        .quarter(Period.quarter("2026Q1"))
        .k(k)
        .clock(AFTER)
        .build();
  }

  private static java.util.List<String> filesUnder(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> !p.equals(root))
          .map(p -> root.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void aReportThatCannotBeWrittenChangesNothing() throws IOException {
    Path out = dir.resolve("out");
    Files.createDirectories(out.resolve("transparency-2026q1.html"));
    Files.writeString(out.resolve("transparency-2026q1.md"), "the report of last week\n");
    try (Database db = TestDatabases.open(Dialect.SQLITE, dir)) {
      twoQuarters().writeTo(db);
      assertThatThrownBy(() -> q1(db, 10).write(out))
          .isInstanceOf(java.io.UncheckedIOException.class)
          .hasMessage(
              "cannot write the report into " + out + ": transparency-2026q1.html is a directory");
    }
    assertThat(filesUnder(out))
        .as("no chart, JSON, sample or temporary folder; the old Markdown untouched")
        .containsExactly("transparency-2026q1.html", "transparency-2026q1.md");
    assertThat(Files.readString(out.resolve("transparency-2026q1.md")))
        .isEqualTo("the report of last week\n");
  }

  @Test
  void aReportDeletesTheTemporaryFolderAKilledRunOfItsQuarterLeftAndNoOther() throws IOException {
    Path out = Files.createDirectories(dir.resolve("out"));
    Path killed =
        Files.createDirectories(out.resolve(".transparency-2026q1-123").resolve("charts"));
    Files.writeString(killed.getParent().resolve("transparency-2026q1.json"), "{}");
    Path running = Files.createDirectories(out.resolve(".transparency-2026q1-456"));
    Path otherQuarter = Files.createDirectories(out.resolve(".transparency-2025q4-789"));
    java.time.Instant now = AFTER.instant();
    for (Path p : List.of(killed, killed.getParent(), otherQuarter)) {
      Files.setLastModifiedTime(
          p, java.nio.file.attribute.FileTime.from(now.minus(Duration.ofHours(2))));
    }
    Files.setLastModifiedTime(
        running, java.nio.file.attribute.FileTime.from(now.minus(Duration.ofMinutes(5))));
    try (Database db = TestDatabases.open(Dialect.SQLITE, dir)) {
      twoQuarters().writeTo(db);
      q1(db, 1).write(out);
    }
    assertThat(killed.getParent()).as("a killed run's leftover, hours old").doesNotExist();
    assertThat(running).as("a run in progress beside this one keeps its folder").exists();
    assertThat(otherQuarter).as("another quarter's folder is not this run's to judge").exists();
    assertThat(out.resolve("transparency-2026q1.md")).exists();
  }

  @Test
  void aReRunDeletesTheQuartersChartsItNoLongerDrawsAndNoOtherQuartersFiles() throws IOException {
    Path out = dir.resolve("out");
    try (Database db = TestDatabases.open(Dialect.SQLITE, dir)) {
      twoQuarters().writeTo(db);
      TransparencyReport.Result first = q1(db, 1).write(out);
      assertThat(first.charts()).isNotEmpty().allSatisfy(p -> assertThat(p).isRegularFile());
      // Another quarter's chart and a file of the maintainer's share the folder.
      Files.writeString(out.resolve("charts/2025q4-modes.png"), "another quarter");
      Files.writeString(out.resolve("charts/2026q1-notes.txt"), "the maintainer's");
      // Now every figure is hidden: no chart is drawn, and none of the old ones may stay.
      TransparencyReport.Result second = q1(db, 1000).write(out);
      assertThat(second.charts()).isEmpty();
      assertThat(filesUnder(out))
          .containsExactly(
              "charts",
              "charts/2025q4-modes.png",
              "charts/2026q1-notes.txt",
              "sample-events-2026q1.json",
              "transparency-2026q1.html",
              "transparency-2026q1.json",
              "transparency-2026q1.md");
      assertThat(Files.readString(second.html())).doesNotContain("<img");
    }
  }

  @Test
  void aQuarterThatHasNotStartedIsRefused() {
    try (Database db = TestDatabases.open(Dialect.SQLITE, dir)) {
      TransparencyReport report =
          TransparencyReport.builder()
              .dataSource(db.dataSource())
              .dialect(db.dialect())
              .quarter(Period.quarter("2026Q4"))
              .clock(AFTER)
              .build();
      assertThatThrownBy(() -> report.write(dir.resolve("out")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Q4 2026 has not started");
      assertThat(dir.resolve("out")).doesNotExist();
    }
  }

  @Test
  void theSampleIsARandomDrawThatTheSeedReproduces() throws IOException {
    Seeder s = new Seeder();
    for (int i = 0; i < 40; i++) {
      // Two versions, each sent by 20 installations: both are k-safe, so either may be drawn.
      s.add(
          "scan.started",
          id(1, i),
          "Linux",
          i % 2 == 0 ? "0.7.0" : "0.7.1",
          "2026-01-" + (10 + i % 20) + "T10:00:00Z",
          Fixtures.started("cli", "balanced", "trivy"));
    }
    try (Database db = TestDatabases.open(Dialect.SQLITE, dir)) {
      s.writeTo(db);
      java.util.Set<String> drawn = new java.util.HashSet<>();
      for (long seed = 1; seed <= 12; seed++) {
        String a = sampleOf(db, seed, "a" + seed);
        assertThat(sampleOf(db, seed, "b" + seed)).as("same seed, same sample").isEqualTo(a);
        drawn.add(a);
      }
      assertThat(drawn).as("different seeds draw different events").hasSize(2);
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aQuarterOfTooManyContentsToCountInMemoryIsGroupedByTheDatabaseWithTheSameDraw(
      Dialect dialect) throws IOException {
    Seeder s = new Seeder();
    for (int i = 0; i < 60; i++) {
      // Three contents of scan.started shared by 20 installations each, one rare content per
      // installation, and tool failures of two contents.
      s.add(
          "scan.started",
          id(1, i),
          "Linux",
          "0.7." + (i % 3),
          "2026-01-" + (10 + i % 20) + "T10:00:00Z",
          Fixtures.started("cli", "balanced", "trivy"));
      s.add(
          "scan.started",
          id(1, i),
          "Linux",
          "0.7.0",
          "2026-02-" + (10 + i % 15) + "T10:00:00Z",
          Fixtures.started("cli", "deep", "tool" + i));
      s.add(
          "tool.failed",
          id(1, i),
          "macOS",
          "0.7.1",
          "2026-03-0" + (1 + i % 9) + "T10:00:00Z",
          Fixtures.failed("trivy", i % 2 == 0 ? "timeout" : "crash", "null", "fast"));
    }
    try (Database db = TestDatabases.open(dialect, dir)) {
      s.writeTo(db);
      java.util.Set<String> drawn = new java.util.HashSet<>();
      for (long seed = 1; seed <= 8; seed++) {
        String inMemory = sampleOf(db, seed, "m" + seed, Integer.MAX_VALUE);
        assertThat(sampleOf(db, seed, "d" + seed, 1))
            .as("seed " + seed + ": counted by the database, the same draw")
            .isEqualTo(inMemory);
        assertThat(inMemory).as("no content of one installation is drawn").doesNotContain("deep");
        drawn.add(inMemory);
      }
      assertThat(drawn).as("different seeds draw different events").hasSizeGreaterThan(1);
      assertThat(Seeder.JSON.readTree(drawn.iterator().next())).hasSize(2);
    }
  }

  private String sampleOf(Database db, long seed, String out, int maxGroups) throws IOException {
    TransparencyReport.Result r =
        TransparencyReport.builder()
            .dataSource(db.dataSource())
            .dialect(db.dialect())
            .quarter(Period.quarter("2026Q1"))
            .clock(AFTER)
            .seed(seed)
            .maxSampleGroups(maxGroups)
            .maxSampleProbes(0) // counted, so that the two ways of counting are compared
            .build()
            .write(dir.resolve(out));
    return Files.readString(r.sample());
  }

  private String sampleOf(Database db, long seed, String out) throws IOException {
    TransparencyReport.Result r =
        TransparencyReport.builder()
            .dataSource(db.dataSource())
            .dialect(db.dialect())
            .quarter(Period.quarter("2026Q1"))
            .clock(AFTER)
            .seed(seed)
            .build()
            .write(dir.resolve(out));
    return Files.readString(r.sample());
  }

  /** A clock in Q4 2026. */
  private static final java.time.Clock OCTOBER =
      java.time.Clock.fixed(
          java.time.Instant.parse("2026-10-15T00:00:00Z"), java.time.ZoneOffset.UTC);

  private TransparencyReport.Result writeQ3(Seeder s) throws IOException {
    Path own = Files.createDirectories(dir.resolve("q3-" + s.rows().size()));
    try (Database db = TestDatabases.open(Dialect.SQLITE, own)) {
      s.writeTo(db);
      return TransparencyReport.builder()
          .dataSource(db.dataSource())
          .dialect(db.dialect())
          .quarter(Period.quarter("2026Q3"))
          .clock(OCTOBER)
          .build()
          .write(own.resolve("out"));
    }
  }

  @Test
  void wizardRunsAndReportsOfFewerThanKInstallationsShowInNoTable() throws IOException {
    Seeder s = Fixtures.rareWizardAndReports();
    String md = Files.readString(writeQ3(s).markdown());
    assertThat(md)
        .contains("Wizard runs completed (`wizard.completed`): not published")
        .contains("Reports generated (`report.generated`): not published")
        .contains("**Profile chosen**\n\nNot published (fewer than k installations).")
        .contains("**Report formats (SARIF included)**\n\nNot published")
        .doesNotContain("| 6 | 100%")
        .doesNotContain("| 4 | 100%")
        .doesNotContain("Other (1 value");
  }

  @Test
  void theMostPopularProfileIsNeverOneThatAHiddenValueCouldExceed() throws IOException {
    // Balanced/CLI: 11 installations, 10 scans each; fast/docker: 50 installations, one scan each;
    // deep/wizard: 3. Deep is hidden, and with it fast (fewest events), not balanced.
    Seeder s = new Seeder();
    scans(s, 1, 11, 10, "2026-07-10", Fixtures.started("cli", "balanced", "trivy"));
    scans(s, 2, 50, 1, "2026-07-10", Fixtures.started("docker", "fast", "trivy"));
    scans(s, 3, 3, 1, "2026-07-10", Fixtures.started("wizard", "deep", "trivy"));
    TransparencyReport.Result r = writeQ3(s);
    assertThat(r.report().get("most_popular_profile").get("key").asText()).isEqualTo("balanced");
    assertThat(Files.readString(r.markdown()))
        .contains("**Most Popular Profile:** Balanced (67% of scans)");
    assertThat(r.report().get("insights").get(0).get("title").asText())
        .isEqualTo("CLI is the most used execution mode");

    // Fast: 12 scans shown; balanced (11) hidden with deep (3 installations, 30 scans): deep is in
    // fact the most used, so no profile is named.
    Seeder t = new Seeder();
    scans(t, 1, 11, 1, "2026-07-10", Fixtures.started("cli", "balanced", "trivy"));
    scans(t, 2, 12, 1, "2026-07-10", Fixtures.started("cli", "fast", "trivy"));
    scans(t, 3, 3, 10, "2026-07-10", Fixtures.started("cli", "deep", "trivy"));
    TransparencyReport.Result u = writeQ3(t);
    assertThat(keys(u.report().get("figures").get("profiles"))).containsExactly("fast");
    assertThat(u.report().get("most_popular_profile").isNull()).isTrue();
    assertThat(Files.readString(u.markdown()))
        .contains(
            "**Most Popular Profile:** not determinable: the profiles not shown individually (77%"
                + " of scans together) may include a more popular one");
  }

  @Test
  void aDayIsHiddenWhenTheQuartersInstallationsMinusTheShownDaysWouldLeaveFewerThanK()
      throws IOException {
    // 10 installations on July 10, 3 others on July 20: 13 in July and in the quarter, so July 10
    // shown beside them would leave the 3 of the hidden day.
    Seeder s = new Seeder();
    scans(s, 1, 10, 1, "2026-07-10", Fixtures.started("cli", "balanced", "trivy"));
    scans(s, 2, 3, 1, "2026-07-20", Fixtures.started("cli", "balanced", "trivy"));
    JsonNode r = writeQ3(s).report();
    assertThat(r.get("unique_users").asLong()).isEqualTo(13);
    assertThat(r.get("figures").get("installs_by_month").get("2026-07").asLong()).isEqualTo(13);
    assertThat(r.get("installs_by_day").get("2026-07-10").isNull()).isTrue();
    assertThat(r.get("installs_by_day").get("2026-07-20").isNull()).isTrue();
    assertThat(r.get("installs_by_day").get("2026-07-11").asLong()).isZero();
  }

  @Test
  void aDayIsHiddenWhenAMonthsInstallationsMinusItsShownDaysWouldLeaveFewerThanK()
      throws IOException {
    // The auditor's numbers: August has 26 installations, 13 on the 10th, 3 on the 11th and 10 on
    // the 12th. With the 10th and the 12th shown, 26 - 23 = 3 were seen only on the hidden 11th.
    Seeder s = new Seeder();
    scans(s, 1, 10, 1, "2026-07-15", Fixtures.started("cli", "balanced", "trivy"));
    scans(s, 2, 13, 1, "2026-08-10", Fixtures.started("cli", "balanced", "trivy"));
    scans(s, 3, 3, 1, "2026-08-11", Fixtures.started("cli", "balanced", "trivy"));
    scans(s, 4, 10, 1, "2026-08-12", Fixtures.started("cli", "balanced", "trivy"));
    scans(s, 5, 5, 1, "2026-09-01", Fixtures.started("cli", "balanced", "trivy"));
    scans(s, 6, 5, 1, "2026-09-02", Fixtures.started("cli", "balanced", "trivy"));
    JsonNode r = writeQ3(s).report();
    JsonNode months = r.get("figures").get("installs_by_month");
    assertThat(months.get("2026-08").asLong()).isEqualTo(26);
    JsonNode days = r.get("installs_by_day");
    assertThat(days.get("2026-08-11").isNull()).isTrue();
    assertThat(days.get("2026-08-12").isNull())
        .as("the smallest shown day of August goes with the hidden one")
        .isTrue();
    assertThat(days.get("2026-08-10").asLong()).isEqualTo(13);
    assertThat(days.get("2026-07-15").asLong()).isEqualTo(10);
    // No published total, month or quarter, minus its shown days leaves 1 to k - 1 installations.
    java.util.Map<String, Long> shownSums = new java.util.TreeMap<>();
    days.properties()
        .forEach(
            d ->
                shownSums.merge(
                    d.getKey().substring(0, 7),
                    d.getValue().isNull() ? 0 : d.getValue().asLong(),
                    Long::sum));
    months
        .properties()
        .forEach(
            m ->
                assertThat(m.getValue().asLong() - shownSums.getOrDefault(m.getKey(), 0L))
                    .as(m.getKey() + " minus its shown days")
                    .satisfiesAnyOf(
                        x -> assertThat(x).isLessThanOrEqualTo(0),
                        x -> assertThat(x).isGreaterThanOrEqualTo(10)));
    long allShown = shownSums.values().stream().mapToLong(Long::longValue).sum();
    assertThat(r.get("unique_users").asLong() - allShown)
        .satisfiesAnyOf(
            x -> assertThat(x).isLessThanOrEqualTo(0),
            x -> assertThat(x).isGreaterThanOrEqualTo(10));
  }

  /** Writes the report of {@code quarter} of {@code s} at {@code clock}, in a folder of its own. */
  private TransparencyReport.Result writeAt(Seeder s, String quarter, java.time.Clock clock)
      throws IOException {
    Path own = Files.createTempDirectory(dir, "report");
    try (Database db = TestDatabases.open(Dialect.SQLITE, own)) {
      s.writeTo(db);
      return TransparencyReport.builder()
          .dataSource(db.dataSource())
          .dialect(db.dialect())
          .quarter(Period.quarter(quarter))
          .clock(clock)
          .build()
          .write(own.resolve("out"));
    }
  }

  /** 2026-12-01 at 10:30 UTC: Q4 2026 is in progress. */
  private static final java.time.Clock DECEMBER_FIRST =
      java.time.Clock.fixed(
          java.time.Instant.parse("2026-12-01T10:30:00Z"), java.time.ZoneOffset.UTC);

  @Test
  void aQuarterInProgressCountsEveryFigureUpToTheEndOfTheCurrentHourAndSaysSo() throws IOException {
    // 20 installations in November and 10 in the current hour count; 10 later today and 10
    // tomorrow (the collector accepts times up to a day ahead) count in no figure.
    Seeder s = new Seeder();
    scans(s, 1, 20, 1, "2026-11-20", Fixtures.started("cli", "balanced", "trivy"));
    scans(s, 2, 10, 1, "2026-12-01", Fixtures.started("cli", "balanced", "trivy"));
    for (int i = 0; i < 10; i++) {
      s.add(
          "scan.started",
          id(3, i),
          "Linux",
          "0.8.0",
          "2026-12-01T11:00:00Z",
          Fixtures.started("cli", "balanced", "trivy"));
      s.add(
          "scan.started",
          id(4, i),
          "Linux",
          "0.8.0",
          "2026-12-02T09:00:00Z",
          Fixtures.started("cli", "balanced", "trivy"));
    }
    TransparencyReport.Result result = writeAt(s, "2026Q4", DECEMBER_FIRST);
    JsonNode r = result.report();
    assertThat(r.get("unique_users").asLong()).isEqualTo(30);
    assertThat(r.get("total_scans").asLong()).isEqualTo(30);
    assertThat(r.get("figures").get("installs_by_month").get("2026-12").asLong())
        .as("the month counts what its days count")
        .isEqualTo(10);
    JsonNode days = r.get("installs_by_day");
    assertThat(days.get("2026-12-01").asLong()).isEqualTo(10);
    assertThat(days.has("2026-12-02")).isFalse();
    assertThat(r.get("partial").asBoolean()).isTrue();
    assertThat(r.path("figures_up_to").asText()).isEqualTo("2026-12-01T11:00:00Z");
    assertThat(Files.readString(result.markdown()))
        .contains(
            "**Reporting Period:** October 1 - December 31, 2026 (the quarter is not over: figures"
                + " up to 2026-12-01 11:00 UTC");
    assertThat(Files.readString(result.html())).contains("figures up to 2026-12-01 11:00 UTC");

    // Once the quarter is over, it counts whole.
    JsonNode over =
        writeAt(s, "2026Q4", java.time.Clock.offset(DECEMBER_FIRST, Duration.ofDays(31))).report();
    assertThat(over.get("partial").asBoolean()).isFalse();
    assertThat(over.get("figures_up_to").asText()).isEqualTo("2027-01-01T00:00:00Z");
    assertThat(over.get("unique_users").asLong()).isEqualTo(50);
  }

  /**
   * The auditor's two runs of a report of the quarter in progress: one new installation's scan
   * between them moved the exact scans 41 to 42, installations 40 to 41 and trivy 32 to 33, which
   * pinned that installation's scan. Rounded like the rolling windows, the two runs publish the
   * same figures. (The new scan is on a day with others: a new day of fewer than k installations
   * shows as a gap, which says only that someone was active that day.)
   */
  @Test
  void twoReportsOfAQuarterInProgressDoNotShowOneInstallationsScan() throws IOException {
    java.time.Clock august =
        java.time.Clock.fixed(
            java.time.Instant.parse("2026-08-10T12:00:00Z"), java.time.ZoneOffset.UTC);
    Seeder s = new Seeder();
    scans(s, 1, 1, 2, "2026-08-10", Fixtures.started("cli", "balanced", "trivy", "semgrep"));
    scans(s, 2, 24, 1, "2026-08-10", Fixtures.started("cli", "balanced", "trivy", "semgrep"));
    scans(s, 3, 7, 1, "2026-08-10", Fixtures.started("docker", "fast", "trivy"));
    scans(s, 4, 8, 1, "2026-08-10", Fixtures.started("wizard", "fast", "semgrep"));
    TransparencyReport.Result first = writeAt(s, "2026Q3", august);
    scans(s, 5, 1, 1, "2026-08-10", Fixtures.started("docker", "fast", "trivy"));
    TransparencyReport.Result second = writeAt(s, "2026Q3", august);

    for (String figure : List.of("total_scans", "unique_users", "figures", "installs_by_day")) {
      assertThat(second.report().get(figure)).as(figure).isEqualTo(first.report().get(figure));
    }
    assertThat(second.report().get("total_scans").asLong()).isEqualTo(40);
    assertThat(second.report().get("rounded").asBoolean()).isTrue();
    assertThat(second.report().has("suppressed_cells"))
        .as("how many cells were hidden moves with one installation's new rare value")
        .isFalse();
    assertThat(Files.readString(second.markdown()))
        .contains("its counts are rounded down to a multiple of 10");

    // Once the quarter is over, its report is exact.
    JsonNode over =
        writeAt(s, "2026Q3", java.time.Clock.offset(august, Duration.ofDays(60))).report();
    assertThat(over.get("rounded").asBoolean()).isFalse();
    assertThat(over.get("total_scans").asLong()).isEqualTo(42);
    assertThat(over.get("unique_users").asLong()).isEqualTo(41);
  }

  @Test
  void aHigherKHidesEverything() {
    TransparencyReport.Result r = write(Dialect.SQLITE, 1000);
    assertThat(r.report().get("unique_users").isNull()).isTrue();
    assertThat(keys(r.report().get("figures").get("platforms"))).isEmpty();
    assertThat(r.report().get("insights")).isEmpty();
    assertThat(r.charts()).isEmpty();
  }

  @Test
  void builderChecksItsInputs() {
    assertThatThrownBy(() -> TransparencyReport.builder().k(0)).hasMessageContaining("k < 1");
    assertThatThrownBy(() -> TransparencyReport.builder().build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Period.quarter("2026Q5")).hasMessageContaining("not a quarter");
  }

  private static java.util.List<String> keys(JsonNode shares) {
    java.util.List<String> out = new java.util.ArrayList<>();
    shares.get("values").forEach(s -> out.add(s.get("key").asText()));
    return out;
  }
}
