package com.jmotools.telemetry.collector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code jmo-telemetry serve}: runs the collector until SIGTERM or SIGINT, then shuts down without
 * losing an acknowledged event. Construct it with the extensions whose routes it should serve.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Run the collector: validate, store and acknowledge telemetry events.")
public final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  /**
   * Marks the start-up line, which holds the operator's own bind address: the log configuration
   * does not mask addresses in it (it masks them in every other line, as a guard for clients').
   */
  static final Marker OPERATOR_ADDRESS = MarkerFactory.getMarker("OPERATOR_ADDRESS");

  @Spec CommandSpec spec;

  @Mixin DatabaseOption db = new DatabaseOption();

  @Option(
      names = "--port",
      defaultValue = "${env:JMO_TELEMETRY_PORT:-8787}",
      description =
          "Port to listen on; 0 picks a free one (env JMO_TELEMETRY_PORT; default:"
              + " ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--host",
      defaultValue = "${env:JMO_TELEMETRY_HOST:-127.0.0.1}",
      description =
          "Interface to listen on; 0.0.0.0 for every one, as behind a load balancer"
              + " (env JMO_TELEMETRY_HOST; default: ${DEFAULT-VALUE}, this machine only).")
  String host;

  @Option(
      names = "--admin-token-file",
      paramLabel = "<file>",
      description =
          "File holding the maintainer token for admin endpoints (an empty or missing file is an"
              + " error); else env JMO_TELEMETRY_ADMIN_TOKEN; without either, admin endpoints are"
              + " disabled.")
  Path adminTokenFile;

  @Option(
      names = "--retention-days",
      defaultValue = "${env:JMO_TELEMETRY_RETENTION_DAYS:-400}",
      description =
          "Events older than this many days are purged, daily (env JMO_TELEMETRY_RETENTION_DAYS;"
              + " default: ${DEFAULT-VALUE}).")
  int retentionDays;

  @Option(
      names = "--rate-limit",
      defaultValue = "${env:JMO_TELEMETRY_RATE_LIMIT:-20}",
      description =
          "Requests per second per client before 429; 0 disables (env JMO_TELEMETRY_RATE_LIMIT;"
              + " default: ${DEFAULT-VALUE}).")
  double rateLimit;

  @Option(
      names = "--rate-burst",
      defaultValue = "${env:JMO_TELEMETRY_RATE_BURST:-100}",
      description =
          "Requests a client may send at once (env JMO_TELEMETRY_RATE_BURST; default:"
              + " ${DEFAULT-VALUE}).")
  int rateBurst;

  @Option(
      names = "--max-queued-events",
      defaultValue = "${env:JMO_TELEMETRY_MAX_QUEUED_EVENTS:-50000}",
      description =
          "Events waiting for the database before 503 (env JMO_TELEMETRY_MAX_QUEUED_EVENTS;"
              + " default: ${DEFAULT-VALUE}).")
  int maxQueuedEvents;

  @Option(
      names = "--max-commit-events",
      defaultValue = "${env:JMO_TELEMETRY_MAX_COMMIT_EVENTS:-4000}",
      description =
          "Events per transaction at most (env JMO_TELEMETRY_MAX_COMMIT_EVENTS; default:"
              + " ${DEFAULT-VALUE}).")
  int maxCommitEvents;

  @Option(
      names = "--idle-timeout-seconds",
      defaultValue = "${env:JMO_TELEMETRY_IDLE_TIMEOUT_SECONDS:-15}",
      description =
          "Close connections idle or stalled this long (env JMO_TELEMETRY_IDLE_TIMEOUT_SECONDS;"
              + " default: ${DEFAULT-VALUE}).")
  int idleTimeoutSeconds;

  @Option(
      names = "--header-timeout-seconds",
      defaultValue = "${env:JMO_TELEMETRY_HEADER_TIMEOUT_SECONDS:-10}",
      description =
          "Close a connection whose request headers have not all arrived this long after it opened"
              + " or was last answered (env JMO_TELEMETRY_HEADER_TIMEOUT_SECONDS; default:"
              + " ${DEFAULT-VALUE}).")
  int headerTimeoutSeconds;

  @Option(
      names = "--body-timeout-seconds",
      defaultValue = "${env:JMO_TELEMETRY_BODY_TIMEOUT_SECONDS:-10}",
      description =
          "Close a connection whose request body has not all arrived this long after its headers"
              + " (env JMO_TELEMETRY_BODY_TIMEOUT_SECONDS; default: ${DEFAULT-VALUE}).")
  int bodyTimeoutSeconds;

  @Option(
      names = "--max-connections",
      defaultValue = "${env:JMO_TELEMETRY_MAX_CONNECTIONS:-0}",
      description =
          "Connections open at once, from all clients; 0 means three quarters of the file"
              + " descriptor limit less 256 (env JMO_TELEMETRY_MAX_CONNECTIONS; default:"
              + " ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(
      names = "--max-connections-per-client",
      defaultValue = "${env:JMO_TELEMETRY_MAX_CONNECTIONS_PER_CLIENT:-512}",
      description =
          "Connections one address may hold open; more are closed at once"
              + " (env JMO_TELEMETRY_MAX_CONNECTIONS_PER_CLIENT; default: ${DEFAULT-VALUE}).")
  int maxConnectionsPerClient;

  @Option(
      names = "--max-bodies-per-client",
      defaultValue = "${env:JMO_TELEMETRY_MAX_BODIES_PER_CLIENT:-32}",
      description =
          "Request bodies one address may be sending at a time; more are answered 429"
              + " (env JMO_TELEMETRY_MAX_BODIES_PER_CLIENT; default: ${DEFAULT-VALUE}).")
  int maxBodiesPerClient;

  @Option(
      names = "--durability",
      defaultValue = "${env:JMO_TELEMETRY_DURABILITY:-FULL}",
      description =
          "SQLite commit flush: FULL (acknowledged survives power loss) or NORMAL (survives a crash"
              + " of the collector only) (env JMO_TELEMETRY_DURABILITY; default:"
              + " ${DEFAULT-VALUE}).")
  Database.Durability durability;

  @Option(
      names = "--request-log",
      defaultValue = "${env:JMO_TELEMETRY_REQUEST_LOG:-false}",
      description =
          "Log method, path, status and time of each request; never an address"
              + " (env JMO_TELEMETRY_REQUEST_LOG; default: ${DEFAULT-VALUE}).")
  boolean requestLog;

  private final List<CollectorExtension> extensions;
  private final CountDownLatch stopped = new CountDownLatch(1);

  /** A serve command with the collector's own routes only. */
  public ServeCommand() {
    this(List.of());
  }

  /** A serve command that also serves the routes of {@code extensions}. */
  public ServeCommand(List<CollectorExtension> extensions) {
    this.extensions = List.copyOf(Objects.requireNonNull(extensions, "extensions"));
  }

  @Override
  public Integer call() throws Exception {
    AdminAuth admin = adminAuth();
    if (retentionDays < 1) {
      throw new ParameterException(
          spec.commandLine(), "--retention-days must be at least 1: " + retentionDays);
    }
    if (admin.isExampleToken() && !CollectorServer.isLoopback(host)) {
      throw new ParameterException(
          spec.commandLine(), "--host " + host + ": " + CollectorServer.EXAMPLE_TOKEN_REFUSAL);
    }
    if (headerTimeoutSeconds < 1 || bodyTimeoutSeconds < 1) {
      throw new ParameterException(
          spec.commandLine(),
          "--header-timeout-seconds and --body-timeout-seconds must be" + " at least 1");
    }
    if (maxConnectionsPerClient < 1
        || maxBodiesPerClient < 1
        || maxBodiesPerClient > maxConnectionsPerClient) {
      throw new ParameterException(
          spec.commandLine(),
          "--max-bodies-per-client must be between 1 and"
              + " --max-connections-per-client ("
              + maxConnectionsPerClient
              + ")");
    }
    if (maxConnections != 0 && maxConnections < 16) {
      throw new ParameterException(
          spec.commandLine(),
          "--max-connections must be 0 (automatic) or at least 16: " + maxConnections);
    }
    // The server checkpoints the WAL in the background: commits never stop to do it themselves.
    Database database =
        Database.builder(db.location()).durability(durability).walAutocheckpoint(0).open();
    CollectorServer server;
    try {
      CollectorServer.Builder builder =
          CollectorServer.builder(database)
              .host(host)
              .port(port)
              .admin(admin)
              .retention(Duration.ofDays(retentionDays))
              .rateLimit(rateLimit, rateBurst)
              .maxQueuedEvents(maxQueuedEvents)
              .maxCommitEvents(maxCommitEvents)
              .idleTimeout(Duration.ofSeconds(idleTimeoutSeconds))
              .deadlines(
                  Duration.ofSeconds(headerTimeoutSeconds), Duration.ofSeconds(bodyTimeoutSeconds))
              .perClientLimits(maxConnectionsPerClient, maxBodiesPerClient)
              .requestLog(requestLog);
      if (maxConnections > 0) {
        builder.maxConnections(maxConnections);
      }
      extensions.forEach(builder::extension);
      server = builder.build().start();
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("stopping: committing queued events");
                  server.close();
                  database.close();
                  LOG.info("stopped");
                  stopped.countDown();
                },
                "jmo-telemetry-shutdown"));
    LOG.info(
        OPERATOR_ADDRESS,
        "jmo-telemetry collector listening on http://{}:{} with {} (retention {} days, admin"
            + " endpoints {})",
        displayedHost(host),
        server.port(),
        database.description(),
        retentionDays,
        admin.isEnabled() ? "on" : "off");
    stopped.await();
    return 0;
  }

  /**
   * The bound address as the start-up line shows it: as the operator gave it, an IPv6 address in
   * brackets as in a URL ({@code 127.0.0.2}, {@code 0.0.0.0}, {@code [::1]}).
   */
  static String displayedHost(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private AdminAuth adminAuth() {
    String token = null;
    if (adminTokenFile != null) {
      try {
        token = Files.readString(adminTokenFile, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ParameterException(
            spec.commandLine(),
            "cannot read --admin-token-file " + adminTokenFile + ": " + e.getMessage());
      }
      if (token.isBlank()) {
        // Asked for admin endpoints: a blank file must not silently turn them off.
        throw new ParameterException(
            spec.commandLine(),
            "--admin-token-file "
                + adminTokenFile
                + " is empty: write the token into it, or leave the option out to run without"
                + " admin endpoints");
      }
    } else {
      token = System.getenv("JMO_TELEMETRY_ADMIN_TOKEN");
    }
    if (token == null || token.isBlank()) {
      return AdminAuth.disabled();
    }
    try {
      return AdminAuth.of(token);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
