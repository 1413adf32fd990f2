// Fills a collector database with realistic telemetry events, for the reports benchmark.
//
//   java -cp "reports/target/jmo-telemetry-reports-0.7.0.jar:reports/target/lib/*" \
//       bench/reports/GenerateEvents.java --db /tmp/bench.db --events 10000000
//
// The schema is the collector's (Flyway migrations run on open). Events are written in time order,
// in batches of big transactions, the way a collector that ran for a year would have written them:
// scans of a fixed population of installations, each scan a scan.started, its tool.failed events,
// a scan.completed and sometimes a report.generated; some installations ran the wizard first.
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jmotools.telemetry.catalog.Buckets;
import com.jmotools.telemetry.catalog.EventIds;
import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.collector.Dialect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

public final class GenerateEvents {

  static final long DEFAULT_EVENTS = 10_000_000L;
  static final int DEFAULT_INSTALLS = 50_000;
  static final int DEFAULT_DAYS = 365;
  static final int BATCH = 200_000;
  static final ObjectMapper JSON = new ObjectMapper();

  static final String[] FAST = {"trufflehog", "semgrep", "trivy"};
  static final String[] BALANCED = {"trufflehog", "semgrep", "trivy", "syft", "checkov", "hadolint", "zap", "bandit"};
  static final String[] DEEP = {"trufflehog", "noseyparker", "semgrep", "bandit", "syft", "trivy", "checkov", "hadolint",
      "zap", "falco", "afl++", "grype", "nuclei", "kubescape", "prowler", "gosec"};
  static final String[] VERSIONS = {"0.6.2", "0.7.0", "0.7.1", "0.8.0"};

  public static void main(String[] args) throws Exception {
    String db = null;
    long events = DEFAULT_EVENTS;
    int installs = DEFAULT_INSTALLS;
    int days = DEFAULT_DAYS;
    long seed = 42;
    Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--db" -> db = args[++i];
        case "--events" -> events = Long.parseLong(args[++i]);
        case "--installs" -> installs = Integer.parseInt(args[++i]);
        case "--days" -> days = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--end" -> end = Instant.parse(args[++i]).truncatedTo(ChronoUnit.HOURS);
        default -> {
          System.err.println("usage: GenerateEvents --db FILE [--events N] [--installs N] [--days N] [--seed N] [--end ISO-TIME]");
          System.exit(2);
        }
      }
    }
    if (db == null || events < 1 || installs < 1 || days < 1) {
      System.err.println("GenerateEvents: --db is required; --events, --installs and --days must be positive");
      System.exit(2);
    }
    if (Files.exists(Path.of(db))) {
      System.err.println("GenerateEvents: " + db + " exists; remove it first (the generator only fills a new database)");
      System.exit(2);
    }
    long t0 = System.nanoTime();
    Random random = new Random(seed);
    String[] ids = new String[installs];
    String[] platforms = new String[installs];
    double[] adoption = new double[installs];
    for (int i = 0; i < installs; i++) {
      ids[i] = UUID.randomUUID().toString();
      double p = random.nextDouble();
      platforms[i] = p < 0.68 ? "Linux" : p < 0.90 ? "macOS" : p < 0.995 ? "Windows" : "Other";
      adoption[i] = random.nextDouble();
    }
    Instant start = end.minus(Duration.ofDays(days));
    long spanHours = Duration.between(start, end).toHours();
    long written = 0;
    try (Database database = Database.builder(db).durability(Database.Durability.NORMAL).open()) {
      if (database.dialect() != Dialect.SQLITE) {
        throw new IllegalArgumentException("the generator fills SQLite files only");
      }
      try (Connection c = database.dataSource().getConnection()) {
        try (Statement s = c.createStatement()) {
          s.execute("PRAGMA synchronous=OFF");
          s.execute("PRAGMA cache_size=-262144");
        }
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO events (event_id, event_type, version, platform, runtime, "
            + "anonymous_id, metadata, \"timestamp\", received_at) VALUES (?, ?, ?, ?, 'java-17', ?, ?, ?, ?)")) {
          int pending = 0;
          for (long scan = 0; written < events; scan++) {
            // Time advances with the events written, so they spread evenly over the span, oldest first.
            Instant hour = start.plus(Duration.ofHours(Math.min(spanHours - 1, written * spanHours / events)));
            double progress = (double) Duration.between(start, hour).toHours() / spanHours;
            int who = skewed(random, installs);
            String version = version(progress, adoption[who]);
            List<String[]> session = session(random, who % 100 < 3);
            for (String[] e : session) {
              if (written >= events) {
                break;
              }
              String time = Dialect.formatHour(hour);
              ps.setString(1, EventIds.newId(hour, random).toString());
              ps.setString(2, e[0]);
              ps.setString(3, version);
              ps.setString(4, platforms[who]);
              ps.setString(5, ids[who]);
              ps.setString(6, e[1]);
              ps.setString(7, time);
              ps.setString(8, time);
              ps.addBatch();
              written++;
              if (++pending == BATCH) {
                ps.executeBatch();
                c.commit();
                pending = 0;
                if (written % 1_000_000 < BATCH) {
                  System.err.printf("%,d events (%.0f s)%n", written, (System.nanoTime() - t0) / 1e9);
                }
              }
            }
          }
          ps.executeBatch();
          c.commit();
        }
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
          s.execute("ANALYZE");
        }
      }
    }
    System.err.printf("wrote %,d events of %,d installations over %d days ending %s into %s in %.1f s%n",
        written, installs, days, end, db, (System.nanoTime() - t0) / 1e9);
  }

  /** An installation, heavy users more often (a few run scans in loops, most now and then). */
  static int skewed(Random r, int n) {
    double u = r.nextDouble();
    return (int) Math.min(n - 1, Math.floor(n * Math.pow(u, 2.2)));
  }

  /** Newer versions spread over the year; early adopters (low {@code adoption}) upgrade first. */
  static String version(double progress, double adoption) {
    int v = (int) Math.floor(progress * 3.2 + (1 - adoption) * 0.9);
    return VERSIONS[Math.max(0, Math.min(VERSIONS.length - 1, v))];
  }

  static List<String[]> session(Random r, boolean wizardFirst) {
    List<String[]> out = new ArrayList<>();
    double m = r.nextDouble();
    String mode = m < 0.40 ? "wizard" : m < 0.75 ? "cli" : "docker";
    double p = r.nextDouble();
    String profile = p < 0.62 ? "balanced" : p < 0.87 ? "fast" : p < 0.98 ? "deep" : "custom";
    if (mode.equals("wizard") && r.nextDouble() < 0.3 || wizardFirst && r.nextDouble() < 0.5) {
      ObjectNode w = JSON.createObjectNode();
      w.put("profile_selected", profile.equals("custom") ? "balanced" : profile);
      w.put("execution_mode", r.nextDouble() < 0.45 ? "docker" : "native");
      double a = r.nextDouble();
      if (a < 0.35) {
        w.put("artifact_generated", "makefile");
      } else if (a < 0.55) {
        w.put("artifact_generated", "shell");
      } else if (a < 0.7) {
        w.put("artifact_generated", "gha");
      } else {
        w.putNull("artifact_generated");
      }
      w.put("duration_seconds", Buckets.wizardSeconds(Duration.ofSeconds(30 + r.nextInt(400))));
      out.add(new String[] {"wizard.completed", w.toString()});
    }
    String[] tools = switch (profile) {
      case "fast" -> FAST;
      case "deep" -> DEEP;
      case "custom" -> new String[] {"semgrep", "trivy", "custom"};
      default -> BALANCED;
    };
    ObjectNode s = JSON.createObjectNode();
    s.put("mode", mode);
    s.put("profile", profile);
    ArrayNode list = s.putArray("tools");
    for (String t : tools) {
      list.add(t);
    }
    ObjectNode targets = s.putObject("target_types");
    targets.put("repos", 1 + r.nextInt(3));
    targets.put("images", r.nextInt(2));
    targets.put("urls", profile.equals("fast") ? 0 : r.nextInt(2));
    targets.put("iac", r.nextInt(2));
    targets.put("gitlab", 0);
    targets.put("k8s", r.nextDouble() < 0.05 ? 1 : 0);
    out.add(new String[] {"scan.started", s.toString()});
    int failed = 0;
    for (String t : tools) {
      double f = r.nextDouble();
      String type = null;
      if (t.equals("trivy") && f < 0.12) {
        type = "timeout";
      } else if (t.equals("zap") && f < 0.08) {
        type = "crash";
      } else if (f < 0.015) {
        type = r.nextBoolean() ? "non_zero_exit" : "timeout";
      }
      if (type != null) {
        failed++;
        ObjectNode e = JSON.createObjectNode();
        e.put("tool", t);
        e.put("failure_type", type);
        if (type.equals("non_zero_exit")) {
          e.put("exit_code", 1 + r.nextInt(3));
        } else {
          e.putNull("exit_code");
        }
        e.put("profile", profile);
        out.add(new String[] {"tool.failed", e.toString()});
      }
    }
    long seconds = switch (profile) {
      case "fast" -> 60 + r.nextInt(400);
      case "deep" -> 900 + r.nextInt(2400);
      default -> 200 + r.nextInt(1000);
    };
    String findings = Buckets.findings((long) Math.floor(Math.exp(r.nextDouble() * 8)) - 1);
    ObjectNode done = JSON.createObjectNode();
    done.put("mode", mode);
    done.put("profile", profile);
    done.put("duration_bucket", Buckets.duration(Duration.ofSeconds(seconds)));
    done.put("tools_succeeded", tools.length - failed);
    done.put("tools_failed", failed);
    done.put("total_findings_bucket", findings);
    out.add(new String[] {"scan.completed", done.toString()});
    if (r.nextDouble() < 0.45) {
      ObjectNode rep = JSON.createObjectNode();
      ArrayNode formats = rep.putArray("output_formats");
      formats.add("json");
      if (r.nextDouble() < 0.7) {
        formats.add("md");
      }
      if (r.nextDouble() < 0.5) {
        formats.add("html");
      }
      if (r.nextDouble() < 0.35) {
        formats.add("sarif");
      }
      if (r.nextDouble() < 0.05) {
        formats.add("yaml");
      }
      rep.put("findings_bucket", findings);
      rep.put("suppressions_used", r.nextDouble() < 0.3);
      rep.put("compliance_enabled", r.nextDouble() < 0.2);
      out.add(new String[] {"report.generated", rep.toString()});
    }
    return out;
  }
}
