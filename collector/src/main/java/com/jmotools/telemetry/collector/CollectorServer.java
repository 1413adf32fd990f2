package com.jmotools.telemetry.collector;

import com.jmotools.telemetry.catalog.Catalog;
import com.jmotools.telemetry.collector.internal.ConnectionGuard;
import com.jmotools.telemetry.collector.internal.DeletionLimits;
import com.jmotools.telemetry.collector.internal.GroupCommitWriter;
import com.jmotools.telemetry.collector.internal.IngestHandlers;
import com.jmotools.telemetry.collector.internal.IngestMetrics;
import com.jmotools.telemetry.collector.internal.JdbcEventStore;
import com.jmotools.telemetry.collector.internal.RateLimiter;
import com.jmotools.telemetry.collector.internal.StoredEventIds;
import com.jmotools.telemetry.collector.internal.WriterLock;
import io.javalin.Javalin;
import io.javalin.event.HandlerMetaInfo;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's HTTP server: the ingestion endpoints of the wire contract, health, readiness and
 * Prometheus metrics, plus whatever routes {@link CollectorExtension}s add.
 *
 * <pre>{@code
 * try (Database db = Database.open("jmo-telemetry.db");
 *      CollectorServer server = CollectorServer.builder(db).port(8787).build().start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>The server does not own the {@link Database}: close it after the server.
 */
public final class CollectorServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CollectorServer.class);

  /** Default port. */
  public static final int DEFAULT_PORT = 8787;

  /** Default interface: loopback only; serving others takes an explicit {@code host}. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** Largest request body, as the wire contract fixes: 64 KiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

  /** Events waiting for the writer at most; beyond it requests are answered 503. */
  public static final int DEFAULT_MAX_QUEUED_EVENTS = 50_000;

  /** Events stored per transaction at most. */
  public static final int DEFAULT_MAX_COMMIT_EVENTS = 4_000;

  /** Sustained requests per second from one client; 0 disables the limit. */
  public static final double DEFAULT_RATE_PER_SECOND = 20;

  /** Requests one client may send at once. */
  public static final int DEFAULT_RATE_BURST = 100;

  /** Clients tracked by the rate limiter at most. */
  public static final int DEFAULT_RATE_MAX_CLIENTS = 100_000;

  /** A connection idle (or a body stalled) this long is closed. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(15);

  /** A request's headers must arrive within this of the connection's opening or previous answer. */
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);

  /** An ingestion body must arrive whole within this (64 KiB in 10 s is 6.4 KB/s). */
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(10);

  /** Connections one address may hold open; more are closed at once. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 512;

  /**
   * Bodies one address may be sending at a time (each holds a thread while it arrives); more get
   * 429.
   */
  public static final int DEFAULT_MAX_BODIES_PER_CLIENT = 32;

  /** How long a failed commit keeps {@code /readyz} at 503 when no commit follows. */
  public static final Duration READINESS_HOLD = Duration.ofSeconds(30);

  /** Connections the kernel may queue before they are accepted (capped by net.core.somaxconn). */
  static final int ACCEPT_QUEUE = 4096;

  /** File descriptors kept for the database, logs and the JVM beyond the connection limit. */
  static final int RESERVED_DESCRIPTORS = 256;

  /** Events older than this are purged. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(400);

  /** How often the purge runs (the first run is at start). */
  public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofDays(1);

  /** How long a request waits for its commit before it is answered 503. */
  public static final Duration DEFAULT_COMMIT_TIMEOUT = Duration.ofSeconds(30);

  /** How often the WAL of a SQLite database is checkpointed in the background. */
  static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(500);

  /** How long {@link #close()} waits for queued events to be committed and answered. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Jetty's threads at most: {@value}. Each holds a stack outside the heap (about 110 KiB touched
   * under load, measured with native memory tracking), so the threads take about 25 MB at most.
   */
  static final int MAX_THREADS = 200;

  /**
   * Bytes of idle I/O buffers Jetty keeps for reuse, in direct memory and on the heap, each:
   * {@value} (8 MiB). Left to Jetty, it keeps up to a quarter of the maximum heap of each, which
   * grows with {@code -Xmx} and counts in resident memory twice.
   */
  static final long MAX_RETAINED_BUFFER_BYTES = 8L * 1024 * 1024;

  private final Settings settings;
  private final Database database;
  private final EventStore store;
  private final PrometheusMeterRegistry meters;
  private final GroupCommitWriter writer;
  private final IngestHandlers handlers;
  private final AdminAuth admin;
  private final ScheduledExecutorService purger;
  private final Javalin app;
  private final ConnectionGuard guard;
  private final List<CollectorExtension> extensions;
  private volatile boolean started;
  private volatile boolean closed;
  private WriterLock writerLock;

  private CollectorServer(Builder b) {
    this.settings = new Settings(b);
    this.database = b.database;
    this.store = b.store != null ? b.store : EventStore.of(database);
    this.admin = b.admin;
    this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    IngestMetrics metrics = new IngestMetrics(meters);
    this.writer =
        new GroupCommitWriter(store, b.clock, b.maxQueuedEvents, b.maxCommitEvents, metrics);
    RateLimiter limiter =
        new RateLimiter(b.ratePerSecond, b.rateBurst, DEFAULT_RATE_MAX_CLIENTS, System::nanoTime);
    // Answers are written on Jetty's threads, not on the writer's: it goes back to committing at
    // once.
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 8, 60_000);
    this.guard =
        new ConnectionGuard(
            b.maxConnectionsPerClient, b.maxBodiesPerClient, b.headerTimeout, b.bodyTimeout);
    this.handlers =
        new IngestHandlers(
            Catalog.standard(),
            StoredEventIds.of(database),
            writer,
            store,
            limiter,
            b.deletionLimits,
            guard,
            metrics,
            b.clock,
            b.maxBodyBytes,
            b.commitTimeout,
            threads,
            threads::isLowOnThreads);
    int maxConnections = b.maxConnections > 0 ? b.maxConnections : defaultMaxConnections();
    this.purger =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "jmo-telemetry-purge");
              t.setDaemon(true);
              return t;
            });
    this.extensions = List.copyOf(b.extensions);
    this.app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.useVirtualThreads = false;
              config.http.maxRequestSize = b.maxBodyBytes;
              config.jetty.threadPool = threads;
              config.jetty.addConnector(
                  (server, http) -> {
                    http.setSendServerVersion(false);
                    http.setSendXPoweredBy(false);
                    ServerConnector connector =
                        new ServerConnector(
                            server,
                            null, // the server's thread pool
                            null, // the server's scheduler
                            new ArrayByteBufferPool(
                                0,
                                -1,
                                -1,
                                -1,
                                MAX_RETAINED_BUFFER_BYTES,
                                MAX_RETAINED_BUFFER_BYTES),
                            -1, // acceptors and selectors: Jetty's defaults for the cores
                            -1,
                            new HttpConnectionFactory(http));
                    connector.setHost(b.host);
                    connector.setPort(b.port);
                    connector.setIdleTimeout(b.idleTimeout.toMillis());
                    // The JDK's default backlog (50) overflows when a flood of connections arrives
                    // faster than
                    // they are accepted and closed; a dropped SYN costs a normal client a 1 s
                    // retransmission.
                    connector.setAcceptQueueSize(ACCEPT_QUEUE);
                    connector.addBean(guard);
                    // Below the descriptor limit: at the limit Jetty stops accepting and shortens
                    // idle timeouts,
                    // rather than failing every accept with "Too many open files".
                    ConnectionLimit limit = new ConnectionLimit(maxConnections, connector);
                    limit.setIdleTimeout(Math.min(2_000, b.idleTimeout.toMillis()));
                    server.addBean(limit);
                    return connector;
                  });
              if (b.requestLog) {
                Logger requests =
                    LoggerFactory.getLogger("com.jmotools.telemetry.collector.requests");
                // Method, path, status and time: never the client's address, headers or body.
                config.requestLogger.http(
                    (ctx, ms) ->
                        requests.info(
                            "{} {} {} {}ms",
                            ctx.method(),
                            ctx.path(),
                            ctx.statusCode(),
                            Math.round(ms)));
              }
              // Javalin answers HEAD on a GET route 200 without running the GET handler, so a
              // HEAD would pass by the admin token check; a HEAD route runs the same handler
              // instead (Jetty sends no body for HEAD).
              config.events(events -> events.handlerAdded(this::headAsGet));
              for (CollectorExtension e : extensions) {
                e.configure(config);
              }
            });
    routes();
    CollectorExtension.Services services =
        new CollectorExtension.Services(database, admin, meters, b.clock);
    for (CollectorExtension e : extensions) {
      e.register(app, services);
    }
  }

  /** A builder for a server on {@code database}. */
  public static Builder builder(Database database) {
    return new Builder(database);
  }

  private void routes() {
    for (String path : List.of("/", "/e")) {
      app.post(path, handlers::single);
      app.options(path, handlers::preflight);
    }
    app.post("/v1/events", handlers::batch);
    app.post("/v1/deletion-request", handlers::deletion);
    app.get("/healthz", ctx -> ctx.contentType("text/plain").result("ok"));
    app.get(
        "/readyz",
        ctx -> {
          String reason = notReadyReason();
          ctx.status(reason == null ? 200 : 503)
              .contentType("text/plain")
              .result(reason == null ? "ready" : "not ready: " + reason);
        });
    app.get(
        "/metrics",
        ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(meters.scrape()));
    app.before(ctx -> guard.requestStarted(ConnectionGuard.jettyRequest(ctx.req())));
    // Every other method on the guide's endpoints, including those Javalin has no route type for
    // (TRACE, PROPFIND, ...), is answered 405 as the guide's Worker does, not 404.
    for (String path : List.of("/", "/e")) {
      app.before(
          path,
          ctx -> {
            if (ctx.method() != HandlerType.POST && ctx.method() != HandlerType.OPTIONS) {
              handlers.methodNotAllowed(ctx);
              ctx.skipRemainingHandlers();
            }
          });
    }
    app.after(handlers::finished);
    app.after(ctx -> guard.requestFinished(ConnectionGuard.jettyRequest(ctx.req())));
    // One place maps failures to answers. The guide's endpoints answer in text, the rest in JSON.
    app.exception(IngestHandlers.ClientGoneException.class, (e, ctx) -> ctx.status(400).result(""));
    app.exception(
        HttpResponseException.class,
        (e, ctx) -> {
          ctx.status(e.getStatus());
          if (isGuidePath(ctx.path())) {
            ctx.contentType("text/plain; charset=utf-8")
                .result(e.getStatus() == 413 ? "Payload too large" : e.getMessage());
          } else {
            ctx.json(Map.of("error", e.getMessage()));
          }
        });
    app.exception(
        Exception.class,
        (e, ctx) -> {
          if (e instanceof DatabaseException) {
            LOG.warn("database failure on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
          } else {
            LOG.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
          }
          if (isGuidePath(ctx.path())) {
            ctx.status(500).contentType("text/plain; charset=utf-8").result("Internal error");
          } else if (e instanceof DatabaseException) {
            ctx.status(503)
                .header("Retry-After", "5")
                .json(Map.of("error", "the database is unavailable; retry later"));
          } else {
            ctx.status(500).json(Map.of("error", "internal error"));
          }
        });
  }

  /** Registers {@code HEAD} with the handler of each {@code GET} route as it is added. */
  private void headAsGet(HandlerMetaInfo route) {
    if (route.getHttpMethod() == HandlerType.GET) {
      this.app.addHttpHandler(HandlerType.HEAD, route.getPath(), route.getHandler());
    }
  }

  private static boolean isGuidePath(String path) {
    return path.equals("/") || path.equals("/e");
  }

  /**
   * Starts the writer, the daily purge and the HTTP server.
   *
   * @return this server
   * @throws IllegalStateException if it was started before
   */
  public synchronized CollectorServer start() {
    if (started) {
      throw new IllegalStateException("the server was started already");
    }
    started = true;
    // On SQLite the writer keeps recent event ids in memory: no other collector may write there.
    Optional<Path> sqlite =
        store instanceof JdbcEventStore ? database.sqliteFile() : Optional.empty();
    writerLock = sqlite.map(WriterLock::acquire).orElse(null);
    writer.start();
    guard.start();
    app.start();
    if (!settings.purgeInterval.isZero()) {
      // purgeSafely and checkpointSafely catch everything: their futures never hold an error
      ScheduledFuture<?> unused =
          purger.scheduleWithFixedDelay(
              this::purgeSafely, 0, settings.purgeInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
    if (database.dialect() == Dialect.SQLITE) {
      ScheduledFuture<?> unused =
          purger.scheduleWithFixedDelay(
              this::checkpointSafely,
              CHECKPOINT_INTERVAL.toMillis(),
              CHECKPOINT_INTERVAL.toMillis(),
              TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /**
   * Copies committed WAL pages back into the SQLite file without blocking the writer (PASSIVE), so
   * that commits need not checkpoint themselves and no request waits on a checkpoint.
   */
  private void checkpointSafely() {
    try (Connection c = database.dataSource().getConnection();
        java.sql.Statement s = c.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (SQLException | RuntimeException e) {
      LOG.debug("background checkpoint skipped: {}", e.getMessage());
    }
  }

  private void purgeSafely() {
    try {
      Instant cutoff = settings.clock.instant().minus(settings.retention);
      long rows = store.purgeBefore(cutoff);
      LOG.info(
          "retention purge: {} events older than {} days deleted",
          rows,
          settings.retention.toDays());
    } catch (RuntimeException e) {
      LOG.warn(
          "retention purge failed; it runs again in {} h: {}",
          settings.purgeInterval.toHours(),
          e.getMessage());
    }
  }

  /** The port the server listens on (the actual one when built with port 0). */
  public int port() {
    return app.port();
  }

  /** The registry behind {@code /metrics}. */
  public MeterRegistry meters() {
    return meters;
  }

  /**
   * Whether the server takes events: it is not closing, the writer runs, its latest commit did not
   * fail (within {@link #READINESS_HOLD}) and the database answers.
   */
  public boolean isReady() {
    return notReadyReason() == null;
  }

  /** Why {@link #isReady()} is false, in words fit for {@code /readyz}; {@code null} when ready. */
  private String notReadyReason() {
    if (closed) {
      return "the collector is shutting down";
    }
    String writerProblem = writer.unhealthyReason(READINESS_HOLD);
    if (writerProblem != null) {
      return writerProblem;
    }
    try (Connection c = database.dataSource().getConnection()) {
      return c.isValid(2) ? null : "the database does not answer";
    } catch (SQLException e) {
      return "the database does not answer";
    }
  }

  /**
   * Three quarters of the process's file descriptor limit, less a reserve for the database, logs
   * and the JVM; 10,000 where the limit cannot be read.
   */
  static int defaultMaxConnections() {
    long fds =
        ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix
            ? unix.getMaxFileDescriptorCount()
            : 13_333 + RESERVED_DESCRIPTORS;
    return (int) Math.max(64, Math.min(Integer.MAX_VALUE, fds * 3 / 4 - RESERVED_DESCRIPTORS));
  }

  /**
   * Stops the server without losing an acknowledged event: new ingestion requests are answered 503,
   * every queued event is committed and answered, then the HTTP server stops. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    handlers.startClosing();
    purger.shutdownNow();
    writer.close(settings.drainTimeout);
    long deadline = System.nanoTime() + settings.drainTimeout.toNanos();
    // Answers of committed requests are being written: give them until the deadline.
    while (handlers.inFlight() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    app.stop();
    for (CollectorExtension e : extensions) {
      try {
        e.stop();
      } catch (RuntimeException failure) {
        LOG.warn("an extension did not stop cleanly: {}", failure.getMessage());
      }
    }
    guard.close();
    meters.close();
    if (writerLock != null) {
      writerLock.close();
    }
  }

  /** The server's settings, checked by the builder. */
  private static final class Settings {
    final Duration retention;
    final Duration purgeInterval;
    final Duration drainTimeout;
    final Clock clock;

    Settings(Builder b) {
      this.retention = b.retention;
      this.purgeInterval = b.purgeInterval;
      this.drainTimeout = b.drainTimeout;
      this.clock = b.clock;
    }
  }

  static final String EXAMPLE_TOKEN_REFUSAL =
      "the admin token is the README's example ("
          + AdminAuth.EXAMPLE_TOKEN
          + "), which anyone can read: it only serves on a loopback interface; set a token of your"
          + " own (such as: openssl rand -hex 32) to listen on another";

  /** Whether {@code host} names only this machine (0.0.0.0 and :: name every interface). */
  static boolean isLoopback(String host) {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Settings of a {@link CollectorServer}; every setter checks its input. */
  public static final class Builder {
    private final Database database;
    private EventStore store;
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxQueuedEvents = DEFAULT_MAX_QUEUED_EVENTS;
    private int maxCommitEvents = DEFAULT_MAX_COMMIT_EVENTS;
    private double ratePerSecond = DEFAULT_RATE_PER_SECOND;
    private int rateBurst = DEFAULT_RATE_BURST;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
    private Duration bodyTimeout = DEFAULT_BODY_TIMEOUT;
    private int maxConnectionsPerClient = DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
    private int maxBodiesPerClient = DEFAULT_MAX_BODIES_PER_CLIENT;
    private int maxConnections;
    private DeletionLimits deletionLimits = DeletionLimits.defaults();
    private Duration retention = DEFAULT_RETENTION;
    private Duration purgeInterval = DEFAULT_PURGE_INTERVAL;
    private Duration commitTimeout = DEFAULT_COMMIT_TIMEOUT;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private AdminAuth admin = AdminAuth.disabled();
    private boolean requestLog;
    private Clock clock = Clock.systemUTC();
    private final List<CollectorExtension> extensions = new ArrayList<>();

    private Builder(Database database) {
      this.database = Objects.requireNonNull(database, "database");
    }

    /** The interface to listen on; default {@value CollectorServer#DEFAULT_HOST}. */
    public Builder host(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host is empty");
      }
      this.host = host;
      return this;
    }

    /** The port; default {@value CollectorServer#DEFAULT_PORT}; 0 picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /** Largest body accepted; default {@value CollectorServer#DEFAULT_MAX_BODY_BYTES} bytes. */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1024 || bytes > 16 * 1024 * 1024) {
        throw new IllegalArgumentException(
            "max body size out of range (1 KiB .. 16 MiB): " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /**
     * Events waiting for the writer at most; default {@value
     * CollectorServer#DEFAULT_MAX_QUEUED_EVENTS}.
     */
    public Builder maxQueuedEvents(int events) {
      if (events < 100) {
        throw new IllegalArgumentException("max queued events < 100: " + events);
      }
      this.maxQueuedEvents = events;
      return this;
    }

    /**
     * Events per transaction at most; default {@value CollectorServer#DEFAULT_MAX_COMMIT_EVENTS}.
     */
    public Builder maxCommitEvents(int events) {
      if (events < 100) {
        throw new IllegalArgumentException(
            "max commit events < 100 (a batch request holds up to 100): " + events);
      }
      this.maxCommitEvents = events;
      return this;
    }

    /**
     * The per-client rate limit: {@code perSecond} sustained requests (0 disables it; default
     * {@value CollectorServer#DEFAULT_RATE_PER_SECOND}) with bursts of {@code burst} (default
     * {@value CollectorServer#DEFAULT_RATE_BURST}).
     */
    public Builder rateLimit(double perSecond, int burst) {
      if (!(perSecond >= 0) || Double.isInfinite(perSecond) || burst < 1) {
        throw new IllegalArgumentException(
            "rate limit out of range: " + perSecond + "/s, burst " + burst);
      }
      this.ratePerSecond = perSecond;
      this.rateBurst = burst;
      return this;
    }

    /** Closes connections idle (or stalled mid-request) this long; default 15 s. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive(timeout, "idle timeout");
      return this;
    }

    /**
     * Deadlines for slow clients: a request's headers must arrive within {@code header} (default 10
     * s) of the connection's opening or previous answer, an ingestion body within {@code body}
     * (default 10 s) of its headers; a connection past either is closed.
     */
    public Builder deadlines(Duration header, Duration body) {
      this.headerTimeout = positive(header, "header timeout");
      this.bodyTimeout = positive(body, "body timeout");
      return this;
    }

    /**
     * Per-client caps: connections one address may hold open (default {@value
     * CollectorServer#DEFAULT_MAX_CONNECTIONS_PER_CLIENT}; more are closed at once) and bodies it
     * may send at a time (default {@value CollectorServer#DEFAULT_MAX_BODIES_PER_CLIENT}; more are
     * answered 429 without being read).
     */
    public Builder perClientLimits(int connections, int bodies) {
      if (connections < 1 || bodies < 1 || bodies > connections) {
        throw new IllegalArgumentException(
            "per-client limits out of range: "
                + connections
                + " connections, "
                + bodies
                + " bodies");
      }
      this.maxConnectionsPerClient = connections;
      this.maxBodiesPerClient = bodies;
      return this;
    }

    /**
     * Connections open at once at most, from all clients; at the limit new ones wait in the
     * kernel's queue. Default: three quarters of the process's file descriptor limit, less 256.
     */
    public Builder maxConnections(int connections) {
      if (connections < 16) {
        throw new IllegalArgumentException("max connections < 16: " + connections);
      }
      this.maxConnections = connections;
      return this;
    }

    /**
     * Bounds on unauthenticated deletion requests: per client {@code perClientBurst} at once and
     * {@code perClientPerHour} an hour (429 beyond), in all {@code totalBurst} at once and {@code
     * totalPerHour} an hour (503 beyond). Defaults 5, 12, 100, 600.
     */
    public Builder deletionRequestLimits(
        int perClientBurst, int perClientPerHour, int totalBurst, int totalPerHour) {
      if (perClientBurst < 1 || perClientPerHour < 1 || totalBurst < 1 || totalPerHour < 1) {
        throw new IllegalArgumentException("deletion request limits must be positive");
      }
      this.deletionLimits =
          new DeletionLimits(
              perClientBurst, perClientPerHour, totalBurst, totalPerHour, System::nanoTime);
      return this;
    }

    /** Events older than this are purged; default 400 days. */
    public Builder retention(Duration retention) {
      this.retention = positive(retention, "retention");
      return this;
    }

    /**
     * How often the purge runs, first at start; default 1 day; {@link Duration#ZERO} disables it.
     */
    public Builder purgeInterval(Duration interval) {
      Objects.requireNonNull(interval, "purge interval");
      this.purgeInterval = interval.isZero() ? interval : positive(interval, "purge interval");
      return this;
    }

    /** How long a request waits for its commit before a 503; default 30 s. */
    public Builder commitTimeout(Duration timeout) {
      this.commitTimeout = positive(timeout, "commit timeout");
      return this;
    }

    /** How long {@link CollectorServer#close()} waits to commit what is queued; default 30 s. */
    public Builder drainTimeout(Duration timeout) {
      this.drainTimeout = positive(timeout, "drain timeout");
      return this;
    }

    /** The maintainer token check; default {@link AdminAuth#disabled()}. */
    public Builder admin(AdminAuth admin) {
      this.admin = Objects.requireNonNull(admin, "admin");
      return this;
    }

    /** Logs one line per request (method, path, status, time; never an address); default off. */
    public Builder requestLog(boolean enabled) {
      this.requestLog = enabled;
      return this;
    }

    /** The clock for received times, the future check and retention; default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Stores into {@code store} instead of the database's own tables (for tests of failures). */
    public Builder store(EventStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Adds routes; extensions are registered in the order added. */
    public Builder extension(CollectorExtension extension) {
      extensions.add(Objects.requireNonNull(extension, "extension"));
      return this;
    }

    /**
     * The server, not yet started.
     *
     * @throws IllegalStateException if the admin token is {@link AdminAuth#EXAMPLE_TOKEN} and the
     *     host is not a loopback interface
     */
    public CollectorServer build() {
      if (admin.isExampleToken() && !isLoopback(host)) {
        throw new IllegalStateException(EXAMPLE_TOKEN_REFUSAL);
      }
      return new CollectorServer(this);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + d);
      }
      return d;
    }
  }
}
