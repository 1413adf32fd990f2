package com.jmotools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.jmotools.cli.internal.ConfigEditor;
import com.jmotools.cli.internal.ExitCodes;
import com.jmotools.cli.internal.JmoConfig;
import com.jmotools.cli.internal.StateVolume;
import com.jmotools.cli.internal.TelemetrySession;
import com.jmotools.cli.internal.UserError;
import com.jmotools.telemetry.client.ConsentStatus;
import com.jmotools.telemetry.client.DeletionResult;
import com.jmotools.telemetry.client.FlushResult;
import com.jmotools.telemetry.client.PendingDeletion;
import com.jmotools.telemetry.client.PendingEvent;
import com.jmotools.telemetry.client.Telemetry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jmo telemetry}: see and control the anonymous usage statistics. */
@Command(
    name = "telemetry",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "See and control jmo's anonymous usage statistics.",
      "What is collected: docs/PRIVACY.md. Switch off in one step: jmo telemetry disable (or"
          + " JMO_TELEMETRY_DISABLE=1)."
    },
    subcommands = {
      TelemetryCommand.Status.class,
      TelemetryCommand.Enable.class,
      TelemetryCommand.Disable.class,
      TelemetryCommand.AcceptCollector.class,
      TelemetryCommand.Show.class,
      TelemetryCommand.ResetId.class,
      TelemetryCommand.Delete.class,
      TelemetryCommand.Flush.class
    },
    footer = ExitCodes.TELEMETRY_HELP)
final class TelemetryCommand implements Callable<Integer> {

  /** When queued events leave (TelemetrySession.SHORT_RUN and MAX_WAIT). */
  static final String WHEN_WAITING_ARE_SENT =
      "they leave with the next jmo run that lasts 1 s or more, with any run once"
          + " the oldest is an hour old, or now with jmo telemetry flush";

  /**
   * What happens to queued events while telemetry is off where jmo runs (not by the user's act).
   */
  static final String WHILE_OFF_WAITING_ARE_KEPT =
      "recorded earlier; no run sends them while telemetry is off here: they leave with a run where"
          + " it is on; jmo telemetry disable removes them";

  /** How to make a state directory this user cannot write theirs again (%s: the directory). */
  static final String MAKE_WRITABLE =
      "make it writable again (if sudo jmo made it root's: sudo chown -R \"$USER\" %s)";

  /** The same, or switch off without it (%s: the directory). */
  static final String WAY_OUT_OF_UNWRITABLE_STATE =
      MAKE_WRITABLE + ", or set JMO_TELEMETRY_DISABLE=1";

  /**
   * The user's choice could not be stored: the reason, and the way out (for an off, the variable
   * works whatever the state directory).
   */
  static UserError choiceNotStored(Telemetry t, UncheckedIOException e, boolean on) {
    return new UserError(
        ExitCodes.ERROR,
        e.getMessage()
            + "; "
            + (on ? MAKE_WRITABLE : WAY_OUT_OF_UNWRITABLE_STATE).formatted(t.stateDirectory()),
        e);
  }

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /**
   * Shared by the subcommands: read jmo.yml's telemetry settings, open an administration client,
   * run, close.
   */
  abstract static class Sub implements Callable<Integer> {
    final CliEnvironment env;

    @Spec CommandSpec spec;

    @Mixin ConfigOption config;

    Sub(CliEnvironment env) {
      this.env = env;
    }

    @Override
    public final Integer call() {
      JmoConfig cfg = loadOrWarn();
      // an administration client: it never records, so looking never creates the anonymous id
      try (Telemetry telemetry = TelemetrySession.administrationClient(env, cfg, Version.VERSION)) {
        return run(telemetry, spec.commandLine().getOut());
      }
    }

    /**
     * jmo.yml, or the defaults with a warning when it is broken: switching off, looking at the
     * status or at what was sent must never depend on fixing someone else's file (scans still
     * refuse it).
     */
    private JmoConfig loadOrWarn() {
      try {
        return config.load(env);
      } catch (UserError e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(
            "jmo: warning: "
                + e.getMessage()
                + " (ignored here; scans refuse the file until it is fixed)");
        err.flush();
        return JmoConfig.defaults();
      }
    }

    abstract int run(Telemetry telemetry, PrintWriter out);
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Print whether telemetry is on, which rule decided it, whether the notice was shown, and"
              + " what waits.")
  static final class Status extends Sub {
    Status(CliEnvironment env) {
      super(env);
    }

    @Override
    int run(Telemetry t, PrintWriter out) {
      ConsentStatus s = t.status();
      out.println("telemetry: " + s.explanation());
      out.println("  rule: " + s.rule().name().toLowerCase(Locale.ROOT) + " (" + s.detail() + ")");
      Optional<String> unwritable = t.stateProblem();
      if (s.enabled() && unwritable.isPresent()) {
        out.println(
            "  recording on this run: no: "
                + unwritable.get()
                + ", so nothing is recorded and the notice cannot be counted; "
                + WAY_OUT_OF_UNWRITABLE_STATE.formatted(t.stateDirectory()));
      } else {
        out.println(
            "  recording on this run: "
                + (!s.recording()
                    ? "no"
                    : t.unacceptedProjectCollector().isPresent()
                        ? "no (this project's collector is not accepted, see below)"
                        : "yes"));
      }
      out.println(
          "  notice: shown on "
              + s.noticeShownCount()
              + " of the first "
              + Telemetry.NOTICE_SCANS
              + " scans; "
              + noticeRole(s));
      out.println(
          "  debug (JMO_TELEMETRY_DEBUG): "
              + (t.debug() ? "on: events are printed to stderr, nothing is sent" : "off"));
      out.println(
          "  collector: "
              + t.endpoint()
              + " ("
              + collectorWhy(t)
              + ")"
              + (t.endpointValid() ? "" : " (not a valid URL: events wait in the outbox)"));
      t.unacceptedProjectCollector()
          .ifPresent(
              other ->
                  out.println(
                      "  not accepted: "
                          + t.projectFile()
                          + " names the collector "
                          + other
                          + ", which you have not accepted, so runs here record nothing and send"
                          + " nothing; to send there: jmo telemetry accept-collector"));
      out.println(
          "  anonymous id: "
              + t.anonymousId()
                  .map(Object::toString)
                  .orElse("none yet (made when something is first recorded)"));
      out.println(
          "  state directory: "
              + t.stateDirectory()
              + unwritable.map(p -> " (not writable: " + p + ")").orElse(""));
      int waiting = t.pendingCount(); // names only: a huge or corrupt entry is never read here
      out.println(
          "  events waiting to be sent: "
              + waiting
              + (waiting == 0
                  ? ""
                  : " ("
                      + (s.enabled() ? WHEN_WAITING_ARE_SENT : WHILE_OFF_WAITING_ARE_KEPT)
                      + ")"));
      for (PendingDeletion d : t.pendingDeletions()) {
        out.println(
            "  pending deletion: the events of "
                + d.anonymousId()
                + ", asked "
                + d.requestedAt()
                + ", not confirmed after "
                + d.attempts()
                + " attempt(s)"
                + (d.lastError() == null ? "" : " (last: " + d.lastError() + ")")
                + (d.forThisCollector()
                    ? "; every jmo run sends it again to " + d.collector() + " until it confirms"
                    : "; it is for "
                        + d.collector()
                        + " and waits for a jmo run that uses that collector (no other is"
                        + " sent it)"));
      }
      int elsewhere = t.pendingForOtherCollectors();
      if (elsewhere > 0) {
        out.println(
            "  events recorded for another collector: "
                + elsewhere
                + " (sent only by a jmo run that uses their collector)");
      }
      containerNote(t).ifPresent(note -> out.println("  container: " + note));
      out.println(
          "Switch off: jmo telemetry disable (or JMO_TELEMETRY_DISABLE=1). See what is sent: jmo"
              + " telemetry show.");
      return ExitCodes.OK;
    }

    private static String collectorWhy(Telemetry t) {
      return switch (t.collectorSource()) {
        case VARIABLE -> "from " + Telemetry.ENDPOINT_VARIABLE;
        case PROJECT -> "from " + t.projectFile() + ", a collector you accepted";
        case DEFAULT ->
            "the default: neither "
                + Telemetry.ENDPOINT_VARIABLE
                + " nor an accepted jmo.yml names another";
      };
    }

    private static String noticeRole(ConsentStatus s) {
      if (!s.enabled()) {
        return "not needed while telemetry is off";
      }
      if (!s.waitsForNotice()) {
        return "not needed: you switched telemetry on yourself";
      }
      return s.noticeShownCount() > 0
          ? "seen, so runs record"
          : "not seen yet, so nothing is recorded until a scan has shown it";
    }

    /** What a container means for the state, when this runs in one. */
    private Optional<String> containerNote(Telemetry t) {
      if (!t.inContainer()) {
        return Optional.empty();
      }
      String which =
          t.inDocker()
              ? "the JMo image (DOCKER_CONTAINER is set; scans are mode docker)"
              : "a container that is not the JMo image (/.dockerenv; scans are mode cli)";
      Optional<Boolean> mounted =
          StateVolume.isOnMountedVolume(t.stateDirectory(), StateVolume.MOUNTINFO);
      if (mounted.orElse(false)) {
        return Optional.of(
            which
                + "; the state directory is on a mounted volume, so the id and the notice persist");
      }
      return Optional.of(
          which
              + "; the state directory "
              + (mounted.isPresent() ? "is" : "may be")
              + " inside the container: one started with docker run --rm starts with fresh state"
              + " every time, so the notice is always new and nothing is ever recorded. Mount a"
              + " volume at "
              + t.stateDirectory()
              + " to keep the id and the notice (docs/USER_GUIDE.md)");
    }
  }

  @Command(
      name = "enable",
      mixinStandardHelpOptions = true,
      description = "Switch telemetry on for this user (or, with --project, in jmo.yml).")
  static final class Enable extends Sub {
    @Option(
        names = "--project",
        description = "Write telemetry.enabled: true into jmo.yml instead of the user's settings.")
    boolean project;

    Enable(CliEnvironment env) {
      super(env);
    }

    @Override
    int run(Telemetry t, PrintWriter out) {
      return choose(t, out, true, project, config.file(env));
    }
  }

  @Command(
      name = "accept-collector",
      mixinStandardHelpOptions = true,
      description = {
        "Let the collector that this project's jmo.yml names (telemetry.endpoint) receive your"
            + " events.",
        "A jmo.yml is someone else's file: until you accept the collector it names, runs there"
            + " record nothing and send nothing (jmo telemetry status says so). Your acceptance is"
            + " kept in your own settings, never in the project, and covers that collector only;"
            + " JMO_TELEMETRY_ENDPOINT, your own, needs none and wins over jmo.yml. The consent"
            + " rules still decide whether anything is recorded at all."
      })
  static final class AcceptCollector extends Sub {
    AcceptCollector(CliEnvironment env) {
      super(env);
    }

    @Override
    int run(Telemetry t, PrintWriter out) {
      String accepted;
      try {
        accepted = t.acceptProjectCollector();
      } catch (IllegalStateException e) {
        throw new UserError(ExitCodes.USAGE, e.getMessage(), e);
      } catch (UncheckedIOException e) {
        throw new UserError(ExitCodes.ERROR, e.getMessage(), e);
      }
      out.println(
          "accepted the collector "
              + accepted
              + " (kept in "
              + t.userSettingsFile()
              + "): from the next run, runs whose jmo.yml names it send your events there"
              + (t.collectorSource() == com.jmotools.telemetry.client.CollectorSource.VARIABLE
                  ? "; here " + Telemetry.ENDPOINT_VARIABLE + " still wins"
                  : ""));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "disable",
      mixinStandardHelpOptions = true,
      description = {
        "Switch telemetry off for this user and remove the events waiting to be sent.",
        "With --project, only this project's later runs record and send nothing: it writes"
            + " telemetry.enabled: false into jmo.yml, and the events already waiting (recorded"
            + " with your consent) are kept, to leave with a run where telemetry is on.",
        "On a terminal it asks whether to also erase what was already sent; --erase does so without"
            + " asking."
      })
  static final class Disable extends Sub {
    @Option(
        names = "--project",
        description =
            "Write telemetry.enabled: false into jmo.yml instead of the user's settings; the"
                + " events already waiting are kept.")
    boolean project;

    @Option(
        names = "--erase",
        description =
            "Also ask the collector to erase every event already sent from this machine"
                + " (as jmo telemetry delete), without asking.")
    boolean erase;

    Disable(CliEnvironment env) {
      super(env);
    }

    @Override
    int run(Telemetry t, PrintWriter out) {
      // before the outbox is cleared: an id found only among the waiting events may be stored at
      // the collector (an answer lost on the way back)
      boolean sentSomething = !t.knownAnonymousIds().isEmpty(); // no id anywhere: nothing sent
      int code = choose(t, out, false, project, config.file(env));
      boolean eraseNow =
          erase
              || (sentSomething
                  && env.terminal()
                  && askYesNo(
                      out,
                      "Also ask the collector to erase the events already sent from this machine?"
                          + " [y/N]: "));
      if (eraseNow) {
        return deletion(t, out);
      }
      if (sentSomething) {
        out.println(
            "what was already sent stays at the collector; to erase it: jmo telemetry delete");
      }
      return code;
    }

    private boolean askYesNo(PrintWriter out, String question) {
      out.print(question);
      out.flush();
      try {
        String line =
            new BufferedReader(new InputStreamReader(env.in(), StandardCharsets.UTF_8)).readLine();
        if (line == null) {
          out.println();
        }
        return line != null && Set.of("y", "yes").contains(line.trim().toLowerCase(Locale.ROOT));
      } catch (IOException e) {
        return false;
      }
    }
  }

  static int choose(Telemetry t, PrintWriter out, boolean on, boolean project, Path configFile) {
    if (project) {
      // the project's own setting: its later runs record nothing; what the user's consent recorded
      // earlier (from any project: events carry no path) is theirs to remove, with plain disable
      ConfigEditor.setTelemetryEnabled(configFile, on);
      out.println("wrote telemetry.enabled: " + on + " into " + configFile);
      if (on) {
        out.println(
            "note: an explicit off (your own setting, JMO_TELEMETRY_DISABLE, DO_NOT_TRACK, CI)"
                + " still wins, and a project's on records for a user only once they have seen the"
                + " notice");
      } else {
        int waiting = t.pendingCount();
        if (waiting > 0) {
          out.println(
              "note: the "
                  + waiting
                  + " event(s) recorded earlier still wait; runs here no longer send them, a run"
                  + " where telemetry is on does; to remove them: jmo telemetry disable");
        }
      }
      return ExitCodes.OK;
    }
    ConsentStatus now;
    // names only, never a file's content: counting cannot fail before the choice is stored
    int dropped = on ? 0 : t.pendingCount();
    try {
      now = on ? t.enableForUser() : t.disableForUser();
    } catch (UncheckedIOException e) {
      throw choiceNotStored(t, e, on);
    }
    out.println(
        "telemetry "
            + (on ? "enabled" : "disabled")
            + " for this user"
            + (dropped == 0 ? "" : "; removed the " + dropped + " event(s) waiting to be sent")
            + "; from now on: "
            + now.explanation());
    return ExitCodes.OK;
  }

  /**
   * Asks for the erasure of this machine's ids; exits 0 once the collector confirmed or the
   * requests are stored, 5 when they could be neither, or when the id could not be replaced (the
   * erasure is still asked for: it is what the user wanted most).
   */
  static int deletion(Telemetry t, PrintWriter out) {
    DeletionResult r = t.requestDeletion();
    out.println(r.message());
    out.flush();
    if (r.outcome() == DeletionResult.Outcome.FAILED) {
      throw new UserError(
          ExitCodes.ERROR,
          "the deletion request could not be stored in the state directory and the collector did"
              + " not confirm it; make "
              + t.stateDirectory()
              + " writable and run jmo telemetry delete again");
    }
    if (r.idNotReplaced() != null) {
      throw new UserError(
          ExitCodes.ERROR,
          "the anonymous id could not be replaced ("
              + r.idNotReplaced()
              + "); make "
              + t.stateDirectory()
              + " writable and run jmo telemetry reset-id");
    }
    return ExitCodes.OK;
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Print the events waiting to be sent, those the collector acknowledged, and those it"
            + " rejected.",
        "Acknowledged events are shown exactly as they left the machine, rejected ones with the"
            + " collector's reason; expired or unreadable entries of the outbox, which the next"
            + " delivery drops unsent, are listed apart."
      })
  static final class Show extends Sub {
    Show(CliEnvironment env) {
      super(env);
    }

    @Override
    int run(Telemetry t, PrintWriter out) {
      List<PendingEvent> entries = t.pendingEvents();
      List<JsonNode> pending = events(entries, PendingEvent.State.WAITING);
      out.println(
          "# waiting to be sent ("
              + pending.size()
              + ")"
              + (pending.isEmpty() ? "" : "; " + WHEN_WAITING_ARE_SENT));
      pending.forEach(out::println);
      List<JsonNode> expired = events(entries, PendingEvent.State.EXPIRED);
      if (!expired.isEmpty()) {
        out.println(
            "# expired ("
                + expired.size()
                + ", recorded more than "
                + Telemetry.DEFAULT_MAX_OUTBOX_AGE_DAYS
                + " days ago; the next delivery drops them unsent)");
        expired.forEach(out::println);
      }
      List<PendingEvent> unreadable =
          entries.stream().filter(e -> e.state() == PendingEvent.State.UNREADABLE).toList();
      if (!unreadable.isEmpty()) {
        out.println(
            "# unreadable ("
                + unreadable.size()
                + ", corrupt or larger than an event can be; the next delivery drops them unsent)");
        unreadable.forEach(
            e -> out.println("recorded " + e.recordedAt() + ", " + e.bytes() + " bytes"));
      }
      List<JsonNode> delivered = t.sent();
      out.println(
          "# delivered ("
              + delivered.size()
              + ", acknowledged by the collector, most recent last)");
      delivered.forEach(out::println);
      List<JsonNode> rejected = t.rejected();
      out.println(
          "# rejected by the collector ("
              + rejected.size()
              + ", with its reason, most recent last; not sent again)");
      rejected.forEach(out::println);
      return ExitCodes.OK;
    }
  }

  private static List<JsonNode> events(List<PendingEvent> entries, PendingEvent.State state) {
    return entries.stream().filter(e -> e.state() == state).map(PendingEvent::event).toList();
  }

  @Command(
      name = "reset-id",
      mixinStandardHelpOptions = true,
      description = "Replace the anonymous id with a new random one.")
  static final class ResetId extends Sub {
    ResetId(CliEnvironment env) {
      super(env);
    }

    @Override
    int run(Telemetry t, PrintWriter out) {
      try {
        out.println("new anonymous id: " + t.resetId());
      } catch (UncheckedIOException e) {
        throw new UserError(
            ExitCodes.ERROR,
            e.getMessage()
                + t.anonymousId().map(id -> "; the anonymous id stays " + id).orElse("")
                + "; make "
                + t.stateDirectory()
                + " writable to replace it",
            e);
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = {
        "Ask the collector to erase every event of this machine's anonymous ids, and rotate the"
            + " id.",
        "The ids are the id file's and any other in sent.jsonl or among the waiting events; the"
            + " waiting events are removed. Each request is stored first: if the collector does not"
            + " confirm now, every later jmo run that uses the same collector sends it again until"
            + " it does (jmo telemetry status shows it). Exits 0 once they are confirmed or stored."
      })
  static final class Delete extends Sub {
    Delete(CliEnvironment env) {
      super(env);
    }

    @Override
    int run(Telemetry t, PrintWriter out) {
      return deletion(t, out);
    }
  }

  /** An upload failure in words: the client's reasons are short codes for its counters. */
  static String describe(String reason) {
    if (reason.startsWith("http_")) {
      return "the server answered HTTP "
          + reason.substring(5)
          + ", not a collector's answer for each event"
          + " (a proxy, a redirect?); the events stay queued";
    }
    return switch (reason) {
      case "network" -> "cannot reach the collector; the events stay queued";
      case "timeout" -> "the collector did not answer in time; the events stay queued";
      case "not_a_collector_answer" ->
          "the answer was not a collector's (not JSON: a captive portal or proxy page?); the events"
              + " stay queued";
      case "bad_answer" -> "the answer could not be read as a collector's; the events stay queued";
      default -> reason;
    };
  }

  @Command(
      name = "flush",
      mixinStandardHelpOptions = true,
      description = "Deliver the events waiting in the outbox now.")
  static final class Flush extends Sub {
    @Option(
        names = "--wait",
        paramLabel = "SECONDS",
        defaultValue = "10",
        description = "Wait at most this long (default: ${DEFAULT-VALUE} s).")
    long waitSeconds;

    Flush(CliEnvironment env) {
      super(env);
    }

    @Override
    int run(Telemetry t, PrintWriter out) {
      if (waitSeconds < 1 || waitSeconds > 600) {
        throw new UserError(ExitCodes.USAGE, "--wait must be from 1 to 600 seconds");
      }
      FlushResult r = t.flushNow(Duration.ofSeconds(waitSeconds));
      out.println(
          "delivered "
              + r.delivered()
              + ", rejected "
              + r.rejected()
              + ", dropped "
              + r.dropped()
              + ", still waiting "
              + r.remaining()
              + r.retryAfter()
                  .map(
                      i -> " (the collector asked to wait until " + i + "; the events stay queued)")
                  .orElse(r.error() == null ? "" : " (" + describe(r.error()) + ")"));
      int elsewhere = t.pendingForOtherCollectors();
      if (elsewhere > 0) {
        out.println(
            elsewhere
                + " event(s) recorded for another collector than "
                + t.endpoint()
                + " wait for a jmo run that uses theirs");
      }
      return r.error() == null || r.remaining() == 0 ? ExitCodes.OK : ExitCodes.ERROR;
    }
  }
}
