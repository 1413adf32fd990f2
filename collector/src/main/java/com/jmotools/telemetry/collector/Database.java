package com.jmotools.telemetry.collector;

import com.jmotools.telemetry.collector.internal.KeyAnonymousIdsMigration;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The collector's database, opened from the {@code --db} value that every {@code jmo-telemetry}
 * command takes, with its schema migrated to the latest version.
 *
 * <p>{@code --db} is either a file path (SQLite, the embedded default), a {@code jdbc:sqlite:} URL,
 * or a {@code jdbc:postgresql:} URL. SQLite files are opened in WAL mode so that readers
 * (statistics, export, the dashboard) never block the collector's single writer, and with a busy
 * timeout so that two processes on one file wait for each other instead of failing.
 *
 * <pre>{@code
 * try (Database db = Database.open("jmo-telemetry.db")) {
 *   DataSource ds = db.dataSource();
 *   if (db.dialect() == Dialect.SQLITE) { ... }
 * }
 * }</pre>
 */
public final class Database implements AutoCloseable {

  /** The default {@code --db}: a SQLite file in the working directory. */
  public static final String DEFAULT_LOCATION = "jmo-telemetry.db";

  /** Connections kept open by default (one is the collector's writer). */
  public static final int DEFAULT_POOL_SIZE = 4;

  /**
   * SQLite page cache per connection, in KiB: {@value} (memory outside the JVM's heap, per pooled
   * connection, so at most {@value #DEFAULT_POOL_SIZE} times this).
   */
  static final int SQLITE_CACHE_KIB = 4 * 1024;

  /**
   * Bytes of the SQLite file mapped into memory: {@value}, none. Mapped pages of the database would
   * count in the collector's resident memory and grow with the file; reads go through the page
   * cache above instead (set here so that a library built with another default changes nothing).
   */
  static final long SQLITE_MMAP_BYTES = 0;

  /**
   * Bytes of WAL file kept once a checkpoint has copied all of it back (SQLite truncates to this
   * when it starts the WAL over), so that a burst does not leave a WAL of its size on disk.
   */
  static final int SQLITE_JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

  /** WAL pages written before SQLite checkpoints. */
  static final int SQLITE_WAL_AUTOCHECKPOINT_PAGES = 10_000;

  /** How long a SQLite connection waits for another process's write lock before failing. */
  public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(30);

  /**
   * How SQLite flushes commits. {@code FULL} (the default) makes a commit durable across power loss
   * before the collector acknowledges it; {@code NORMAL} in WAL mode survives a process crash but
   * may lose the last commits on power loss.
   */
  public enum Durability {
    /** {@code PRAGMA synchronous=FULL}: every commit is flushed to disk. */
    FULL,
    /** {@code PRAGMA synchronous=NORMAL}: the WAL is flushed at checkpoints only. */
    NORMAL
  }

  private final String location;
  private final Dialect dialect;
  private final HikariDataSource dataSource;
  private final String description;

  private Database(
      String location, Dialect dialect, HikariDataSource dataSource, String description) {
    this.location = location;
    this.dialect = dialect;
    this.dataSource = dataSource;
    this.description = description;
  }

  /**
   * Opens the database named by {@code location} with the defaults, creating or upgrading its
   * schema.
   *
   * @param location a file path, a {@code jdbc:sqlite:} URL or a {@code jdbc:postgresql:} URL
   * @throws IllegalArgumentException if the location names no supported database
   * @throws DatabaseException if it cannot be opened or migrated
   */
  public static Database open(String location) {
    return builder(location).open();
  }

  /** A builder for opening {@code location} (see {@link #open(String)}) with other settings. */
  public static Builder builder(String location) {
    return new Builder(location);
  }

  /** Whether {@code location} selects PostgreSQL rather than SQLite. */
  public static Dialect dialectOf(String location) {
    Objects.requireNonNull(location, "location");
    String lower = location.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:postgresql:")) {
      return Dialect.POSTGRESQL;
    }
    if (lower.startsWith("jdbc:sqlite:") || !lower.startsWith("jdbc:")) {
      return Dialect.SQLITE;
    }
    throw new IllegalArgumentException(
        "unsupported database URL (use a file path, jdbc:sqlite:<file> or jdbc:postgresql://...): "
            + location.substring(0, Math.min(location.length(), 40)));
  }

  /** A pooled source of connections to this database. */
  public DataSource dataSource() {
    return dataSource;
  }

  /** SQLite or PostgreSQL. */
  public Dialect dialect() {
    return dialect;
  }

  /** The SQLite file of this database, or empty on PostgreSQL. */
  public Optional<Path> sqliteFile() {
    return dialect == Dialect.SQLITE ? Optional.of(Builder.sqliteFile(location)) : Optional.empty();
  }

  /** The {@code --db} value this database was opened from. */
  public String location() {
    return location;
  }

  /**
   * A description fit for a log line: the SQLite file's absolute path, or the PostgreSQL host and
   * database (never a password or other URL parameter).
   */
  public String description() {
    return description;
  }

  /** Closes every pooled connection. Idempotent. */
  @Override
  public void close() {
    dataSource.close();
  }

  /** Settings for opening a {@link Database}. */
  public static final class Builder {
    private final String location;
    private int poolSize = DEFAULT_POOL_SIZE;
    private Durability durability = Durability.FULL;
    private Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;
    private int walAutocheckpoint = SQLITE_WAL_AUTOCHECKPOINT_PAGES;
    private boolean migrate = true;

    private Builder(String location) {
      this.location = Objects.requireNonNull(location, "location");
      if (location.isBlank()) {
        throw new IllegalArgumentException("database location is empty");
      }
    }

    /** Connections kept in the pool; default {@value Database#DEFAULT_POOL_SIZE}. */
    public Builder poolSize(int size) {
      if (size < 1 || size > 256) {
        throw new IllegalArgumentException("pool size must be between 1 and 256: " + size);
      }
      this.poolSize = size;
      return this;
    }

    /** SQLite's commit durability; default {@link Durability#FULL}. Ignored on PostgreSQL. */
    public Builder durability(Durability durability) {
      this.durability = Objects.requireNonNull(durability, "durability");
      return this;
    }

    /** How long SQLite waits for another writer; default 30 s. Ignored on PostgreSQL. */
    public Builder busyTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("busy timeout out of range: " + timeout);
      }
      this.busyTimeout = timeout;
      return this;
    }

    /**
     * WAL pages a SQLite commit may leave before it checkpoints; default {@value
     * Database#SQLITE_WAL_AUTOCHECKPOINT_PAGES}; 0 leaves checkpoints to the caller (the
     * collector's server then checkpoints in the background, off its writer's commit path).
     */
    public Builder walAutocheckpoint(int pages) {
      if (pages < 0) {
        throw new IllegalArgumentException("WAL autocheckpoint pages < 0: " + pages);
      }
      this.walAutocheckpoint = pages;
      return this;
    }

    /** Whether to create or upgrade the schema on open; default true. */
    public Builder migrate(boolean migrate) {
      this.migrate = migrate;
      return this;
    }

    /**
     * Opens the database.
     *
     * @throws IllegalArgumentException if the location names no supported database
     * @throws DatabaseException if it cannot be opened or migrated
     */
    public Database open() {
      Dialect dialect = dialectOf(location);
      HikariConfig config = new HikariConfig();
      config.setPoolName("jmo-telemetry-db");
      config.setMaximumPoolSize(poolSize);
      config.setMinimumIdle(1);
      config.setConnectionTimeout(Duration.ofSeconds(30).toMillis());
      String description;
      if (dialect == Dialect.SQLITE) {
        Path file = sqliteFile(location);
        description = "SQLite " + file;
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(
            durability == Durability.FULL
                ? SQLiteConfig.SynchronousMode.FULL
                : SQLiteConfig.SynchronousMode.NORMAL);
        sqlite.setBusyTimeout((int) busyTimeout.toMillis());
        // Temporary sorts (sealing an hour's ids, GROUP BY in reports) go to files, which SQLite
        // caches up to cache_size: in memory they grew with the data (a sealed hour of a million
        // ids took ~60 MB outside the heap).
        sqlite.setTempStore(SQLiteConfig.TempStore.FILE);
        // 4 MiB of page cache per connection (SQLite's default is 2 MiB): the pages inserts touch
        // (the tail of the table and of its time index) stay in memory; the pool has 4
        // connections, so SQLite's caches stay within 16 MiB of the collector's resident memory.
        sqlite.setCacheSize(-SQLITE_CACHE_KIB);
        sqlite.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, Long.toString(SQLITE_MMAP_BYTES));
        sqlite.setJournalSizeLimit(SQLITE_JOURNAL_SIZE_LIMIT_BYTES);
        SQLiteDataSource source = new SQLiteDataSource(sqlite);
        source.setUrl("jdbc:sqlite:" + file);
        config.setDataSource(source);
        // Checkpoint every ~40 MiB of WAL instead of SQLite's 4 MiB: a page rewritten by many
        // commits in a row is copied back to the database file once, not once per commit.
        config.setConnectionInitSql("PRAGMA wal_autocheckpoint=" + walAutocheckpoint);
      } else {
        description = "PostgreSQL " + describePostgres(location);
        config.setJdbcUrl(location);
      }
      HikariDataSource pool;
      try {
        pool = new HikariDataSource(config);
      } catch (RuntimeException e) {
        throw new DatabaseException("cannot open " + description + ": " + rootMessage(e), e);
      }
      Database database = new Database(location, dialect, pool, description);
      if (migrate) {
        try {
          database.migrateSchema();
        } catch (RuntimeException e) {
          pool.close();
          throw e;
        }
      }
      return database;
    }

    private static Path sqliteFile(String location) {
      String path =
          location.regionMatches(true, 0, "jdbc:sqlite:", 0, 12)
              ? location.substring(12)
              : location;
      int query = path.indexOf('?');
      if (query >= 0) {
        path = path.substring(0, query);
      }
      if (path.startsWith("file:")) {
        path = path.substring(5);
      }
      if (path.isEmpty() || path.equals(":memory:")) {
        throw new IllegalArgumentException(
            "a SQLite database must be a file, not " + (path.isEmpty() ? "empty" : path));
      }
      Path file = Paths.get(path).toAbsolutePath().normalize();
      Path parent = file.getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        throw new DatabaseException(
            "cannot open SQLite " + file + ": directory " + parent + " does not exist", null);
      }
      return file;
    }
  }

  private void migrateSchema() {
    try {
      Flyway.configure(Database.class.getClassLoader())
          .dataSource(dataSource)
          .locations(
              "classpath:com/jmotools/telemetry/collector/db/"
                  + (dialect == Dialect.SQLITE ? "sqlite" : "postgresql"))
          .failOnMissingLocations(true)
          .javaMigrations(new KeyAnonymousIdsMigration(dialect))
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new DatabaseException(
          "cannot migrate the schema of " + description + ": " + rootMessage(e), e);
    }
  }

  private static String describePostgres(String url) {
    String rest = url.substring("jdbc:postgresql:".length());
    int query = rest.indexOf('?');
    if (query >= 0) {
      rest = rest.substring(0, query);
    }
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      rest = "//" + rest.substring(at + 1); // drop any user:password@ part
    }
    return rest;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
