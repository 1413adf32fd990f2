package com.jmotools.telemetry.collector;

/**
 * The contract suite on a real PostgreSQL server, in a fresh schema; skipped (saying so) unless
 * {@code -Djmo.test.postgres.url} names a server.
 */
class PostgresCollectorContractTest extends CollectorContractTest {

  @Override
  String createDatabase() {
    return TestDatabases.freshPostgresSchema(TestDatabases.postgresUrlOrSkip());
  }

  @Override
  void dropDatabase(String location) {
    TestDatabases.dropPostgresSchema(location);
  }
}
