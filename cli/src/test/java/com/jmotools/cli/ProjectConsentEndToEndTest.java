package com.jmotools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jmotools.telemetry.collector.CollectorServer;
import com.jmotools.telemetry.collector.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh user clones a repository whose {@code jmo.yml} says {@code telemetry: enabled: true}:
 * someone else's file is not this user's consent. The real {@code jmo} against the real collector:
 * the first scan prints the notice and records nothing (not even an id); later scans record.
 */
@Timeout(120)
class ProjectConsentEndToEndTest {

  @TempDir Path tmp;

  private Database database;
  private CollectorServer server;
  private CliFixture f;

  @BeforeEach
  void setUp() {
    database = Database.open(tmp.resolve("collector.db").toString());
    server =
        CollectorServer.builder(database)
            .host("127.0.0.1")
            .port(0)
            .purgeInterval(Duration.ZERO)
            .build()
            .start();
    f = new CliFixture(tmp.resolve("cli")).endpoint("http://127.0.0.1:" + server.port());
    FakeTools.semgrepFinds(f, 1);
    f.repo("app");
    CliFixture.write(f.work.resolve("jmo.yml"), "telemetry:\n  enabled: true\n");
  }

  @AfterEach
  void tearDown() {
    server.close();
    database.close();
  }

  private int rows() throws Exception {
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void aProjectsOnRecordsNothingUntilThisUserHasSeenTheNotice() throws Exception {
    Path state = f.home.resolve(".jmo-security");
    String before = f.jmo("telemetry", "status").out();
    assertThat(before)
        .contains("rule: explicit_on (jmo.yml)")
        .contains("recording on this run: no")
        .contains("not seen yet, so nothing is recorded");
    assertThat(state.resolve("telemetry-id")).as("status never creates the id").doesNotExist();

    CliFixture.Run first = f.jmo("scan", "--repo", "app", "--tools", "semgrep");
    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(first.err())
        .as("the notice")
        .contains("anonymous usage statistics")
        .contains("jmo telemetry disable");
    assertThat(state.resolve("telemetry-id")).as("nothing recorded, not even an id").doesNotExist();
    assertThat(f.jmo("telemetry", "show").out())
        .contains("# waiting to be sent (0)")
        .contains("# delivered (0");
    assertThat(f.jmo("telemetry", "flush").out()).contains("delivered 0");
    assertThat(rows()).isZero();
    assertThat(f.jmo("telemetry", "status").out())
        .contains("notice: shown on 1 of the first 3 scans; seen, so runs record")
        .contains("recording on this run: yes");

    CliFixture.Run second = f.jmo("scan", "--repo", "app", "--tools", "semgrep");
    assertThat(second.code()).as(second.toString()).isZero();
    f.awaitDelivered(() -> rows() == 2);
    CliFixture.Run third = f.jmo("scan", "--repo", "app", "--tools", "semgrep");
    assertThat(third.code()).as(third.toString()).isZero();
    f.awaitDelivered(() -> rows() == 4);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> rows() == 4);
    assertThat(Files.exists(state.resolve("telemetry-id"))).isTrue();
  }

  @Test
  void theUsersOwnEnableRecordsFromTheFirstScanWithoutANotice() throws Exception {
    assertThat(f.jmo("telemetry", "enable").code()).isZero();
    CliFixture.Run first = f.jmo("scan", "--repo", "app", "--tools", "semgrep");
    assertThat(first.err()).doesNotContain("anonymous usage statistics");
    f.awaitDelivered(() -> rows() == 2);
  }
}
