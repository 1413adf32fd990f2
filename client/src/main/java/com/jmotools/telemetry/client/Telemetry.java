package com.jmotools.telemetry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jmotools.telemetry.catalog.BriefItem;
import com.jmotools.telemetry.catalog.Catalog;
import com.jmotools.telemetry.catalog.EventIds;
import com.jmotools.telemetry.catalog.Platforms;
import com.jmotools.telemetry.client.internal.AnonymousIdStore;
import com.jmotools.telemetry.client.internal.ConsentDecider;
import com.jmotools.telemetry.client.internal.Counters;
import com.jmotools.telemetry.client.internal.DebugSink;
import com.jmotools.telemetry.client.internal.DeletionRequests;
import com.jmotools.telemetry.client.internal.EndpointKey;
import com.jmotools.telemetry.client.internal.EventEncoder;
import com.jmotools.telemetry.client.internal.EventSink;
import com.jmotools.telemetry.client.internal.HttpUploader;
import com.jmotools.telemetry.client.internal.Json;
import com.jmotools.telemetry.client.internal.JsonTrees;
import com.jmotools.telemetry.client.internal.Outbox;
import com.jmotools.telemetry.client.internal.OutboxPipeline;
import com.jmotools.telemetry.client.internal.PipelineSettings;
import com.jmotools.telemetry.client.internal.QueuedEvent;
import com.jmotools.telemetry.client.internal.SentLog;
import com.jmotools.telemetry.client.internal.StateFiles;
import com.jmotools.telemetry.client.internal.StateLock;
import com.jmotools.telemetry.client.internal.Uploader;
import com.jmotools.telemetry.client.internal.UserChoiceWatch;
import com.jmotools.telemetry.client.internal.UserSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The telemetry client a host CLI embeds: decides consent, keeps the anonymous id, records events
 * into a durable outbox and uploads them in the background.
 *
 * <p>It never blocks, slows or breaks the host: {@link #record} validates against the catalog and
 * returns at once; {@link #close} delivers what it can within {@link TelemetryBuilder#flushTimeout}
 * and leaves the rest on disk for the next run of any host process, which sends it first. No method
 * throws for I/O trouble except the explicit admin operations that say so.
 *
 * <p>When telemetry is off (any consent rule), or this run does not record yet (the opt-out notice
 * has not been shown in an earlier run), recording is one no-op object that writes no file at all.
 *
 * <pre>{@code
 * try (Telemetry t = Telemetry.builder().hostVersion("0.7.0").build()) {
 *   t.noticeToShow().ifPresent(banner -> { System.err.println(banner); t.noticeShown(); });
 *   t.record("scan.completed", metadata);
 * }
 * }</pre>
 */
public final class Telemetry implements AutoCloseable {

  /**
   * The public collector, used when neither the environment nor jmo.yml names one (or jmo.yml names
   * one the user has not accepted).
   */
  public static final String DEFAULT_ENDPOINT = "https://telemetry.jmotools.com";

  /** The variable that names the collector's base URL; it wins over jmo.yml. */
  public static final String ENDPOINT_VARIABLE = "JMO_TELEMETRY_ENDPOINT";

  /** The variable that switches on debug mode: print each event to stderr, send nothing. */
  public static final String DEBUG_VARIABLE = "JMO_TELEMETRY_DEBUG";

  /** The variable naming the state directory; else {@code $HOME/.jmo-security}. */
  public static final String HOME_VARIABLE = "JMO_HOME";

  /** The variable that marks a Docker container (the guide's image sets it). */
  public static final String DOCKER_VARIABLE = "DOCKER_CONTAINER";

  /** How many scans show the opt-out notice. */
  public static final int NOTICE_SCANS = 3;

  /** The longest {@link #close} waits for delivery: {@value} ms. */
  public static final long DEFAULT_FLUSH_TIMEOUT_MILLIS = 1000;

  /** The longest one request to the collector may take: {@value} ms. */
  public static final long DEFAULT_NETWORK_TIMEOUT_MILLIS = 2000;

  /** The most events the outbox keeps: {@value}. */
  public static final int DEFAULT_MAX_OUTBOX_EVENTS = 1000;

  /** The most bytes the outbox keeps: {@value} (1 MiB). */
  public static final long DEFAULT_MAX_OUTBOX_BYTES = 1024 * 1024;

  /** Events older than this many days are dropped unsent: {@value}. */
  public static final int DEFAULT_MAX_OUTBOX_AGE_DAYS = 30;

  /** The bound of {@code sent.jsonl}: {@value} bytes (256 KiB). */
  public static final long DEFAULT_MAX_SENT_LOG_BYTES = 256 * 1024;

  /** The most events held in memory between {@link #record} and the outbox: {@value}. */
  public static final int DEFAULT_QUEUE_CAPACITY = 1000;

  /** The first backoff wait after a network error: {@value} ms (doubling, with jitter). */
  public static final long DEFAULT_BACKOFF_BASE_MILLIS = 1000;

  /** The longest backoff wait: {@value} ms. */
  public static final long DEFAULT_BACKOFF_MAX_MILLIS = 5 * 60 * 1000;

  /**
   * Consecutive failed uploads after which a process stops trying (the next run tries again):
   * {@value}.
   */
  public static final int DEFAULT_MAX_ATTEMPTS = 6;

  /**
   * The opt-out notice, shown on stderr by the host on the first {@value #NOTICE_SCANS} scans. What
   * it says is sent comes from the catalog's summary ({@link Catalog#inBrief()}), so it names every
   * kind of field the catalog lets a client send and cannot drift from it.
   */
  public static String notice() {
    return NoticeHolder.NOTICE;
  }

  /** Built when first shown: a client that shows no notice never loads the catalog for it. */
  private static final class NoticeHolder {
    static final String NOTICE = buildNotice(Catalog.standard());
  }

  private static String buildNotice(Catalog catalog) {
    StringBuilder n =
        new StringBuilder(
            "JMo Security collects anonymous usage statistics to decide what to improve; it sends"
                + " only:\n");
    for (BriefItem item : catalog.inBrief()) {
      n.append("  - ").append(item.text()).append('\n');
    }
    return n.append(
            String.join(
                "\n",
                "  Never: repository names, paths, finding details, secrets, IP addresses or"
                    + " anything about you.",
                "  Nothing was sent on a run before this notice was first shown.",
                "  Turn it off:  jmo telemetry disable   (or set JMO_TELEMETRY_DISABLE=1 or"
                    + " DO_NOT_TRACK=1)",
                "  Details:      jmo telemetry status, and docs/PRIVACY.md"))
        .toString();
  }

  private static final Set<String> TRUE_VALUES = Set.of("1", "true", "yes", "on");

  private final TelemetrySettings settings;
  private final ConsentStatus status;
  private final boolean debug;
  private final URI endpoint;
  private final String endpointText; // as configured
  private final CollectorSource collectorSource;
  private final String unacceptedProject; // jmo.yml's collector, not accepted by the user, or null
  private final String endpointKey; // what this run's events and deletions are stored for
  private final String endpointTag;
  private final Counters counters = new Counters();
  private final AnonymousIdStore idStore;
  private final UserSettings userSettings;
  private final UserChoiceWatch userChoice;
  private final DeletionRequests deletions;
  private final StateLock stateLock;
  private final EventEncoder
      encoder; // loads the catalog when first needed: a disabled client never does
  private final String platform = Platforms.current();
  private final String runtime = Platforms.runtime();
  private final AtomicBoolean noticeShownThisRun = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile EventSink sink;
  private volatile UUID anonymousId;

  Telemetry(TelemetrySettings settings) {
    this.settings = settings;
    this.idStore = new AnonymousIdStore(settings.stateDirectory);
    this.userSettings = new UserSettings(settings.stateDirectory);
    this.userChoice = new UserChoiceWatch(userSettings);
    this.deletions =
        new DeletionRequests(settings.stateDirectory, EndpointKey.of(DEFAULT_ENDPOINT));
    this.stateLock = new StateLock(settings.stateDirectory);
    UserSettings.Values user = userSettings.read();
    this.status =
        ConsentDecider.decide(settings.environment, settings.projectSetting, user, settings.policy);
    this.debug = isTrue(settings.environment.get(DEBUG_VARIABLE));
    String env = settings.environment.get(ENDPOINT_VARIABLE);
    String project = settings.projectEndpoint;
    if (env != null && !env.isBlank()) {
      endpointText = env.trim();
      collectorSource = CollectorSource.VARIABLE;
      unacceptedProject = null;
    } else if (project != null
        && !project.isBlank()
        && !EndpointKey.of(project).equals(EndpointKey.of(DEFAULT_ENDPOINT))) {
      // someone else's file: it may name any server, and the events carry the user's lasting id
      boolean accepted = user.acceptedCollectors().contains(EndpointKey.of(project));
      endpointText = accepted ? project.trim() : DEFAULT_ENDPOINT;
      collectorSource = accepted ? CollectorSource.PROJECT : CollectorSource.DEFAULT;
      unacceptedProject = accepted ? null : project.trim();
    } else {
      endpointText = DEFAULT_ENDPOINT;
      collectorSource = CollectorSource.DEFAULT;
      unacceptedProject = null;
    }
    this.endpoint = HttpUploader.parseBase(endpointText);
    this.endpointKey = EndpointKey.of(endpointText);
    this.endpointTag = EndpointKey.tag(endpointKey, EndpointKey.of(DEFAULT_ENDPOINT));
    this.encoder = new EventEncoder(settings::catalog, counters, debug ? settings.stderr : null);
    EventSink s = EventSink.NOOP;
    try {
      if (debug && status.enabled() && !settings.administration) {
        // what a run would send, even before the notice was shown; nothing is stored: no id file
        // is made (a throw-away id when there is none yet), no notice counted, no outbox
        UUID stored = idStore.peek();
        anonymousId = stored != null ? stored : UUID.randomUUID();
        s = new DebugSink(settings.stderr);
      } else if (unacceptedProject != null && status.enabled() && !settings.administration) {
        // Nothing is recorded: sending to the project's collector needs the user's word, and
        // sending to the user's own instead would override the project, which named another
        // collector on purpose (a company that keeps its tools' usage in-house). Recording
        // nothing goes against neither; it costs this run's statistics only.
        warnUnacceptedCollector();
      } else if (status.recording() && !settings.administration && !debug) {
        anonymousId = takeIdToRecord();
        s = newPipeline();
      }
    } catch (RuntimeException | Error e) {
      s = EventSink.NOOP; // never break the host
    }
    this.sink = s;
  }

  /**
   * The id this recording client uses, with the unused-id marker removed first (a deletion of it
   * must now be stored). Under the state lock, so that a {@code delete} in another process cannot
   * rotate the id and mark the new one unused between the two: its new id would then record while
   * marked unused, and a later delete would skip it. Never throws.
   */
  private UUID takeIdToRecord() {
    try {
      return stateLock.locked(
          () -> {
            deletions.markUsed();
            return idStore.current();
          });
    } catch (IOException busy) {
      deletions.markUsed(); // an id is needed now: taken as before the lock existed
      return idStore.current();
    }
  }

  /** A builder; {@link TelemetryBuilder#hostVersion} is required. */
  public static TelemetryBuilder builder() {
    return new TelemetryBuilder();
  }

  /** Once per client that would record: names the project's collector and how to accept it. */
  private void warnUnacceptedCollector() {
    try {
      settings.stderr.println(
          "telemetry: "
              + printable(settings.projectFile)
              + " names the collector "
              + printable(unacceptedProject)
              + ", which you have not accepted: this run records nothing, and sends nothing to it"
              + " or to any other collector. To send your anonymous usage statistics there from"
              + " now on: jmo telemetry accept-collector (to keep this project's runs off instead:"
              + " jmo telemetry disable --project)");
      settings.stderr.flush();
    } catch (RuntimeException e) {
      // never into the host
    }
  }

  private static String printable(String value) {
    return printable(value, 200);
  }

  /**
   * Text from a file or the environment as messages show it: printable ASCII, at most {@code max}
   * characters, one line.
   */
  static String printable(String value, int max) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (b.length() == max) {
        return b + "...";
      }
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }

  private static boolean isTrue(String value) {
    return value != null && TRUE_VALUES.contains(value.trim().toLowerCase(Locale.ROOT));
  }

  private Uploader uploader() {
    return endpoint == null
        ? Uploader.NONE
        : new HttpUploader(endpoint, settings.networkTimeout, settings.clock);
  }

  private Outbox outbox() {
    return new Outbox(
        settings.stateDirectory, settings.limits, settings.clock, counters, endpointTag);
  }

  private OutboxPipeline newPipeline() {
    return new OutboxPipeline(
        new PipelineSettings(
            settings.stateDirectory,
            endpoint,
            endpointTag,
            settings.limits,
            settings.maxSentLogBytes,
            settings.queueCapacity,
            settings.networkTimeout,
            settings.backoff,
            settings.shortRun,
            settings.maxWait,
            settings.clock,
            settings.sleeper,
            settings.random(),
            userChoice),
        counters,
        encoder);
  }

  /** The consent decision of this run and the rule that made it. */
  public ConsentStatus status() {
    return status;
  }

  /**
   * Whether {@value #DEBUG_VARIABLE} is set: while telemetry is on, the events a run would send go
   * to stderr (even before the notice was shown); nothing is stored (no id file, no notice count,
   * no outbox) and nothing is sent.
   */
  public boolean debug() {
    return debug;
  }

  /**
   * Whether {@link #record} does anything on this client: this run records, or debug mode prints. A
   * host may skip building an event's metadata when it does not.
   */
  public boolean recording() {
    return sink != EventSink.NOOP;
  }

  /**
   * Whether this process runs from the JMo image: {@value #DOCKER_VARIABLE} is set (the guide's
   * rule). {@code /.dockerenv} alone is any container (a dev container, a CI sandbox) and does not
   * count.
   */
  public boolean inDocker() {
    String v = settings.environment.get(DOCKER_VARIABLE);
    return v != null && !v.isEmpty();
  }

  /**
   * Whether this process runs in any container ({@value #DOCKER_VARIABLE} set or {@code
   * /.dockerenv} present).
   */
  public boolean inContainer() {
    if (inDocker()) {
      return true;
    }
    try {
      return Files.exists(settings.dockerMarker);
    } catch (SecurityException e) {
      return false;
    }
  }

  /**
   * The collector's base URL in use, as configured: {@value #ENDPOINT_VARIABLE}, else a jmo.yml's
   * collector the user accepted, else the default ({@link #collectorSource()} says which).
   */
  public String endpoint() {
    return endpointText;
  }

  /** Where {@link #endpoint()} was named. */
  public CollectorSource collectorSource() {
    return collectorSource;
  }

  /**
   * The collector the project's {@code jmo.yml} names when the user has not accepted it (and
   * {@value #ENDPOINT_VARIABLE} does not override it): while there is one, no run of this project
   * records anything. Printable, bounded.
   */
  public Optional<String> unacceptedProjectCollector() {
    return Optional.ofNullable(unacceptedProject).map(Telemetry::printable);
  }

  /** The project's file as messages name it ({@link TelemetryBuilder#projectFile}). */
  public String projectFile() {
    return printable(settings.projectFile);
  }

  /**
   * Stores, in the user's own settings (never in the project), that the collector the project's
   * {@code jmo.yml} names may receive this user's events: later runs of any project naming it send
   * there. The consent rules still decide whether anything is recorded at all.
   *
   * @return the collector accepted, in normal form
   * @throws IllegalStateException if the project names no collector, or the default one (nothing to
   *     accept), or one that is not an http(s) URL, or an overlong one; nothing is stored
   * @throws UncheckedIOException if the settings file cannot be written, or cannot be read (it is
   *     then left as it is)
   */
  public String acceptProjectCollector() {
    String project = settings.projectEndpoint;
    if (project == null || project.isBlank()) {
      throw new IllegalStateException(
          printable(settings.projectFile)
              + " names no collector (telemetry.endpoint): nothing to"
              + " accept");
    }
    String key = EndpointKey.of(project);
    if (key.equals(EndpointKey.of(DEFAULT_ENDPOINT))) {
      throw new IllegalStateException(
          printable(settings.projectFile)
              + " names the default collector "
              + DEFAULT_ENDPOINT
              + ", which needs no accepting");
    }
    if (HttpUploader.parseBase(project) == null) {
      throw new IllegalStateException(
          "the collector "
              + printable(project)
              + " in "
              + printable(settings.projectFile)
              + " is not an http(s) URL with a host; nothing was accepted");
    }
    if (key.length() > UserSettings.MAX_COLLECTOR_CHARS) {
      throw new IllegalStateException(
          "the collector URL in "
              + printable(settings.projectFile)
              + " is longer than "
              + UserSettings.MAX_COLLECTOR_CHARS
              + " characters; nothing was accepted");
    }
    try {
      userSettings.acceptCollector(key);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write " + userSettings.file() + ": " + e.getMessage(), e);
    }
    return key;
  }

  /** Whether {@link #endpoint()} is a usable http(s) URL (if not, events wait in the outbox). */
  public boolean endpointValid() {
    return endpoint != null;
  }

  /** The file that holds the user's own choice and the notice counter. */
  public Path userSettingsFile() {
    return userSettings.file();
  }

  /** The state directory ({@code $JMO_HOME}, else {@code $HOME/.jmo-security}). */
  public Path stateDirectory() {
    return settings.stateDirectory;
  }

  /** The anonymous id stored on this machine, if there is a valid one; never creates one. */
  public Optional<UUID> anonymousId() {
    UUID inUse = anonymousId;
    return inUse != null ? Optional.of(inUse) : Optional.ofNullable(idStore.peek());
  }

  /**
   * The notice the host prints on stderr on this scan, while it has been shown on fewer than
   * {@value #NOTICE_SCANS} scans and what switched telemetry on was not the user's own act (the
   * opt-out default, or a project's {@code jmo.yml}); empty otherwise. When the state directory
   * cannot be written ({@link #stateProblem()}), it is instead a short text that says nothing is
   * recorded, why, and how to fix it or silence it ({@code JMO_TELEMETRY_DISABLE=1}): the notice
   * could never be counted, and {@code jmo telemetry disable} could not be stored.
   */
  public Optional<String> noticeToShow() {
    if (status.waitsForNotice()
        && status.noticeShownCount() < NOTICE_SCANS
        && !noticeShownThisRun.get()) {
      return Optional.of(stateProblem().map(this::cannotRecordNotice).orElseGet(Telemetry::notice));
    }
    return Optional.empty();
  }

  /**
   * What a scan shows instead of the notice when the state directory cannot be written: the notice
   * could never be counted, so nothing is ever recorded, and {@code jmo telemetry disable} could
   * not be stored either; the way out that works is the variable.
   */
  private String cannotRecordNotice(String problem) {
    return String.join(
        "\n",
        "JMo Security's anonymous usage statistics record nothing here: "
            + problem
            + ", so neither this notice nor a choice can be saved.",
        "  Make it writable again (if sudo jmo made it root's: sudo chown -R \"$USER\" "
            + settings.stateDirectory
            + "), or set JMO_TELEMETRY_DISABLE=1 to switch telemetry off and silence this.",
        "  Details:      jmo telemetry status, and docs/PRIVACY.md");
  }

  /**
   * Why this client cannot write its state directory, or empty when it can: a folder it writes into
   * is not writable by this user (after {@code sudo jmo ...} made it root's, say). Nothing is then
   * recorded, the notice cannot be counted, and the user's choice cannot be stored. Checks
   * permissions only (a few {@code access} calls). Never throws.
   */
  public Optional<String> stateProblem() {
    return StateFiles.problem(settings.stateDirectory);
  }

  /** "cannot write FILE: REASON (why)", never a bare temporary file's path. */
  private String cannotWrite(Path file, IOException e) {
    return "cannot write "
        + file
        + ": "
        + StateFiles.reason(e)
        + stateProblem().map(p -> " (" + p + ")").orElse("");
  }

  /**
   * Tells the client the host printed the notice on this scan (counted once per run). Never throws.
   */
  public void noticeShown() {
    if (noticeToShow().isEmpty() || !noticeShownThisRun.compareAndSet(false, true) || debug) {
      return; // debug mode stores nothing, not even the count
    }
    try {
      userSettings.incrementNotice();
    } catch (IOException | RuntimeException e) {
      // an unwritable home: the notice shows again next time, which errs on the side of the user
    }
  }

  /**
   * Records an event: validates it against the catalog (an invalid one is dropped and counted as
   * {@code invalid:<problem>}), queues it for the outbox and returns without touching the network.
   * Until the uploader thread has loaded the catalog (just after {@code build()}), the event is
   * queued as recorded and validated by that thread instead, so the host never waits for it. Does
   * nothing when this run does not record. Never throws. The event gets this installation's
   * anonymous id, a new {@code event_id} (UUID v7 cut to the hour) and a {@code timestamp} cut to
   * the hour: the collector keeps only the hour, so nothing finer leaves the machine.
   *
   * @param event the event's name, such as {@code scan.completed}
   * @param metadata its fields, exactly the catalog's (values: String, Number, Boolean, List, Map
   *     or null)
   */
  public void record(String event, Map<String, ?> metadata) {
    EventSink s = sink;
    if (s == EventSink.NOOP) {
      return;
    }
    try {
      Instant now = settings.clock.instant();
      UUID eventId = EventIds.newId(now, settings.random());
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      node.put("event", event);
      node.put("version", settings.hostVersion);
      node.put("platform", platform);
      node.put("runtime", runtime);
      node.put("anonymous_id", idInUse().toString());
      node.put("event_id", eventId.toString());
      node.put("timestamp", now.truncatedTo(ChronoUnit.HOURS).toString());
      node.set("metadata", metadata == null ? null : JsonTrees.of(metadata));
      if (!encoder.ready() && !debug) {
        // the catalog is still loading on the uploader thread: it validates this one; never wait
        s.accept(QueuedEvent.unvalidated(eventId.toString(), node, now));
        return;
      }
      byte[] json = encoder.encode(node);
      if (json != null) {
        s.accept(QueuedEvent.validated(eventId.toString(), json, now));
      }
    } catch (IllegalArgumentException e) {
      counters.dropped(DropReason.INVALID, "wrong_type", 1); // a value that is not JSON
    } catch (RuntimeException e) {
      counters.dropped(DropReason.INTERNAL_ERROR, 1);
    }
  }

  /**
   * The id for an event recorded now: the id file's, which {@code jmo telemetry reset-id} or {@code
   * delete} in another process may have replaced since this client started, so that nothing
   * recorded after the change carries the old id. Debug mode stores nothing and keeps its id.
   */
  private UUID idInUse() {
    if (debug) {
      return anonymousId;
    }
    UUID now = idStore.current();
    if (!now.equals(anonymousId)) {
      // Taken again with its marker under the lock, as at the start: a delete rotates the id and
      // marks the new one unused as one step, and the new id must not record while marked so.
      now = takeIdToRecord();
      anonymousId = now;
    }
    return now;
  }

  /**
   * Delivers what is queued now, waiting at most {@code timeout} (for {@code jmo telemetry flush}).
   * Sends nothing when telemetry is off or in debug mode. Never throws.
   */
  public FlushResult flushNow(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (!status.enabled()) {
      return new FlushResult(
          0, 0, 0, pendingCount(), null, "telemetry is off (" + status.explanation() + ")");
    }
    if (!userChoice.allows()) {
      return new FlushResult(
          0,
          0,
          0,
          pendingCount(),
          null,
          "telemetry is off (switched off in " + userSettings.file() + " since this run started)");
    }
    if (debug) {
      return new FlushResult(0, 0, 0, pendingCount(), null, "debug mode: nothing is sent");
    }
    EventSink s = sink;
    if (s != EventSink.NOOP) {
      return s.flush(timeout);
    }
    // enabled but not recording this run (notice not shown yet): deliver what earlier runs left
    Outbox outbox = outbox();
    if (outbox.listToSend().isEmpty()) {
      return new FlushResult(0, 0, 0, 0, null, null);
    }
    // the pipeline's worker starts at once and may deliver or trim before the flush begins
    TelemetryStats before = counters.snapshot();
    OutboxPipeline p = newPipeline();
    FlushResult r;
    try {
      r = p.flush(timeout);
    } finally {
      p.close(Duration.ZERO);
    }
    return OutboxPipeline.countingSince(r, before, counters.snapshot());
  }

  /**
   * Stops: sends the deletion requests that are due and delivers what it can, all within the flush
   * timeout, and leaves the rest for the next run. Idempotent; never throws; restores the interrupt
   * flag if interrupted.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      long deadline = System.nanoTime() + settings.flushTimeout.toNanos();
      try {
        // a user's erasure request outranks the consent of this run and its events: it goes first,
        // whatever the consent says; the uploader keeps sending meanwhile
        retryPendingDeletions(settings.flushTimeout);
      } catch (RuntimeException | Error e) {
        // never into the host
      }
      try {
        sink.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      } catch (RuntimeException | Error e) {
        // never into the host
      }
    }
  }

  /** Counters since this client was built. */
  public TelemetryStats stats() {
    return counters.snapshot();
  }

  // ----- admin operations, for `jmo telemetry ...` -----

  /**
   * Stores the user's own "on" in the state directory (consent rule 5; a project's {@code enabled:
   * false} still wins). Takes effect from the next client built.
   *
   * @return the decision a client built now would make
   * @throws UncheckedIOException if the settings file cannot be written
   */
  public ConsentStatus enableForUser() {
    try {
      userSettings.writeChoice(true);
    } catch (IOException e) {
      throw new UncheckedIOException(cannotWrite(userSettings.file(), e), e);
    }
    return ConsentDecider.decide(
        settings.environment, settings.projectSetting, userSettings.read(), settings.policy);
  }

  /**
   * Stores the user's own "off" (consent rule 4), stops recording in this client and removes the
   * events waiting in the outbox, so nothing more leaves the machine.
   *
   * @return the decision a client built now would make
   * @throws UncheckedIOException if the settings file cannot be written
   */
  public ConsentStatus disableForUser() {
    try {
      userSettings.writeChoice(false);
    } catch (IOException e) {
      throw new UncheckedIOException(cannotWrite(userSettings.file(), e), e);
    }
    EventSink old = sink;
    sink = EventSink.NOOP;
    old.close(Duration.ZERO);
    outbox().clear();
    return ConsentDecider.decide(
        settings.environment, settings.projectSetting, userSettings.read(), settings.policy);
  }

  /**
   * The events waiting to be sent, oldest first, as stored; expired, corrupt and oversized entries
   * (which the next delivery drops unsent) are left out. Never throws.
   */
  public List<JsonNode> pending() {
    List<JsonNode> events = new ArrayList<>();
    for (PendingEvent e : pendingEvents()) {
      if (e.state() == PendingEvent.State.WAITING) {
        events.add(e.event());
      }
    }
    return events;
  }

  /**
   * Every entry of the outbox, oldest first, with whether it still waits to be sent. No file larger
   * than an event can be is read. Never throws.
   */
  public List<PendingEvent> pendingEvents() {
    List<PendingEvent> events = new ArrayList<>();
    Outbox outbox = outbox();
    for (Outbox.Entry e : outbox.list()) {
      JsonNode node = null;
      try {
        node = Json.MAPPER.readTree(outbox.read(e));
      } catch (NoSuchFileException sent) {
        continue; // sent meanwhile
      } catch (IOException | RuntimeException corrupt) {
        // unreadable, or too large to be read: listed as such
      }
      if (node == null || !node.isObject()) {
        events.add(new PendingEvent(e.recordedAt(), e.size(), PendingEvent.State.UNREADABLE, null));
      } else {
        PendingEvent.State state =
            outbox.expired(e) ? PendingEvent.State.EXPIRED : PendingEvent.State.WAITING;
        events.add(new PendingEvent(e.recordedAt(), e.size(), state, node));
      }
    }
    return events;
  }

  /**
   * How many entries the outbox holds, from the file names alone: no file is read, so it is cheap
   * and cannot fail on a huge or corrupt entry. Never throws.
   */
  public int pendingCount() {
    return outbox().backlog().count();
  }

  /**
   * How many waiting events were recorded for another collector than the one this client uses: they
   * are sent only by a run that uses theirs (or expire with the outbox's age bound). Never throws.
   */
  public int pendingForOtherCollectors() {
    Outbox outbox = outbox();
    return outbox.list().size() - outbox.listToSend().size();
  }

  /**
   * What a collector acknowledged (accepted or already stored), oldest first, from the bounded
   * {@code sent.jsonl}. Never throws.
   */
  public List<JsonNode> sent() {
    return new SentLog(settings.stateDirectory, settings.maxSentLogBytes).read();
  }

  /**
   * What a collector refused, oldest first, from the bounded {@code rejected.jsonl}: each {@code
   * {"reason": ..., "event": {...}}}. Never throws.
   */
  public List<JsonNode> rejected() {
    return new SentLog(settings.stateDirectory, settings.maxSentLogBytes).rejectedLog().read();
  }

  /**
   * Replaces the anonymous id with a new random one and stores it. Events recorded later, by this
   * client or by any client already running on the same state directory, carry the new id.
   *
   * @return the new id
   * @throws UncheckedIOException if it cannot be stored (the old id then stays in use)
   */
  public UUID resetId() {
    try {
      return idStore.rotate();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot store a new id in "
              + idStore.file()
              + ": "
              + StateFiles.reason(e)
              + stateProblem().map(p -> " (" + p + ")").orElse(""),
          e);
    }
  }

  /**
   * Asks the collector in use to erase every row of this installation's ids ({@code POST
   * /v1/deletion-request}, one request per id): the id in the id file, and every other id found in
   * {@code sent.jsonl} or among the waiting events (the id file may have been removed by hand, or
   * replaced by {@code reset-id}). Each request is first stored in the state directory with that
   * collector's URL, so it is never lost: if the collector does not confirm now, every later run
   * that uses the same collector sends it again (with backoff) until it does; no other server is
   * ever sent it. The pending events are removed and the id is rotated at once. An id the last
   * deletion rotated to, which has recorded nothing since, has nothing to erase: no request is
   * stored or sent for it. If a request cannot be stored it is still sent now; if the id cannot be
   * replaced the requests are still sent, and the result says so. Works whatever the consent
   * decision. Waits at most the network timeout in all. Never throws.
   */
  public DeletionResult requestDeletion() {
    UUID current = idStore.peek();
    List<UUID> ids = new ArrayList<>(knownAnonymousIds());
    boolean anyKnown = !ids.isEmpty();
    ids.removeIf(deletions::unused);
    if (ids.isEmpty()) {
      return DeletionReport.nothingToErase(current, anyKnown);
    }
    if (endpoint == null) {
      return new DeletionResult(
          DeletionResult.Outcome.FAILED,
          ids,
          null,
          null,
          "the collector URL is not valid: "
              + endpoint()
              + "; set "
              + ENDPOINT_VARIABLE
              + " (or telemetry.endpoint in jmo.yml) to the collector's URL and ask again");
    }
    Instant now = settings.clock.instant();
    String notStored = null;
    for (UUID id : ids) {
      try {
        deletions.add(id, endpointKey, now);
      } catch (IOException e) {
        notStored =
            "cannot store the deletion request in " + deletions.file() + ": " + e.getMessage();
      }
    }
    EventSink old = sink;
    sink = EventSink.NOOP; // events of this run carry an id to erase
    old.close(Duration.ZERO);
    int removed = outbox().clear();
    UUID next = null;
    String idNotReplaced = null;
    if (current != null) {
      try {
        // with its marker under one lock: a client starting meanwhile takes the old id or the
        // new one marked used, never the new one still marked unused
        next =
            stateLock.locked(
                () -> {
                  UUID rotated = idStore.rotate();
                  deletions.markUnused(rotated);
                  return rotated;
                });
      } catch (IOException e) {
        idNotReplaced = e.getMessage();
      }
    }
    long deadline = System.nanoTime() + settings.networkTimeout.toNanos();
    List<UUID> unconfirmed = new ArrayList<>();
    String error = null;
    for (UUID id : ids) {
      Duration left = Duration.ofNanos(deadline - System.nanoTime());
      if (left.isNegative() || left.isZero()) {
        unconfirmed.add(id); // stored: a later run sends it
        continue;
      }
      Uploader.DeletionAnswer answer = sendDeletion(id, left);
      if (!answer.deleted()) {
        unconfirmed.add(id);
        error = answer.error();
      }
    }
    return new DeletionReport(
            ids, unconfirmed, error, notStored, endpointKey, removed, current, next, idNotReplaced)
        .result();
  }

  /**
   * The anonymous ids of this machine that a collector may hold, without duplicates: the id file's
   * first, then every other found in {@code sent.jsonl} or among the waiting events (one the
   * collector stored may have lost its answer). Never creates an id; never throws.
   */
  public List<UUID> knownAnonymousIds() {
    Set<UUID> found = new LinkedHashSet<>();
    UUID current = idStore.peek();
    if (current != null) {
      found.add(current);
    }
    found.addAll(anonymousIds(sent()));
    found.addAll(anonymousIds(pending()));
    return List.copyOf(found);
  }

  private static Set<UUID> anonymousIds(List<JsonNode> events) {
    Set<UUID> ids = new LinkedHashSet<>();
    for (JsonNode e : events) {
      try {
        ids.add(UUID.fromString(e.path("anonymous_id").asText()));
      } catch (IllegalArgumentException notAnId) {
        // an edited or corrupt line: nothing to erase for it
      }
    }
    return ids;
  }

  /** The deletion requests waiting for the collector's confirmation, oldest first. Never throws. */
  public List<PendingDeletion> pendingDeletions() {
    List<PendingDeletion> out = new ArrayList<>();
    for (DeletionRequests.Request r : deletions.list()) {
      out.add(
          new PendingDeletion(
              r.anonymousId(),
              r.endpoint(),
              r.endpoint().equals(endpointKey),
              r.requestedAt(),
              r.attempts(),
              r.lastError()));
    }
    return out;
  }

  /**
   * Sends the stored deletion requests for the collector this client uses that are due, within
   * {@code timeout} in all; confirmed ones are removed, others are due again after a backoff.
   * Requests for another collector wait for a run that uses it. Nothing is sent in debug mode.
   * Never throws.
   *
   * @return how many the collector confirmed
   */
  public int retryPendingDeletions(Duration timeout) {
    if (debug || !Files.exists(deletions.file())) {
      return 0;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    int confirmed = 0;
    Instant now = settings.clock.instant();
    for (DeletionRequests.Request r : deletions.list()) {
      Duration left = Duration.ofNanos(deadline - System.nanoTime());
      if (left.isNegative() || left.isZero()) {
        break;
      }
      if (r.notBefore().isAfter(now) || !r.endpoint().equals(endpointKey)) {
        continue;
      }
      if (sendDeletion(r.anonymousId(), left).deleted()) {
        confirmed++;
      }
    }
    return confirmed;
  }

  private Uploader.DeletionAnswer sendDeletion(UUID id, Duration timeout) {
    Uploader.DeletionAnswer answer =
        endpoint == null
            ? new Uploader.DeletionAnswer(false, "the collector URL is not valid: " + endpoint())
            : uploader().requestDeletion(id, timeout);
    if (answer.deleted()) {
      deletions.confirmed(id, endpointKey);
    } else {
      int attempts =
          deletions.list().stream()
              .filter(r -> r.anonymousId().equals(id) && r.endpoint().equals(endpointKey))
              .mapToInt(DeletionRequests.Request::attempts)
              .findFirst()
              .orElse(0);
      deletions.failed(
          id,
          endpointKey,
          settings.clock.instant().plus(settings.backoff.delay(attempts + 1, settings.random())),
          answer.error());
    }
    return answer;
  }
}
