import com.jmotools.telemetry.catalog.EventIds;
import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.collector.EventRow;
import com.jmotools.telemetry.collector.EventStore;
import com.jmotools.telemetry.collector.EventStore.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The collector's SQLite store alone, no HTTP: how fast group commits of one hour's events go in
 * as the hour fills up, in three layouts measured one after the other in the same run:
 *
 * <ol>
 *   <li>{@code store}: the collector as it is (recent event ids in memory, sealed hours in
 *       {@code event_ids}; see SqliteEventIds), with ids as our clients make them: UUID v7 cut to
 *       the hour, random within it;
 *   <li>{@code store+unique-index}: the same with a unique index on {@code events.event_id} added,
 *       which is how the collector kept events unique before: every insert lands on a random page
 *       of the hour's slice of that index;
 *   <li>{@code ordered-ids}: the collector as it is with ids that increase, the ceiling.
 * </ol>
 *
 * Durability FULL, as the collector's default. Every batch must be accepted in full (the program
 * fails otherwise). Run as a single-file program after {@code ./mvnw -q -B install -DskipTests}:
 * {@code java -cp "collector/target/jmo-telemetry-collector-0.7.0.jar:collector/target/lib/*"
 * bench/collector/StoreRate.java [rows=1000000] [events-per-commit=2000]}
 */
public final class StoreRate {

  private static final String METADATA = "{\"mode\":\"cli\",\"profile\":\"balanced\",\"duration_bucket\":\"5-15min\","
      + "\"tools_succeeded\":8,\"tools_failed\":0,\"total_findings_bucket\":\"10-100\"}";

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int perCommit = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    int slice = Math.max(perCommit, rows / 5);
    System.out.printf("== SQLite store: %,d events of one hour in commits of %,d (durability FULL); rates per slice of %,d%n",
        rows, perCommit, slice);
    for (String layout : new String[] {"store", "store+unique-index", "ordered-ids"}) {
      Path dir = Files.createTempDirectory("jmo-store-rate");
      try (Database db = Database.open(dir.resolve("store.db").toString())) {
        if (layout.equals("store+unique-index")) {
          try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE UNIQUE INDEX events_event_id ON events (event_id)");
          }
        }
        run(layout, EventStore.of(db), rows, perCommit, slice, layout.equals("ordered-ids"));
      } finally {
        try (var files = Files.list(dir)) {
          for (Path f : files.toList()) {
            Files.delete(f);
          }
        }
        Files.delete(dir);
      }
    }
  }

  private static void run(String layout, EventStore store, int rows, int perCommit, int slice, boolean ordered) {
    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
    String timestamp = hour.toString();
    long hourBits = hour.toEpochMilli() << 16 | 0x7000L;
    Random random = new Random(42);
    List<String> rates = new ArrayList<>();
    long start = System.nanoTime();
    long sliceStart = start;
    int done = 0;
    while (done < rows) {
      List<EventRow> batch = new ArrayList<>(perCommit);
      for (int i = 0; i < perCommit; i++) {
        UUID id = ordered ? new UUID(hourBits, 0x8000_0000_0000_0000L | (done + i)) : EventIds.newId(hour, random);
        batch.add(new EventRow(id.toString(), "scan.completed", "0.7.0", "Linux", null, "java-17",
            new UUID(random.nextLong(), random.nextLong()).toString(), METADATA, timestamp));
      }
      List<Outcome> outcomes = store.append(batch, hour);
      if (outcomes.stream().anyMatch(o -> o != Outcome.ACCEPTED)) {
        throw new IllegalStateException(layout + ": a fresh event was not accepted: " + outcomes);
      }
      done += perCommit;
      if (done % slice < perCommit) {
        long now = System.nanoTime();
        rates.add(String.format("%,.0f", slice / ((now - sliceStart) / 1e9)));
        sliceStart = now;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("  %-20s %,9.0f events/s overall; per slice: %s%n", layout, rows / seconds, String.join(" ", rates));
  }
}
