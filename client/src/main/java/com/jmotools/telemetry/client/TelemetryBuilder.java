package com.jmotools.telemetry.client;

import com.jmotools.telemetry.catalog.Catalog;
import com.jmotools.telemetry.catalog.ReleaseVersions;
import com.jmotools.telemetry.client.internal.Backoff;
import com.jmotools.telemetry.client.internal.Outbox;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Builds a {@link Telemetry}; every setter checks its input and fails fast on a programmer error.
 */
public final class TelemetryBuilder {
  private String hostVersion;
  private DefaultPolicy policy = DefaultPolicy.OPT_OUT;
  private Map<String, String> environment;
  private Boolean projectSetting;
  private String projectEndpoint;
  private String projectFile = "jmo.yml";
  private Path stateDirectory;
  private Duration flushTimeout = Duration.ofMillis(Telemetry.DEFAULT_FLUSH_TIMEOUT_MILLIS);
  private Duration networkTimeout = Duration.ofMillis(Telemetry.DEFAULT_NETWORK_TIMEOUT_MILLIS);
  private Duration shortRun = Duration.ZERO;
  private Duration maxWait = Duration.ZERO;
  private int maxOutboxEvents = Telemetry.DEFAULT_MAX_OUTBOX_EVENTS;
  private long maxOutboxBytes = Telemetry.DEFAULT_MAX_OUTBOX_BYTES;
  private Duration maxOutboxAge = Duration.ofDays(Telemetry.DEFAULT_MAX_OUTBOX_AGE_DAYS);
  private long maxSentLogBytes = Telemetry.DEFAULT_MAX_SENT_LOG_BYTES;
  private int queueCapacity = Telemetry.DEFAULT_QUEUE_CAPACITY;
  private Backoff backoff =
      new Backoff(
          Duration.ofMillis(Telemetry.DEFAULT_BACKOFF_BASE_MILLIS),
          Duration.ofMillis(Telemetry.DEFAULT_BACKOFF_MAX_MILLIS),
          Telemetry.DEFAULT_MAX_ATTEMPTS);
  private Clock clock = Clock.systemUTC();
  private Sleeper sleeper = Sleeper.SYSTEM;
  private Random random;
  private Path dockerMarker = Path.of("/.dockerenv");
  private PrintStream stderr = System.err;
  private Catalog catalog;
  private boolean administration;

  TelemetryBuilder() {}

  /**
   * A client for commands that look and manage ({@code jmo telemetry status}, {@code show}, {@code
   * disable}...): it decides consent as any other, but never records, so it never creates the
   * anonymous id and starts no thread.
   */
  public TelemetryBuilder administration() {
    this.administration = true;
    return this;
  }

  /**
   * The host's release version, sent in every event in the catalog's normal form (required; such as
   * {@code 0.7.0} or {@code 1.0.0-rc}; {@code 1.0.0rc1} is sent as {@code 1.0.0-rc}, {@code 1.2rc1}
   * as {@code 1.2-rc.1}). See {@link ReleaseVersions} for the shape: no build metadata or other
   * words, which could carry text, and never more than three numbers.
   *
   * @throws IllegalArgumentException if {@code version} is not of that shape
   */
  public TelemetryBuilder hostVersion(String version) {
    Objects.requireNonNull(version, "version");
    this.hostVersion =
        ReleaseVersions.normalise(version)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "not a release version (numbers plus at most one of alpha, beta, rc, dev,"
                            + " post with a number; no build metadata): "
                            + version));
    return this;
  }

  /** The decision when no rule before rule 6 applies; default {@link DefaultPolicy#OPT_OUT}. */
  public TelemetryBuilder defaultPolicy(DefaultPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /** The environment variables to read; default {@link System#getenv()}. */
  public TelemetryBuilder environment(Map<String, String> environment) {
    this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    return this;
  }

  /**
   * {@code telemetry.enabled} from the project's {@code jmo.yml} as the host parsed it, or {@code
   * null}.
   */
  public TelemetryBuilder projectSetting(Boolean enabled) {
    this.projectSetting = enabled;
    return this;
  }

  /**
   * {@code telemetry.endpoint} from the project's {@code jmo.yml}, or {@code null}; {@value
   * Telemetry#ENDPOINT_VARIABLE} wins. A project's file is someone else's: a collector it names
   * (other than the default) is used only once the user accepted it ({@link
   * Telemetry#acceptProjectCollector()}); until then a run records nothing, and the client says so
   * once on {@link #stderr}.
   */
  public TelemetryBuilder projectEndpoint(String endpoint) {
    this.projectEndpoint = endpoint;
    return this;
  }

  /**
   * The project's file as messages name it, such as {@code /home/me/proj/jmo.yml}; default {@code
   * jmo.yml}.
   */
  public TelemetryBuilder projectFile(String name) {
    this.projectFile = Objects.requireNonNull(name, "name");
    return this;
  }

  /**
   * The state directory (a relative one is taken from the working directory now); default {@code
   * $JMO_HOME}, else {@code $HOME/.jmo-security} (from the environment). A relative {@code
   * JMO_HOME} or {@code HOME} is not used (XDG's rule): it would give each working directory its
   * own state, so a {@code disable} in one would not stop scans in another. The client then warns
   * once on {@link #stderr} and falls back to the next one.
   */
  public TelemetryBuilder stateDirectory(Path directory) {
    this.stateDirectory = Objects.requireNonNull(directory, "directory");
    return this;
  }

  /**
   * The bound of {@link Telemetry#close}; default {@value Telemetry#DEFAULT_FLUSH_TIMEOUT_MILLIS}
   * ms. It stops waiting for delivery 50 ms (at most a tenth) before the bound, then cuts a hanging
   * connection and returns, so that the host exits within the bound even on a busy machine.
   */
  public TelemetryBuilder flushTimeout(Duration timeout) {
    this.flushTimeout = checkPositiveOrZero(timeout, "flushTimeout");
    return this;
  }

  /**
   * The longest one request may take (connect and answer); default {@value
   * Telemetry#DEFAULT_NETWORK_TIMEOUT_MILLIS} ms.
   */
  public TelemetryBuilder networkTimeout(Duration timeout) {
    this.networkTimeout = checkPositiveOrZero(timeout, "networkTimeout");
    if (timeout.isZero()) {
      throw new IllegalArgumentException("networkTimeout is zero");
    }
    return this;
  }

  /**
   * Keeps short runs off the network; default off (zero): every run sends each event as soon as it
   * is stored and delivers the rest at {@link Telemetry#close}, within the flush timeout.
   *
   * <p>With {@code shortRun} above zero, events are still stored at once, but a run sends nothing
   * until it has lasted {@code shortRun} after {@code build()}; a run that closes sooner does not
   * wait at {@link Telemetry#close} at all, and its events stay in the outbox for a later run: the
   * next one that lasts {@code shortRun}, or the first one to start when the oldest waiting event
   * is {@code maxWait} old (or the outbox is a quarter full), which sends at once. For a CLI whose
   * quick runs would otherwise spend a large share of their time on the network at exit.
   */
  public TelemetryBuilder deferShortRuns(Duration shortRun, Duration maxWait) {
    this.shortRun = checkPositiveOrZero(shortRun, "shortRun");
    Objects.requireNonNull(maxWait, "maxWait");
    if (maxWait.isNegative() || maxWait.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("maxWait is not within 0..1 day: " + maxWait);
    }
    this.maxWait = maxWait;
    return this;
  }

  /**
   * The outbox's bounds; defaults {@value Telemetry#DEFAULT_MAX_OUTBOX_EVENTS} events, 1 MiB,
   * {@value Telemetry#DEFAULT_MAX_OUTBOX_AGE_DAYS} days.
   */
  public TelemetryBuilder outboxLimits(int maxEvents, long maxBytes, Duration maxAge) {
    new Outbox.Limits(maxEvents, maxBytes, maxAge); // checks
    this.maxOutboxEvents = maxEvents;
    this.maxOutboxBytes = maxBytes;
    this.maxOutboxAge = maxAge;
    return this;
  }

  /**
   * The bound of {@code sent.jsonl} in bytes; default {@value
   * Telemetry#DEFAULT_MAX_SENT_LOG_BYTES}.
   */
  public TelemetryBuilder maxSentLogBytes(long bytes) {
    if (bytes < 1024) {
      throw new IllegalArgumentException("maxSentLogBytes < 1024: " + bytes);
    }
    this.maxSentLogBytes = bytes;
    return this;
  }

  /**
   * The in-memory queue between {@link Telemetry#record} and the outbox; default {@value
   * Telemetry#DEFAULT_QUEUE_CAPACITY}.
   */
  public TelemetryBuilder queueCapacity(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("queueCapacity < 1: " + capacity);
    }
    this.queueCapacity = capacity;
    return this;
  }

  /**
   * The backoff after network errors; defaults {@value Telemetry#DEFAULT_BACKOFF_BASE_MILLIS} ms
   * doubling up to {@value Telemetry#DEFAULT_BACKOFF_MAX_MILLIS} ms, at most {@value
   * Telemetry#DEFAULT_MAX_ATTEMPTS} attempts per process.
   */
  public TelemetryBuilder backoff(Duration base, Duration max, int maxAttempts) {
    this.backoff = new Backoff(base, max, maxAttempts);
    return this;
  }

  /** The clock (event times, outbox age, Retry-After); default UTC system clock. For tests. */
  public TelemetryBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** How waits are made (lock polling); default {@link Sleeper#SYSTEM}. For tests. */
  public TelemetryBuilder sleeper(Sleeper sleeper) {
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    return this;
  }

  /**
   * The randomness of event ids and backoff jitter; default 64 bits seeded once from {@link
   * java.security.SecureRandom}. For tests.
   */
  public TelemetryBuilder random(Random random) {
    this.random = Objects.requireNonNull(random, "random");
    return this;
  }

  /** The file whose presence marks a Docker container; default {@code /.dockerenv}. For tests. */
  public TelemetryBuilder dockerMarker(Path file) {
    this.dockerMarker = Objects.requireNonNull(file, "file");
    return this;
  }

  /** Where debug mode prints; default {@link System#err}. */
  public TelemetryBuilder stderr(PrintStream err) {
    this.stderr = Objects.requireNonNull(err, "err");
    return this;
  }

  /** The catalog; default {@link Catalog#standard()}. */
  public TelemetryBuilder catalog(Catalog catalog) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    return this;
  }

  /**
   * Builds the client and, when this run records, starts its background uploader. Never throws for
   * I/O trouble (an unwritable home gives an in-memory id and nothing persisted).
   *
   * @throws IllegalStateException if {@link #hostVersion} was not set
   */
  public Telemetry build() {
    if (hostVersion == null) {
      throw new IllegalStateException("hostVersion is required");
    }
    TelemetrySettings s = new TelemetrySettings();
    s.hostVersion = hostVersion;
    s.policy = policy;
    s.environment = environment != null ? environment : Map.copyOf(System.getenv());
    s.projectSetting = projectSetting;
    s.projectEndpoint = projectEndpoint;
    s.projectFile = projectFile;
    s.stateDirectory =
        (stateDirectory != null
                ? stateDirectory
                : defaultStateDirectory(s.environment, warning -> warn(stderr, warning)))
            .toAbsolutePath()
            .normalize();
    s.flushTimeout = flushTimeout;
    s.networkTimeout = networkTimeout;
    s.shortRun = shortRun;
    s.maxWait = maxWait;
    s.limits = new Outbox.Limits(maxOutboxEvents, maxOutboxBytes, maxOutboxAge);
    s.maxSentLogBytes = maxSentLogBytes;
    s.queueCapacity = queueCapacity;
    s.backoff = backoff;
    s.clock = clock;
    s.sleeper = sleeper;
    s.random = random;
    s.dockerMarker = dockerMarker;
    s.stderr = stderr;
    s.catalog = catalog;
    s.administration = administration;
    return new Telemetry(s);
  }

  /**
   * {@code $JMO_HOME}, else {@code $HOME/.jmo-security}, else {@code user.home}/.jmo-security. A
   * variable that holds a relative path (or no usable path) is skipped, and {@code warnings} is
   * told why; {@code user.home} is made absolute if it is not.
   */
  static Path defaultStateDirectory(Map<String, String> env, Consumer<String> warnings) {
    String jmoHome = env.get(Telemetry.HOME_VARIABLE);
    String skipped = null;
    if (jmoHome != null && !jmoHome.isBlank()) {
      Path p = absoluteOrNull(jmoHome);
      if (p != null) {
        return p;
      }
      skipped = Telemetry.HOME_VARIABLE + "=" + Telemetry.printable(jmoHome, 80);
    }
    String userHome = env.get("HOME");
    Path home = null;
    if (userHome != null && !userHome.isBlank()) {
      home = absoluteOrNull(userHome);
      if (home == null) {
        skipped =
            (skipped == null ? "" : skipped + " and ")
                + "HOME="
                + Telemetry.printable(userHome, 80);
      }
    }
    if (home == null) {
      home = Path.of(System.getProperty("user.home", ".")).toAbsolutePath();
    }
    Path dir = home.resolve(".jmo-security");
    if (skipped != null) {
      warnings.accept(
          "telemetry: warning: "
              + skipped
              + " is not an absolute path, so it is ignored (a relative one would give each"
              + " working directory its own telemetry state and choice); using "
              + dir
              + " instead");
    }
    return dir;
  }

  private static Path absoluteOrNull(String text) {
    try {
      Path p = Path.of(text);
      return p.isAbsolute() ? p : null;
    } catch (InvalidPathException e) {
      return null;
    }
  }

  private static void warn(PrintStream err, String warning) {
    try {
      err.println(warning);
      err.flush();
    } catch (RuntimeException e) {
      // never into the host
    }
  }

  private static Duration checkPositiveOrZero(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " is negative: " + d);
    }
    if (d.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException(name + " is over 10 minutes: " + d);
    }
    return d;
  }
}
