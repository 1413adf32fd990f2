package com.jmotools.telemetry.collector;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/** The PostgreSQL server of the tests, when {@code -Djmo.test.postgres.url} names one. */
final class TestDatabases {

  static final String POSTGRES_URL_PROPERTY = "jmo.test.postgres.url";

  private TestDatabases() {}

  /** The server's URL; skips the calling test, saying why, when none is configured. */
  static String postgresUrlOrSkip() {
    String url = System.getProperty(POSTGRES_URL_PROPERTY, "");
    assumeTrue(
        !url.isBlank(),
        "PostgreSQL tests skipped: no server configured (run with -D"
            + POSTGRES_URL_PROPERTY
            + "='jdbc:postgresql://127.0.0.1:5432/jmo_telemetry_test?user=postgres')");
    return url;
  }

  /** Creates a fresh schema on the server and returns a URL whose connections use it. */
  static String freshPostgresSchema(String url) {
    String schema =
        "jmo_test_"
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
    return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /** Drops the schema that {@link #freshPostgresSchema} made. */
  static void dropPostgresSchema(String schemaUrl) {
    int at = schemaUrl.lastIndexOf("currentSchema=");
    String schema = schemaUrl.substring(at + "currentSchema=".length());
    String base = schemaUrl.substring(0, at - 1);
    try (Connection c = DriverManager.getConnection(base);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test schema " + schema, e);
    }
  }
}
