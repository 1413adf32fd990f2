package com.jmotools.telemetry.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.jmotools.telemetry.catalog.EventIds;
import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.collector.Dialect;
import com.jmotools.telemetry.collector.EventRow;
import com.jmotools.telemetry.collector.EventStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The rollup path of {@link TelemetryStats#compute} against the SQL path, and its invalidation. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RollupTest {

  static final Clock APRIL = Clock.fixed(Instant.parse("2026-04-10T15:20:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  private static TelemetryStats stats(Database db, Clock clock) {
    return TelemetryStats.builder()
        .dataSource(db.dataSource())
        .dialect(db.dialect())
        .clock(clock)
        .build();
  }

  /**
   * Random events of 40 installations over 20 days ending at the fixed clock's now (today
   * included).
   */
  static Seeder random(long seed) {
    Random r = new Random(seed);
    Seeder s = new Seeder();
    String[] platforms = {"Linux", "macOS", "Windows"};
    String[] modes = {"cli", "docker", "wizard"};
    String[] profiles = {"fast", "balanced", "deep", "custom"};
    String[] tools = {"trivy", "zap", "semgrep", "afl++"};
    Instant end = Instant.parse("2026-04-10T15:00:00Z");
    for (int i = 0; i < 1500; i++) {
      int who = r.nextInt(40);
      String id = String.format("%08x-2222-4222-8222-%012d", who, who);
      String time = end.minus(Duration.ofHours(r.nextInt(20 * 24))).toString();
      String platform = platforms[who % 3];
      String version = "0.7." + (who % 4);
      switch (r.nextInt(5)) {
        case 0 ->
            s.add(
                "scan.started",
                id,
                platform,
                version,
                time,
                Fixtures.started(
                    modes[r.nextInt(3)],
                    profiles[r.nextInt(4)],
                    tools[r.nextInt(2)],
                    tools[2 + r.nextInt(2)]));
        case 1 ->
            s.add(
                "tool.failed",
                id,
                platform,
                version,
                time,
                Fixtures.failed(
                    tools[r.nextInt(4)],
                    r.nextBoolean() ? "timeout" : "crash",
                    "null",
                    profiles[r.nextInt(4)]));
        case 2 ->
            s.add(
                "scan.completed",
                id,
                platform,
                version,
                time,
                Fixtures.completed(
                    modes[r.nextInt(3)],
                    "fast",
                    r.nextBoolean() ? "<5min" : ">30min",
                    2,
                    1,
                    r.nextBoolean() ? "0" : ">1000"));
        case 3 ->
            s.add(
                "wizard.completed",
                id,
                platform,
                version,
                time,
                Fixtures.wizard(
                    "deep",
                    r.nextBoolean() ? "docker" : "native",
                    r.nextBoolean() ? null : "gha",
                    30));
        default ->
            s.add(
                "report.generated",
                id,
                platform,
                version,
                time,
                Fixtures.report("1-10", true, false, "json", "html"));
      }
    }
    return s;
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void rollupGivesTheSameNumbersAsSqlForWholeAndPartialDays(Dialect dialect) {
    try (Database db = TestDatabases.open(dialect, dir)) {
      random(7).writeTo(db);
      TelemetryStats stats = stats(db, APRIL);
      assertThat(stats.refreshRollup()).isGreaterThan(15);
      for (Period p :
          List.of(
              new Period(
                  Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-05-01T00:00:00Z")),
              new Period(
                  Instant.parse("2026-03-25T07:00:00Z"), Instant.parse("2026-04-10T16:00:00Z")),
              new Period(
                  Instant.parse("2026-04-02T00:00:00Z"), Instant.parse("2026-04-03T00:00:00Z")),
              new Period(
                  Instant.parse("2026-04-02T05:00:00Z"), Instant.parse("2026-04-02T09:00:00Z")))) {
        assertThat(stats.compute(p)).as(p.toString()).isEqualTo(stats.computeWithSql(p));
      }
      assertThat(stats.breakdown(TelemetryStats.Breakdown.INSTALLS_BY_DAY, Fixtures.Q1))
          .isEqualTo(stats.breakdownWithSql(TelemetryStats.Breakdown.INSTALLS_BY_DAY, Fixtures.Q1));
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void lateEventsErasuresAndPurgesReRollTheirDays(Dialect dialect) throws Exception {
    try (Database db = TestDatabases.open(dialect, dir)) {
      Fixtures.quarter().writeTo(db);
      TelemetryStats stats = stats(db, APRIL);
      assertThat(stats.compute(Fixtures.Q1).totalEvents()).isEqualTo(14);
      assertThat(stats.refreshRollup()).isZero(); // up to date

      // An event of a rolled day arrives late (an outbox replayed days later).
      new Seeder()
          .add(
              "scan.started",
              Fixtures.B,
              "macOS",
              "0.7.1",
              "2026-01-12T09:00:00Z",
              Fixtures.started("cli", "deep", "zap"))
          .writeTo(db);
      assertThat(stats.refreshRollup()).isEqualTo(1);
      Stats s = stats.compute(Fixtures.Q1);
      assertThat(s.totalEvents()).isEqualTo(15);
      assertThat(s).isEqualTo(stats.computeWithSql(Fixtures.Q1));

      // An erasure: every row of A goes, and the collector records the id.
      try (Connection c = db.dataSource().getConnection();
          Statement st = c.createStatement()) {
        st.executeUpdate("DELETE FROM events WHERE anonymous_id = '" + Fixtures.A + "'");
        st.executeUpdate(
            "INSERT INTO deleted_ids (anonymous_id, deleted_at) VALUES ('"
                + Fixtures.A
                + "', "
                + (dialect == Dialect.SQLITE ? "'2026-04-10T15:00:00Z'" : "now()")
                + ")");
      }
      s = stats.compute(Fixtures.Q1);
      assertThat(s.uniqueInstalls()).isEqualTo(3);
      assertThat(s.totalEvents()).isEqualTo(10);
      assertThat(s).isEqualTo(stats.computeWithSql(Fixtures.Q1));

      // A retention purge removes the oldest rows.
      try (Connection c = db.dataSource().getConnection();
          Statement st = c.createStatement()) {
        st.executeUpdate(
            "DELETE FROM events WHERE \"timestamp\" < "
                + (dialect == Dialect.SQLITE
                    ? "'2026-01-12T09:30:00Z'"
                    : "'2026-01-12T09:30:00Z'::timestamptz"));
      }
      s = stats.compute(Fixtures.Q1);
      assertThat(s).isEqualTo(stats.computeWithSql(Fixtures.Q1));
      assertThat(s.events("scan.started")).isEqualTo(2);
    }
  }

  /**
   * The upgrade that keys stored anonymous ids rewrites the ids of rows the rollup already holds
   * hashes of, without changing any row's count or id: the rollup must start over, or an
   * installation seen before the upgrade and again after it would count twice.
   */
  @Test
  void installationsCountTheSameAfterTheUpgradeThatKeysStoredIds() throws Exception {
    String location = dir.resolve("upgrade.db").toString();
    Stats before;
    long rowOfB;
    try (Database db = Database.builder(location).migrate(false).open()) {
      // The schema of the version before keyed anonymous ids, its rows holding the ids as sent.
      Flyway.configure(Database.class.getClassLoader())
          .dataSource(db.dataSource())
          .locations("classpath:com/jmotools/telemetry/collector/db/sqlite")
          .target("3")
          .load()
          .migrate();
      Fixtures.quarter().writeTo(db);
      before = stats(db, APRIL).compute(Fixtures.Q1); // rolls the quarter up
      rowOfB =
          stats(db, APRIL).equals(null)
              ? 0
              : longOf(db, "SELECT min(id) FROM events WHERE anonymous_id = '" + Fixtures.B + "'");
    }
    try (Database db = Database.open(location)) { // the upgrade
      String keyedB = stringOf(db, "SELECT anonymous_id FROM events WHERE id = " + rowOfB);
      assertThat(keyedB).isNotEqualTo(Fixtures.B);
      TelemetryStats stats = stats(db, APRIL);
      assertThat(stats.compute(Fixtures.Q1)).isEqualTo(before);
      // B's next event, stored as the collector now stores it, on a day of its own.
      new Seeder()
          .add(
              "scan.started",
              keyedB,
              "macOS",
              "0.7.1",
              "2026-03-30T09:00:00Z",
              Fixtures.started("cli", "deep", "zap"))
          .writeTo(db);
      Stats after = stats.compute(Fixtures.Q1);
      assertThat(after.uniqueInstalls()).isEqualTo(before.uniqueInstalls());
      assertThat(after.totalEvents()).isEqualTo(before.totalEvents() + 1);
      assertThat(after).isEqualTo(stats.computeWithSql(Fixtures.Q1));
    }
  }

  private static long longOf(Database db, String sql) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement st = c.createStatement();
        java.sql.ResultSet r = st.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  private static String stringOf(Database db, String sql) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement st = c.createStatement();
        java.sql.ResultSet r = st.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  static final Clock DECEMBER = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
  static final String ERASED = "11111111-1111-4111-8111-111111111111";
  static final String KEPT = "22222222-2222-4222-8222-222222222222";
  static final String LATE = "33333333-3333-4333-8333-333333333333";
  static final Period NOVEMBER_30 =
      new Period(Instant.parse("2026-11-30T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));

  /** Erases {@code id} as the collector does: the id is recorded first, then its rows go. */
  private static void recordErasure(Database db, String id) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement st = c.createStatement()) {
      st.executeUpdate(
          "INSERT INTO deleted_ids (anonymous_id, deleted_at) VALUES ('"
              + id
              + "', "
              + (db.dialect() == Dialect.SQLITE ? "'2026-12-01T10:00:00Z'" : "now()")
              + ")");
    }
  }

  private static void deleteRows(Database db, String id) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement st = c.createStatement()) {
      st.executeUpdate("DELETE FROM events WHERE anonymous_id = '" + id + "'");
    }
  }

  private static Seeder twoEventsOnNovember30() {
    return new Seeder()
        .add(
            "scan.started",
            ERASED,
            "Windows",
            "9.9.9",
            "2026-11-30T10:00:00Z",
            Fixtures.started("cli", "fast", "trivy"))
        .add(
            "scan.started",
            KEPT,
            "Linux",
            "0.7.0",
            "2026-11-30T11:00:00Z",
            Fixtures.started("cli", "fast", "trivy"));
  }

  private static Seeder lateEventOnNovember30() {
    return new Seeder()
        .add(
            "scan.started",
            LATE,
            "macOS",
            "0.7.1",
            "2026-11-30T12:00:00Z",
            Fixtures.started("docker", "deep", "zap"));
  }

  /** Whether the rollup still stores the hash of {@code id} in any cell. */
  private static boolean rollupHoldsId(Database db, String id) throws Exception {
    long hash = com.jmotools.telemetry.reports.internal.LongSet.hash(id);
    try (Connection c = db.dataSource().getConnection();
        Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT ids FROM reports_daily")) {
      while (rs.next()) {
        for (long h : com.jmotools.telemetry.reports.internal.LongSet.decode(rs.getBytes(1))) {
          if (h == hash) {
            return true;
          }
        }
      }
    }
    return false;
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void anErasureAndALateEventOfTheSameDayBetweenTwoRefreshesAreBothRolled(Dialect dialect)
      throws Exception {
    try (Database db = TestDatabases.open(dialect, dir)) {
      twoEventsOnNovember30().writeTo(db);
      TelemetryStats stats = stats(db, DECEMBER);
      stats.refreshRollup();
      assertThat(stats.compute(NOVEMBER_30).platforms()).extracting(Cell::key).contains("Windows");

      // One row erased and one late row added: the day's count is the same as before.
      recordErasure(db, ERASED);
      deleteRows(db, ERASED);
      lateEventOnNovember30().writeTo(db);
      stats.refreshRollup();

      Stats s = stats.compute(NOVEMBER_30);
      assertThat(s.platforms()).extracting(Cell::key).containsExactly("Linux", "macOS");
      assertThat(s.versions()).extracting(Cell::key).containsExactly("0.7.0", "0.7.1");
      assertThat(s.totalEvents()).isEqualTo(2);
      assertThat(s).isEqualTo(stats.computeWithSql(NOVEMBER_30));
      assertThat(rollupHoldsId(db, ERASED)).isFalse();
      assertThat(rollupHoldsId(db, LATE)).isTrue();
    }
  }

  /** {@code count} scan.started events of {@code id} with {@code profile}, in {@code hour}. */
  private static List<EventRow> scans(String id, String profile, int count, Instant hour) {
    Random random = new Random(id.hashCode());
    List<EventRow> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(
          new EventRow(
              EventIds.newId(hour, random).toString(),
              "scan.started",
              "0.7.0",
              "Linux",
              null,
              "java-17",
              id,
              Fixtures.started("cli", profile, "trivy"),
              hour.toString()));
    }
    return rows;
  }

  /**
   * The auditors' repro: the newest rows are erased and as many new rows of the same day arrive.
   * Had the new rows taken the erased rows' ids again (SQLite's rowid without AUTOINCREMENT), the
   * day's fingerprint (count and id sum) would be unchanged and the rollup would keep the erased
   * rows' figures for good.
   */
  @ParameterizedTest
  @EnumSource(Dialect.class)
  void rowsAfterAnErasureOfTheNewestRowsTakeNewIdsAndTheRollupSeesThem(Dialect dialect)
      throws Exception {
    try (Database db = TestDatabases.open(dialect, dir)) {
      EventStore store = EventStore.of(db);
      Instant hour = Instant.parse("2026-11-30T09:00:00Z");
      store.append(scans(LATE, "balanced", 5, hour), hour);
      store.append(scans(ERASED, "deep", 5, hour), hour);
      TelemetryStats stats = stats(db, DECEMBER);
      stats.refreshRollup();
      assertThat(stats.compute(NOVEMBER_30).profiles())
          .containsExactlyInAnyOrder(new Cell("balanced", 5, 1), new Cell("deep", 5, 1));
      long highest = maxId(db);

      store.erase(UUID.fromString(ERASED), DECEMBER.instant());
      store.append(scans(KEPT, "fast", 5, hour), hour);
      assertThat(minIdOf(db, KEPT)).isGreaterThan(highest);
      stats.refreshRollup();

      Stats s = stats.compute(NOVEMBER_30);
      assertThat(s.profiles())
          .containsExactlyInAnyOrder(new Cell("balanced", 5, 1), new Cell("fast", 5, 1));
      assertThat(s).isEqualTo(stats.computeWithSql(NOVEMBER_30));
      assertThat(rollupHoldsId(db, ERASED)).isFalse();

      // And when a purge or erasures empty the table, ids still go on from the highest ever given.
      store.erase(UUID.fromString(LATE), DECEMBER.instant());
      store.erase(UUID.fromString(KEPT), DECEMBER.instant());
      assertThat(maxId(db)).isZero();
      store.append(scans(Fixtures.A, "custom", 1, hour), hour);
      assertThat(minIdOf(db, Fixtures.A)).isGreaterThan(highest + 5);
      stats.refreshRollup();
      assertThat(stats.compute(NOVEMBER_30).profiles()).containsExactly(new Cell("custom", 1, 1));
    }
  }

  private static long maxId(Database db) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 0) FROM events")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long minIdOf(Database db, String id) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement st = c.createStatement();
        java.sql.ResultSet rs =
            st.executeQuery("SELECT min(id) FROM events WHERE anonymous_id = '" + id + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void rowsThatAnErasureDeletesAfterARefreshSawItsIdStillLeaveTheRollup(Dialect dialect)
      throws Exception {
    try (Database db = TestDatabases.open(dialect, dir)) {
      twoEventsOnNovember30().writeTo(db);
      TelemetryStats stats = stats(db, DECEMBER);
      stats.refreshRollup();

      // The collector records the id, a refresh runs, and only then are the id's rows deleted.
      recordErasure(db, ERASED);
      stats.refreshRollup();
      deleteRows(db, ERASED);
      stats.refreshRollup();

      Stats s = stats.compute(NOVEMBER_30);
      assertThat(s.platforms()).extracting(Cell::key).containsExactly("Linux");
      assertThat(s).isEqualTo(stats.computeWithSql(NOVEMBER_30));
      assertThat(rollupHoldsId(db, ERASED)).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void lateEventsOfAFinishedDayCountAtOnceAndTheTokenChangesWhenTheRollupDoes(Dialect dialect)
      throws Exception {
    try (Database db = TestDatabases.open(dialect, dir)) {
      twoEventsOnNovember30().writeTo(db);
      TelemetryStats refresher = stats(db, DECEMBER);
      TelemetryStats server =
          TelemetryStats.builder()
              .dataSource(db.dataSource())
              .dialect(db.dialect())
              .clock(DECEMBER)
              .refreshBeforeCompute(false)
              .reuseRolledPart(true)
              .build();
      refresher.refreshRollup();
      assertThat(server.compute(NOVEMBER_30).totalEvents()).isEqualTo(2);
      String before = server.changeToken();

      // Late events of the finished, rolled day: counted before any refresh, and the token moved.
      lateEventOnNovember30().writeTo(db);
      String added = server.changeToken();
      assertThat(added).isNotEqualTo(before);
      assertThat(server.compute(NOVEMBER_30).totalEvents()).isEqualTo(3);
      assertThat(server.compute(NOVEMBER_30)).isEqualTo(server.computeWithSql(NOVEMBER_30));
      refresher.refreshRollup();
      assertThat(server.compute(NOVEMBER_30)).isEqualTo(server.computeWithSql(NOVEMBER_30));

      // An erasure whose rows go after a refresh saw the id: the refresh that removes them from
      // the rollup changes the token, so a dashboard redraws without them.
      recordErasure(db, ERASED);
      refresher.refreshRollup();
      deleteRows(db, ERASED);
      String erased = server.changeToken();
      refresher.refreshRollup();
      assertThat(server.changeToken()).isNotEqualTo(erased);
      assertThat(server.compute(NOVEMBER_30).platforms())
          .extracting(Cell::key)
          .containsExactly("Linux", "macOS");
    }
  }

  /** Bytes the current thread allocates while {@code work} runs. */
  private static long allocatedBy(Runnable work) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    work.run();
    return threads.getThreadAllocatedBytes(id) - before;
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aPeriodOfCenturiesCostsNoMoreThanTheDaysThatHoldEvents(Dialect dialect) {
    try (Database db = TestDatabases.open(dialect, dir)) {
      Fixtures.quarter().writeTo(db);
      TelemetryStats stats = stats(db, APRIL);
      stats.refreshRollup();
      Period centuries =
          new Period(Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("9999-12-31T00:00:00Z"));
      var all = new java.util.concurrent.atomic.AtomicReference<Stats>();
      // 2.9 million days would take hundreds of MiB to walk; the stored days take a few.
      assertThat(allocatedBy(() -> all.set(stats.compute(centuries))))
          .isLessThan(32L * 1024 * 1024);
      assertThat(all.get().totalEvents()).isEqualTo(16);
      assertThat(all.get()).isEqualTo(stats.computeWithSql(centuries));

      // Installations per day, zero days included: from the first event's day through tomorrow.
      var days = new java.util.concurrent.atomic.AtomicReference<List<Cell>>();
      assertThat(allocatedBy(() -> days.set(stats.installsByEveryDay(centuries))))
          .isLessThan(32L * 1024 * 1024);
      assertThat(days.get()).first().extracting(Cell::key).isEqualTo("2025-12-31");
      assertThat(days.get()).last().extracting(Cell::key).isEqualTo("2026-04-11");
      assertThat(days.get()).hasSize(102);
      // A chart's period (here 31 days, 30 of them before the first event) shows every one of its
      // days, so the dashboard's "last 90 days" has 90 bars even before the data begins.
      assertThat(
              stats.installsByEveryDay(
                  new Period(
                      Instant.parse("2025-12-01T00:00:00Z"),
                      Instant.parse("2026-01-01T00:00:00Z"))))
          .hasSize(31)
          .first()
          .extracting(Cell::key)
          .isEqualTo("2025-12-01");
      assertThat(
              stats.installsByEveryDay(
                  new Period(
                      Instant.parse("2030-01-01T00:00:00Z"),
                      Instant.parse("9999-01-01T00:00:00Z"))))
          .isEmpty();
      assertThat(stats.compute(new Period(Instant.EPOCH, Instant.parse("2001-01-01T00:00:00Z"))))
          .extracting(Stats::totalEvents)
          .isEqualTo(0L);
    }
  }

  @org.junit.jupiter.api.Test
  void cellsOfManyIdsAreEstimatedWithinAFewPercentAndTotalsStayExact() {
    try (Database db = TestDatabases.open(Dialect.SQLITE, dir)) {
      Seeder s = new Seeder();
      // 5000 installations on two days: the profile cell holds more ids than a sketch keeps.
      for (int i = 0; i < 5000; i++) {
        String id = String.format("%08x-3333-4333-8333-%012d", i, i);
        s.add(
            "scan.started",
            id,
            "Linux",
            "0.7.1",
            "2026-04-0" + (1 + i % 2) + "T10:00:00Z",
            Fixtures.started("cli", "balanced", "trivy"));
      }
      s.writeTo(db);
      TelemetryStats stats = stats(db, APRIL);
      Period p =
          new Period(Instant.parse("2026-04-01T00:00:00Z"), Instant.parse("2026-04-03T00:00:00Z"));
      Stats rolled = stats.compute(p);
      assertThat(rolled.uniqueInstalls()).isEqualTo(5000);
      assertThat(rolled.installsByWeek().get(0).ids()).isEqualTo(5000);
      assertThat(rolled.profiles().get(0).events()).isEqualTo(5000);
      assertThat(rolled.profiles().get(0).ids()).isBetween(4750L, 5000L);
      assertThat(stats.computeWithSql(p).profiles().get(0).ids()).isEqualTo(5000);
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aDayWithMoreInstallationsThanTheBoundStoresASketchAndIsEstimatedClosely(Dialect dialect)
      throws Exception {
    try (Database db = TestDatabases.open(dialect, dir)) {
      Seeder s = new Seeder();
      // 6000 installations on April 1st, 5 times the bound; 600 of them again on April 2nd.
      for (int i = 0; i < 6000; i++) {
        String id = String.format("%08x-4444-4444-8444-%012d", i, i);
        s.add(
            "scan.started",
            id,
            "Linux",
            "0.7.1",
            "2026-04-01T" + String.format("%02d", i % 24) + ":00:00Z",
            Fixtures.started("cli", "balanced", "trivy"));
        if (i % 10 == 0) {
          s.add(
              "scan.started",
              id,
              "Linux",
              "0.7.1",
              "2026-04-02T10:00:00Z",
              Fixtures.started("cli", "fast", "trivy"));
        }
      }
      s.writeTo(db);
      int bound = 1024; // the smallest bound allowed: the sketch size of the other cells
      TelemetryStats stats =
          TelemetryStats.builder()
              .dataSource(db.dataSource())
              .dialect(db.dialect())
              .clock(APRIL)
              .rollupDayIds(bound)
              .build();
      stats.refreshRollup();
      // What a day keeps, and so what rolling it holds in memory, is bounded: not its 6000 ids.
      try (Connection c = db.dataSource().getConnection();
          Statement st = c.createStatement();
          java.sql.ResultSet rs =
              st.executeQuery(
                  "SELECT day, length(ids) FROM reports_daily WHERE event_type = '*' AND dim ="
                      + " 'all' ORDER BY day")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("2026-04-01");
        assertThat(rs.getLong(2)).isEqualTo(bound * 8L + 1); // a sketch, marked
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(2)).isEqualTo(600 * 8L); // under the bound: every id, exact
      }
      Period p =
          new Period(Instant.parse("2026-04-01T00:00:00Z"), Instant.parse("2026-04-03T00:00:00Z"));
      Stats rolled = stats.compute(p);
      assertThat(stats.computeWithSql(p).uniqueInstalls()).isEqualTo(6000);
      assertThat(rolled.totalEvents()).isEqualTo(6600);
      // 1 / sqrt(1024): about 3 %; the union with the exact day stays a sketch of the same size.
      assertThat(rolled.uniqueInstalls()).isBetween(5400L, 6600L);
      assertThat(rolled.installsByWeek().get(0).ids()).isEqualTo(rolled.uniqueInstalls());
      List<Cell> days = stats.breakdown(TelemetryStats.Breakdown.INSTALLS_BY_DAY, p);
      assertThat(days.get(0).ids()).isBetween(5400L, 6600L);
      assertThat(days.get(1).ids()).isEqualTo(600);
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void todaysEventsAreReadLiveWithoutARefresh(Dialect dialect) {
    try (Database db = TestDatabases.open(dialect, dir)) {
      Fixtures.quarter().writeTo(db);
      TelemetryStats stats =
          TelemetryStats.builder()
              .dataSource(db.dataSource())
              .dialect(db.dialect())
              .clock(APRIL)
              .refreshBeforeCompute(false)
              .reuseRolledPart(true)
              .build();
      Period april =
          new Period(Instant.parse("2026-04-01T00:00:00Z"), Instant.parse("2026-04-11T00:00:00Z"));
      assertThat(stats.compute(april).totalEvents()).isEqualTo(1);
      new Seeder()
          .add(
              "scan.started",
              Fixtures.C,
              "Windows",
              "0.7.1",
              "2026-04-10T15:00:00Z",
              Fixtures.started("cli", "deep", "zap"))
          .writeTo(db);
      assertThat(stats.compute(april).totalEvents()).isEqualTo(2);
    }
  }

  static final Clock NEXT_DAY = Clock.fixed(Instant.parse("2026-04-11T01:00:00Z"), ZoneOffset.UTC);

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void theCurrentDayIsRolledAndKeptCurrentAsEventsArrive(Dialect dialect) throws Exception {
    try (Database db = TestDatabases.open(dialect, dir)) {
      random(11).writeTo(db);
      TelemetryStats refresher = stats(db, APRIL);
      TelemetryStats reader =
          TelemetryStats.builder()
              .dataSource(db.dataSource())
              .dialect(db.dialect())
              .clock(APRIL)
              .refreshBeforeCompute(false)
              .reuseRolledPart(true)
              .build();
      Period withToday =
          new Period(Instant.parse("2026-03-20T00:00:00Z"), Instant.parse("2026-04-11T00:00:00Z"));
      refresher.refreshRollup();
      if (dialect == Dialect.SQLITE) {
        // Today is in the rollup (on PostgreSQL the newest rows are read raw until the look-back
        // passes them).
        assertThat(rolledEvents(db, "2026-04-10"))
            .isEqualTo(eventsOn(db, "2026-04-10"))
            .isPositive();
      }
      assertThat(reader.compute(withToday)).isEqualTo(reader.computeWithSql(withToday));

      // Events of today arrive: read at once (above the rolled id), then added by the next refresh
      // alone.
      Seeder more = new Seeder();
      for (int i = 0; i < 5; i++) {
        more.add(
            "scan.started",
            Fixtures.C,
            "Windows",
            "0.7.1",
            "2026-04-10T15:00:00Z",
            Fixtures.started("cli", "deep", "zap"));
      }
      more.add(
          "scan.started",
          Fixtures.D,
          "Linux",
          "0.7.2",
          "2026-04-10T14:00:00Z",
          Fixtures.started("docker", "fast", "trivy"));
      more.writeTo(db);
      assertThat(reader.compute(withToday)).isEqualTo(reader.computeWithSql(withToday));
      assertThat(refresher.refreshRollup()).isZero(); // no finished day changed
      if (dialect == Dialect.SQLITE) {
        assertThat(rolledEvents(db, "2026-04-10")).isEqualTo(eventsOn(db, "2026-04-10"));
      }
      assertThat(reader.compute(withToday)).isEqualTo(reader.computeWithSql(withToday));

      // An erasure of an installation with events today: today is rolled again without it.
      try (Connection c = db.dataSource().getConnection();
          Statement st = c.createStatement()) {
        st.executeUpdate("DELETE FROM events WHERE anonymous_id = '" + Fixtures.C + "'");
        st.executeUpdate(
            "INSERT INTO deleted_ids (anonymous_id, deleted_at) VALUES ('"
                + Fixtures.C
                + "', "
                + (dialect == Dialect.SQLITE ? "'2026-04-10T15:00:00Z'" : "now()")
                + ")");
      }
      refresher.refreshRollup();
      assertThat(reader.compute(withToday)).isEqualTo(reader.computeWithSql(withToday));

      // More events of the day, then the day ends: the next refresh finishes it with its last rows.
      new Seeder()
          .add(
              "scan.completed",
              Fixtures.E,
              "macOS",
              "0.7.1",
              "2026-04-10T15:00:00Z",
              Fixtures.completed("cli", "fast", "<5min", 2, 1, "0"))
          .add(
              "scan.started",
              Fixtures.E,
              "macOS",
              "0.7.1",
              "2026-04-11T00:00:00Z",
              Fixtures.started("cli", "fast", "trivy"))
          .writeTo(db);
      TelemetryStats tomorrow = stats(db, NEXT_DAY);
      tomorrow.refreshRollup();
      if (dialect == Dialect.SQLITE) {
        assertThat(rolledEvents(db, "2026-04-10")).isEqualTo(eventsOn(db, "2026-04-10"));
        assertThat(rolledEvents(db, "2026-04-11")).isEqualTo(1);
      }
      Period twoDays =
          new Period(Instant.parse("2026-04-01T00:00:00Z"), Instant.parse("2026-04-12T00:00:00Z"));
      assertThat(tomorrow.compute(twoDays)).isEqualTo(tomorrow.computeWithSql(twoDays));
      assertThat(tomorrow.compute(withToday)).isEqualTo(tomorrow.computeWithSql(withToday));
    }
  }

  private static long rolledEvents(Database db, String day) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement st = c.createStatement();
        java.sql.ResultSet r =
            st.executeQuery("SELECT events FROM reports_days WHERE day = '" + day + "'")) {
      return r.next() ? r.getLong(1) : -1;
    }
  }

  private static long eventsOn(Database db, String day) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement st = c.createStatement();
        java.sql.ResultSet r =
            st.executeQuery(
                "SELECT count(*) FROM events WHERE substr(\"timestamp\", 1, 10) = '" + day + "'")) {
      r.next();
      return r.getLong(1);
    }
  }
}
