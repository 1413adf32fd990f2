package com.jmotools.telemetry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.jmotools.telemetry.cli.internal.ConfigEditor;
import com.jmotools.telemetry.cli.internal.ExitCodes;
import com.jmotools.telemetry.cli.internal.JmoConfig;
import com.jmotools.telemetry.cli.internal.TelemetrySession;
import com.jmotools.telemetry.cli.internal.UserError;
import com.jmotools.telemetry.client.ConsentStatus;
import com.jmotools.telemetry.client.DeletionResult;
import com.jmotools.telemetry.client.FlushResult;
import com.jmotools.telemetry.client.Telemetry;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jmo telemetry}: see and control the anonymous usage statistics. */
@Command(name = "telemetry", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = {"See and control jmo's anonymous usage statistics.",
        "What is collected: docs/PRIVACY.md. Switch off in one step: jmo telemetry disable (or JMO_TELEMETRY_DISABLE=1)."},
    subcommands = {TelemetryCommand.Status.class, TelemetryCommand.Enable.class, TelemetryCommand.Disable.class,
        TelemetryCommand.Show.class, TelemetryCommand.ResetId.class, TelemetryCommand.Delete.class,
        TelemetryCommand.Flush.class},
    footer = ExitCodes.HELP)
final class TelemetryCommand implements Callable<Integer> {

  /** When queued events leave (TelemetrySession.SHORT_RUN and MAX_WAIT). */
  static final String WHEN_WAITING_ARE_SENT = "they leave with the next jmo run that lasts 1 s or more, with any run once"
      + " the oldest is an hour old, or now with jmo telemetry flush";

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** Shared by the subcommands: open the client with jmo.yml's settings, run, close. */
  abstract static class Sub implements Callable<Integer> {
    final CliEnvironment env;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    Sub(CliEnvironment env) {
      this.env = env;
    }

    @Override
    public final Integer call() {
      JmoConfig cfg = config.load(env);
      try (TelemetrySession session = TelemetrySession.open(env, cfg, Version.VERSION)) {
        return run(session.client(), spec.commandLine().getOut());
      }
    }

    abstract int run(Telemetry telemetry, PrintWriter out);
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Print whether telemetry is on, and which rule decided it.")
  static final class Status extends Sub {
    Status(CliEnvironment env) {
      super(env);
    }

    @Override
    int run(Telemetry t, PrintWriter out) {
      ConsentStatus s = t.status();
      out.println("telemetry: " + s.explanation());
      out.println("  rule: " + s.rule().name().toLowerCase(java.util.Locale.ROOT) + " (" + s.detail() + ")");
      out.println("  recording on this run: " + (s.recording() ? "yes" : "no"));
      out.println("  notice shown on " + s.noticeShownCount() + " of the first " + Telemetry.NOTICE_SCANS + " scans");
      out.println("  debug (JMO_TELEMETRY_DEBUG): " + (t.debug() ? "on: events are printed to stderr, nothing is sent" : "off"));
      out.println("  collector: " + t.endpoint() + (t.endpointValid() ? "" : " (not a valid URL: events wait in the outbox)"));
      out.println("  anonymous id: " + t.anonymousId().map(Object::toString).orElse("none yet"));
      out.println("  state directory: " + t.stateDirectory());
      int waiting = t.pending().size();
      out.println("  events waiting to be sent: " + waiting + (waiting == 0 ? "" : " (" + WHEN_WAITING_ARE_SENT + ")"));
      out.println("Switch off: jmo telemetry disable (or JMO_TELEMETRY_DISABLE=1). See what is sent: jmo telemetry show.");
      return ExitCodes.OK;
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true,
      description = "Switch telemetry on for this user (or, with --project, in jmo.yml).")
  static final class Enable extends Sub {
    @Option(names = "--project", description = "Write telemetry.enabled: true into jmo.yml instead of the user's settings.")
    boolean project;

    Enable(CliEnvironment env) {
      super(env);
    }

    @Override
    int run(Telemetry t, PrintWriter out) {
      return choose(t, out, true, project, config.file(env));
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true,
      description = "Switch telemetry off for this user (or, with --project, in jmo.yml); pending events are removed.")
  static final class Disable extends Sub {
    @Option(names = "--project", description = "Write telemetry.enabled: false into jmo.yml instead of the user's settings.")
    boolean project;

    Disable(CliEnvironment env) {
      super(env);
    }

    @Override
    int run(Telemetry t, PrintWriter out) {
      return choose(t, out, false, project, config.file(env));
    }
  }

  static int choose(Telemetry t, PrintWriter out, boolean on, boolean project, Path configFile) {
    if (project) {
      ConfigEditor.setTelemetryEnabled(configFile, on);
      out.println("wrote telemetry.enabled: " + on + " into " + configFile);
      if (on) {
        out.println("note: an explicit off (your own setting, JMO_TELEMETRY_DISABLE, DO_NOT_TRACK, CI) still wins");
      }
      return ExitCodes.OK;
    }
    ConsentStatus now;
    try {
      now = on ? t.enableForUser() : t.disableForUser();
    } catch (UncheckedIOException e) {
      throw new UserError(ExitCodes.ERROR, e.getMessage(), e);
    }
    out.println("telemetry " + (on ? "enabled" : "disabled") + " for this user; from now on: " + now.explanation());
    return ExitCodes.OK;
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Print the events waiting to be sent and those already sent (exactly as they left the machine).")
  static final class Show extends Sub {
    Show(CliEnvironment env) {
      super(env);
    }

    @Override
    int run(Telemetry t, PrintWriter out) {
      List<JsonNode> pending = t.pending();
      out.println("# waiting to be sent (" + pending.size() + ")" + (pending.isEmpty() ? "" : "; " + WHEN_WAITING_ARE_SENT));
      pending.forEach(out::println);
      List<JsonNode> sent = t.sent();
      out.println("# sent (" + sent.size() + ", most recent last)");
      sent.forEach(out::println);
      return ExitCodes.OK;
    }
  }

  @Command(name = "reset-id", mixinStandardHelpOptions = true, description = "Replace the anonymous id with a new random one.")
  static final class ResetId extends Sub {
    ResetId(CliEnvironment env) {
      super(env);
    }

    @Override
    int run(Telemetry t, PrintWriter out) {
      out.println("new anonymous id: " + t.resetId());
      return ExitCodes.OK;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Ask the collector to erase every event of this anonymous id, then rotate the id.")
  static final class Delete extends Sub {
    Delete(CliEnvironment env) {
      super(env);
    }

    @Override
    int run(Telemetry t, PrintWriter out) {
      DeletionResult r = t.requestDeletion();
      out.println(r.message());
      if (r.outcome() == DeletionResult.Outcome.FAILED) {
        throw new UserError(ExitCodes.ERROR, "deletion failed; nothing was changed locally: " + r.message());
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "flush", mixinStandardHelpOptions = true, description = "Deliver the events waiting in the outbox now.")
  static final class Flush extends Sub {
    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "10",
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
      out.println("delivered " + r.delivered() + ", rejected " + r.rejected() + ", dropped " + r.dropped() + ", still waiting "
          + r.remaining() + (r.error() == null ? "" : " (" + r.error() + ")")
          + r.retryAfter().map(i -> "; the collector asked to wait until " + i).orElse(""));
      return r.error() == null || r.remaining() == 0 ? ExitCodes.OK : ExitCodes.ERROR;
    }
  }
}
