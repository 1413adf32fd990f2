package com.jmotools.telemetry.reports;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.collector.Dialect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * Opens empty, migrated collector databases for tests: a SQLite file, or a fresh PostgreSQL schema.
 */
public final class TestDatabases {

  /** The system property naming the PostgreSQL test server; tests skip when it is empty. */
  public static final String POSTGRES_PROPERTY = "jmo.test.postgres.url";

  private TestDatabases() {}

  public static Database open(Dialect dialect, Path dir) {
    return dialect == Dialect.SQLITE
        ? Database.open(dir.resolve("telemetry.db").toString())
        : postgres();
  }

  /** The PostgreSQL URL, or an assumption failure that skips the test and says why. */
  public static String postgresUrl() {
    String url = System.getProperty(POSTGRES_PROPERTY, "");
    assumeTrue(
        !url.isBlank(),
        "PostgreSQL tests skipped: set -D"
            + POSTGRES_PROPERTY
            + "=jdbc:postgresql://127.0.0.1:5432/jmo_telemetry_test?user=postgres to run them");
    return url;
  }

  /**
   * A database in a new schema of the PostgreSQL test server, so tests never see each other's rows.
   */
  public static Database postgres() {
    String url = postgresUrl();
    String schema =
        "reports_"
            + UUID.randomUUID()
                .toString()
                .replace("-", "")
                .substring(0, 12)
                .toLowerCase(Locale.ROOT);
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test schema on " + url, e);
    }
    // The test server is shared: drop this JVM's schemas when it exits.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try (Connection c = DriverManager.getConnection(url);
                      Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                  } catch (SQLException e) {
                    // best effort: a leftover schema only costs space on the test server
                  }
                }));
    return Database.open(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
  }
}
