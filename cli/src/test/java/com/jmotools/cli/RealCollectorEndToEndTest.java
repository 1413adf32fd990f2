package com.jmotools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jmotools.telemetry.collector.CollectorServer;
import com.jmotools.telemetry.collector.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jmo ci} against the real collector (module collector) on loopback with its embedded
 * SQLite: the rows stored carry exactly the expected metadata and nothing else; then {@code jmo
 * telemetry delete} erases them.
 */
@Timeout(120)
class RealCollectorEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();

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
  }

  @AfterEach
  void tearDown() {
    server.close();
    database.close();
  }

  private List<Map<String, Object>> rows() throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM events ORDER BY id")) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        Map<String, Object> row = new TreeMap<>();
        for (int i = 1; i <= n; i++) {
          row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  private JsonNode metadataOf(List<Map<String, Object>> rows, String event) throws Exception {
    for (Map<String, Object> r : rows) {
      if (event.equals(r.get("event_type"))) {
        return JSON.readTree((String) r.get("metadata"));
      }
    }
    throw new AssertionError("no row of " + event + " in " + rows);
  }

  /**
   * Waits for {@code n} rows. The client waits at most 1 s at exit (by design, so jmo never hangs);
   * on a loaded machine the rest stays in the outbox for the next run, which {@code jmo telemetry
   * flush} is.
   */
  private void deliverAll(int n) throws Exception {
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> rows().size() == n);
    } catch (org.awaitility.core.ConditionTimeoutException slowExit) {
      CliFixture.Run flush = f.jmo("telemetry", "flush", "--wait", "30");
      assertThat(flush.code()).as(flush.toString()).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> rows().size() == n);
    }
  }

  @Test
  void ciStoresExactlyTheCatalogMetadataAndDeleteErasesIt() throws Exception {
    assertThat(f.jmo("telemetry", "enable").code()).isZero();
    FakeTools.semgrepFinds(f, 4);
    FakeTools.trivyFails(f);
    f.repo("acme-billing", "a.py", "x\n");
    f.repo("acme-payroll", "b.py", "y\n");

    CliFixture.Run run =
        f.jmo(
            "ci",
            "--repo",
            "acme-billing",
            "--repo",
            "acme-payroll",
            "--tools",
            "semgrep,trivy",
            "--profile-name",
            "fast",
            "--formats",
            "json,html",
            "--fail-on",
            "critical");

    assertThat(run.code()).as(run.toString()).isZero();
    deliverAll(5);
    List<Map<String, Object>> rows = rows();
    assertThat(rows)
        .extracting(r -> r.get("event_type"))
        .containsExactlyInAnyOrder(
            "scan.started", "tool.failed", "tool.failed", "scan.completed", "report.generated");
    // The collector stores a keyed form of the installation's id: one for all its events, and
    // never the id in the user's file, so the rows cannot be matched to this machine.
    String id = Files.readString(f.home.resolve(".jmo-security").resolve("telemetry-id")).trim();
    String stored = (String) rows.get(0).get("anonymous_id");
    assertThat(stored).isNotEqualToIgnoringCase(id);
    for (Map<String, Object> r : rows) {
      assertThat(r.get("anonymous_id")).isEqualTo(stored);
      assertThat(r.get("version")).isEqualTo(Jmo.version());
      assertThat(r.get("runtime")).isEqualTo("java-17");
      assertThat(r.get("python_version")).isNull();
      assertThat((String) r.get("timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:00:00Z");
    }
    assertThat(metadataOf(rows, "scan.started"))
        .isEqualTo(
            JSON.readTree(
                "{\"mode\":\"cli\",\"profile\":\"custom\",\"tools"
                    + "\":[\"semgrep\",\"trivy\"],"
                    + "\"target_types\":{\"repos\":2,\"images\":0,\"urls\":0,\"iac\":0,"
                    + "\"gitlab\":0,\"k8s\":0}}"));
    assertThat(metadataOf(rows, "tool.failed"))
        .isEqualTo(
            JSON.readTree(
                "{\"tool\":\"trivy\",\"failure_type\":\"non_zero_"
                    + "exit\",\"exit_code\":3,\"profile\":\"custom\"}"));
    assertThat(metadataOf(rows, "scan.completed"))
        .isEqualTo(
            JSON.readTree(
                "{\"mode\":\"cli\",\"profile\":\"custom\",\"duration_bucket\":\"<5min\","
                    + "\"tools_succeeded\":2,\"tools_failed\":2,\"tool_runs\":{\"semgrep\":2,"
                    + "\"trivy\":2},"
                    + "\"total_findings_bucket\":\"1-10\"}"));
    assertThat(metadataOf(rows, "report.generated"))
        .isEqualTo(
            JSON.readTree(
                "{\"output_formats\":[\"json\",\"html\"],\"findings_bucket\":\"1-10\","
                    + "\"suppressions_used\":false,"
                    + "\"compliance_enabled\":false}"));
    // Nothing of the machine, the repositories or the findings is anywhere in what was stored.
    String everything = rows.toString();
    assertThat(everything)
        .doesNotContain(id)
        .doesNotContain(f.work.toString())
        .doesNotContain("acme")
        .doesNotContain("a.py")
        .doesNotContain("m0");

    CliFixture.Run delete = f.jmo("telemetry", "delete");
    assertThat(delete.code()).as(delete.toString()).isZero();
    assertThat(delete.out()).contains("the collector erased every stored event of " + id);
    assertThat(rows()).isEmpty();
    assertThat(f.jmo("telemetry", "status").out()).doesNotContain(id);
  }
}
