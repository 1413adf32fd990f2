package com.jmotools.telemetry.collector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The contract suite on an embedded SQLite file. */
class SqliteCollectorContractTest extends CollectorContractTest {

  private Path dir;

  @Override
  String createDatabase() {
    try {
      dir = Files.createTempDirectory("jmo-contract");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir.resolve("collector.db").toString();
  }

  @Override
  void dropDatabase(String location) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
