package com.jmotools.telemetry.reports.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.collector.Dialect;
import com.jmotools.telemetry.reports.Fixtures;
import com.jmotools.telemetry.reports.Period;
import com.jmotools.telemetry.reports.Seeder;
import com.jmotools.telemetry.reports.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SampleDrawTest {

  private static final Period Q1 = Period.quarter("2026Q1");
  private static final int K = 10;
  private static final String SHARED_META = Fixtures.started("cli", "balanced", "trivy");

  @TempDir Path dir;

  /**
   * Of the quarter's 120 scan.started events, 60 have content A (0.7.0, 20 installations, 3 events
   * each), 20 content B (0.7.1, 20 installations) and 40 a content of their own; a content shared
   * by 20 installations in the previous quarter and tool failures sit beside them.
   */
  private static Seeder quarter() {
    Seeder s = new Seeder();
    for (int i = 0; i < 20; i++) {
      for (int e = 0; e < 3; e++) {
        s.add("scan.started", id(i), "Linux", "0.7.0", day(1 + i + e * 20), SHARED_META);
      }
      s.add("scan.started", id(100 + i), "Linux", "0.7.1", day(70 + i), SHARED_META);
      s.add(
          "scan.started",
          id(200 + i),
          "Linux",
          "0.6.0",
          "2025-12-0" + (1 + i % 9) + "T10:00:00Z",
          SHARED_META);
      s.add(
          "tool.failed",
          id(i),
          "Linux",
          "0.7.0",
          day(5 + i),
          Fixtures.failed("trivy", "timeout", "null", "fast"));
    }
    for (int i = 0; i < 40; i++) {
      s.add(
          "scan.started",
          id(300 + i),
          "Linux",
          "0.7.0",
          day(1 + i * 2),
          Fixtures.started("cli", "deep", "tool" + i));
    }
    return s;
  }

  private static String id(int i) {
    return String.format("00000001-1111-4111-8111-%012d", i);
  }

  /** The {@code n}th day of Q1 2026 (1 is January 1), at 10:00 UTC. */
  private static String day(int n) {
    return java.time.LocalDate.of(2026, 1, 1).plusDays(n - 1L) + "T10:00:00Z";
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void everyEventOfAContentSharedByKIsEquallyLikelyWhicheverWayItIsDrawn(Dialect dialect)
      throws SQLException {
    try (Database db = TestDatabases.open(dialect, dir)) {
      quarter().writeTo(db);
      // By rejection (falling back to counting when it meets a rare content), then by counting.
      for (int probes : new int[] {10_000, 0}) {
        SampleDraw draw = new SampleDraw(new Sql(dialect), Q1, K, 150_000, probes);
        int seeds = probes > 0 ? 300 : 100;
        int a = 0;
        try (Connection c = db.dataSource().getConnection()) {
          for (long seed = 1; seed <= seeds; seed++) {
            List<SampleDraw.Content> drawn =
                draw.draw(c, "scan.started", 120, 1, new SplittableRandom(seed));
            assertThat(drawn).as("probes %d, seed %d", probes, seed).hasSize(1);
            SampleDraw.Content content = drawn.get(0);
            // As stored: PostgreSQL's jsonb rewrites the text.
            assertThat(content.metadata()).contains("\"balanced\"").doesNotContain("deep");
            assertThat(content.version()).as("only A or B qualify").isIn("0.7.0", "0.7.1");
            if (content.version().equals("0.7.0")) {
              a++;
            }
          }
        }
        // A holds 60 of the 80 qualifying events: drawn 3 times in 4 (within 4.5 standard
        // deviations).
        double sd = Math.sqrt(seeds * 0.75 * 0.25);
        assertThat((double) a)
            .as("probes %d: A drawn %d times of %d", probes, a, seeds)
            .isBetween(seeds * 0.75 - 4.5 * sd, seeds * 0.75 + 4.5 * sd);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aContentIsDrawnAtMostOnceAndATypeWithoutEventsGivesNone(Dialect dialect)
      throws SQLException {
    try (Database db = TestDatabases.open(dialect, dir)) {
      quarter().writeTo(db);
      SampleDraw draw = new SampleDraw(new Sql(dialect), Q1, K, 150_000, 10_000);
      try (Connection c = db.dataSource().getConnection()) {
        for (long seed = 1; seed <= 20; seed++) {
          List<SampleDraw.Content> drawn =
              draw.draw(c, "scan.started", 120, 3, new SplittableRandom(seed));
          assertThat(drawn)
              .extracting(SampleDraw.Content::version)
              .as("the two shared contents, once each")
              .containsExactlyInAnyOrder("0.7.0", "0.7.1");
        }
        // tool.failed: one content, shared by 20 installations. wizard.completed: no event at all,
        // whether the statistics say so or not.
        assertThat(draw.draw(c, "tool.failed", 20, 1, new SplittableRandom(1))).hasSize(1);
        assertThat(draw.draw(c, "wizard.completed", 0, 1, new SplittableRandom(1))).isEmpty();
        assertThat(draw.draw(c, "wizard.completed", 50, 1, new SplittableRandom(1))).isEmpty();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void theSameSeedDrawsTheSameContent(Dialect dialect) throws SQLException {
    try (Database db = TestDatabases.open(dialect, dir)) {
      quarter().writeTo(db);
      SampleDraw draw = new SampleDraw(new Sql(dialect), Q1, K, 150_000, 10_000);
      try (Connection c = db.dataSource().getConnection()) {
        for (long seed = 1; seed <= 20; seed++) {
          assertThat(draw.draw(c, "scan.started", 120, 1, new SplittableRandom(seed)))
              .isEqualTo(draw.draw(c, "scan.started", 120, 1, new SplittableRandom(seed)));
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void eventsOutsideThePeriodDoNotChangeTheDraw(Dialect dialect) throws SQLException {
    try (Database db = TestDatabases.open(dialect, dir)) {
      quarter().writeTo(db);
      SampleDraw before = new SampleDraw(new Sql(dialect), Q1, K, 150_000, 10_000);
      List<List<SampleDraw.Content>> drawn = new java.util.ArrayList<>();
      try (Connection c = db.dataSource().getConnection()) {
        for (long seed = 1; seed <= 20; seed++) {
          drawn.add(before.draw(c, "scan.started", 120, 1, new SplittableRandom(seed)));
        }
      }
      // Events of the same type and content after the quarter (rows with higher ids) and before
      // it, as a collector receives them: none of them is in the period.
      Seeder later = new Seeder();
      for (int i = 0; i < 300; i++) {
        later.add(
            "scan.started",
            id(400 + i % 30),
            "Linux",
            "0.7.0",
            "2026-0" + (4 + i % 3) + "-1" + (i % 9) + "T10:00:00Z",
            SHARED_META);
        later.add(
            "scan.started",
            id(500 + i % 30),
            "Linux",
            "0.7.1",
            "2025-11-20T10:00:00Z",
            SHARED_META);
      }
      later.writeTo(db);
      SampleDraw after = new SampleDraw(new Sql(dialect), Q1, K, 150_000, 10_000);
      try (Connection c = db.dataSource().getConnection()) {
        for (long seed = 1; seed <= 20; seed++) {
          assertThat(after.draw(c, "scan.started", 120, 1, new SplittableRandom(seed)))
              .as("seed %d", seed)
              .isEqualTo(drawn.get((int) seed - 1));
        }
      }
    }
  }
}
