package com.jmotools.telemetry.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes {@code docs/PRIVACY.md} from the catalog, so the user-facing list of what is collected
 * cannot drift from what the code accepts. A test fails when the committed file differs.
 *
 * <p>Regenerate with {@code ./mvnw -q -pl catalog compile exec:java}.
 */
public final class PrivacyDocument {

  private PrivacyDocument() {}

  /** Regenerates the file named by the first argument (default {@code docs/PRIVACY.md}). */
  public static void main(String[] args) throws IOException {
    Path target = Path.of(args.length > 0 ? args[0] : "docs/PRIVACY.md");
    Files.createDirectories(target.toAbsolutePath().getParent());
    Files.writeString(target, render(Catalog.standard()), StandardCharsets.UTF_8);
    System.out.println("wrote " + target);
  }

  /** The Markdown text for {@code catalog}. */
  public static String render(Catalog catalog) {
    StringBuilder md = new StringBuilder();
    md.append("# Privacy: what JMo telemetry collects\n\n");
    md.append("<!-- Generated from the event catalog (catalog/src/main/resources")
        .append(Catalog.RESOURCE)
        .append(
            ") by PrivacyDocument; do not edit by hand: ./mvnw -q -pl catalog compile exec:java"
                + " -->\n\n");
    md.append(
            "JMo's telemetry is anonymous and opt-out. This page lists everything it can send: the"
                + " client\n")
        .append(
            "refuses to send, and the collector refuses to store, any event, field or value not"
                + " listed here.\n\n");
    md.append(
        """
        ## Switching it off

        Any one of these switches telemetry off, and no event is then recorded or sent (the one
        exception, an erasure you asked for, is below):

        - `jmo telemetry disable` (for you, on this machine), or `telemetry.enabled: false` in `jmo.yml`;
        - `JMO_TELEMETRY_DISABLE` set to any non-empty value but `0`, `false`, `no` or `off` (such as
          `1`, or even a value of spaces; only an empty value counts as not set), or `DO_NOT_TRACK=1`,
          in the environment;
        - running in CI (detected automatically);
        - a settings file (`~/.jmo-security/telemetry/settings.json`) that jmo cannot read: not valid
          JSON, a value of the wrong type, larger than 4 KiB. It may hold your "off", so it counts as off
          and is never rewritten by a scan; `jmo telemetry status` says so, and `jmo telemetry disable` or
          `enable` rewrites it.

        `jmo telemetry disable` also stops a `jmo` that is already running: before it writes an event to
        disk and before it sends, a running `jmo` looks at your settings again, and drops what it has.

        The exception: a deletion request queued by `jmo telemetry delete` that the collector has not
        confirmed yet is still sent by later `jmo` runs even while telemetry is off (by any of the
        switches above), and its file (`~/.jmo-security/telemetry/deletion-requests.json`) is updated
        with each attempt, until the collector confirms the erasure. It carries only the anonymous id
        to erase. Switching off never cancels an erasure you asked for; `jmo telemetry status` shows
        what still waits.

        An explicit "off" always wins: a `jmo.yml` in someone else's repository cannot switch on what you
        switched off, and its `enabled: true` records nothing before you have seen the notice: only your
        own `jmo telemetry enable`, or your answer in the wizard, is consent. Nothing is recorded on the
        run that first shows you the notice. `jmo telemetry show` prints what is queued, exactly what the
        collector acknowledged, and what it rejected; `JMO_TELEMETRY_DEBUG=1` prints events instead of
        sending them; `jmo telemetry delete` asks the collector to erase everything sent under your
        ids (the one in the id file and any other found in `sent.jsonl` or among the waiting events,
        such as the id of a removed id file), and keeps asking on later runs until it confirms.

        """);

    md.append(
        """
        ## Where events go, and what a request says besides them

        Events go to one collector: the one `JMO_TELEMETRY_ENDPOINT` names (your own environment), else
        the public one, `https://telemetry.jmotools.com`. A `jmo.yml` may name another
        (`telemetry.endpoint`), but it is the project's file, not yours: until you accept that collector
        with `jmo telemetry accept-collector` (kept in your own settings, never in the project), runs
        there record nothing and send nothing, to it or to any other, and say so once on stderr.
        `jmo telemetry status` names the collector in use and why. Events and deletion requests go only
        to the collector they were recorded for.

        Each request is a `POST` of JSON with these headers, and no others: `Host` (the collector's
        name), `User-Agent: jmo-telemetry` (the same for every version, platform and Java),
        `Accept: application/json`, `Content-Type: application/json`, `Content-Length`,
        `Cache-Control: no-cache` and `Pragma: no-cache` (nothing may be cached on the way), and
        `Connection: keep-alive`. No cookie, no version, no id outside the events themselves. After a
        `429` or `503` a client waits what `Retry-After` says and at least as long as its backoff (never
        under a second), and a process gives up after 6 failed tries; the next run tries again.

        """);
    md.append("## What we collect\n\n");
    md.append("In brief (the words of the notice and of the wizard's question):\n\n");
    for (BriefItem item : catalog.inBrief()) {
      md.append("- ").append(item.text()).append('\n');
    }
    md.append("\nIn detail, every event carries this envelope:\n\n");
    md.append("| field | required | what it holds |\n|---|---|---|\n");
    for (FieldSpec field : catalog.envelope().values()) {
      md.append("| `")
          .append(field.name())
          .append("` | ")
          .append(field.required() ? "yes" : "no")
          .append(" | ")
          .append(field.description())
          .append(describeValues(catalog, field))
          .append(" |\n");
    }
    md.append(
        "\nThe collector stores `timestamp` cut to the hour, and never stores or logs the"
            + " sender's IP address.\n\n");

    for (EventSpec event : catalog.events().values()) {
      md.append("### `").append(event.name()).append("`\n\n");
      md.append("When: ").append(event.when()).append("\n\n");
      md.append("| field | what it holds | allowed values |\n|---|---|---|\n");
      appendFields(md, catalog, event.fields(), "");
      md.append('\n');
    }

    md.append("### Buckets\n\n");
    for (BucketScheme scheme : catalog.buckets().values()) {
      md.append("- `").append(scheme.name()).append("` (").append(scheme.unit()).append("): ");
      long previous = -1;
      StringBuilder ranges = new StringBuilder();
      for (BucketScheme.Bucket b : scheme.buckets()) {
        if (ranges.length() > 0) {
          ranges.append("; ");
        }
        ranges.append('`').append(b.label()).append("` ");
        if (b.upper() == null) {
          ranges.append(scheme.upperInclusive() ? "above " + previous : previous + " or more");
        } else {
          ranges.append(scheme.upperInclusive() ? "up to " + b.upper() : "below " + b.upper());
          previous = b.upper();
        }
      }
      md.append(ranges).append(".\n");
    }

    md.append("\n### Tool names\n\n")
        .append("Only these names are sent; a tool you define yourself is sent as `custom`:\n")
        .append(catalog.tools().stream().map(t -> "`" + t + "`").collect(Collectors.joining(", ")))
        .append(".\n\n");

    md.append("## What we never collect\n\n");
    for (String item : catalog.neverCollected()) {
      md.append("- ").append(item).append('\n');
    }
    md.append("\n## The anonymous id\n\n")
        .append(
            "A random UUID (version 4) created once and kept in `$JMO_HOME/telemetry-id`"
                + " (default\n")
        .append(
            "`~/.jmo-security/telemetry-id`), readable by you only (on Linux and macOS). It only"
                + " tells\n")
        .append("repeated scans of one installation from those of many.\n")
        .append(
            "`jmo telemetry reset-id` replaces it (a scan already running uses the new one from"
                + " then on);\n")
        .append("`jmo telemetry delete` also has the collector erase its rows.\n")
        .append("The collector keeps rows for 400 days, then deletes them.\n");
    return md.toString();
  }

  private static void appendFields(
      StringBuilder md, Catalog catalog, Map<String, FieldSpec> fields, String prefix) {
    for (FieldSpec field : fields.values()) {
      md.append("| `")
          .append(prefix)
          .append(field.name())
          .append("` | ")
          .append(field.description())
          .append(" | ")
          .append(allowed(catalog, field))
          .append(" |\n");
      if (field.type() == FieldType.OBJECT) {
        appendFields(md, catalog, field.fields(), prefix + field.name() + ".");
      }
    }
  }

  private static String describeValues(Catalog catalog, FieldSpec field) {
    String allowed = allowed(catalog, field);
    return allowed.isEmpty() ? "" : " (" + allowed + ")";
  }

  private static String allowed(Catalog catalog, FieldSpec field) {
    String nullable = field.nullable() ? " or `null`" : "";
    switch (field.type()) {
      case ENUM -> {
        return field.values().stream().map(v -> "`" + v + "`").collect(Collectors.joining(", "))
            + nullable
            + (field.fallback() == null
                ? ""
                : "; any other value is stored as `" + field.fallback() + "`");
      }
      case RELEASE_VERSION -> {
        return "numbers such as `0.7.0`, plus at most one of "
            + ReleaseVersions.LABELS.stream()
                .map(v -> "`" + v + "`")
                .collect(Collectors.joining(", "))
            + " (with a number only after a release of two numbers); no build metadata, no other"
            + " text";
      }
      case BUCKET -> {
        return catalog.bucket(field.bucket()).labels().stream()
                .map(v -> "`" + v + "`")
                .collect(Collectors.joining(", "))
            + nullable;
      }
      case INTEGER -> {
        String range = "integer " + field.min() + " to " + field.max();
        return (field.multipleOf() == null
                ? range
                : range + ", a multiple of " + field.multipleOf())
            + nullable;
      }
      case BOOLEAN -> {
        return "`true` or `false`";
      }
      case TOOL -> {
        return "a tool name (see below)";
      }
      case LIST -> {
        return "list of at most "
            + field.maxItems()
            + (field.unique() ? " distinct" : "")
            + ": "
            + allowed(catalog, field.items());
      }
      case OBJECT -> {
        return "counts, below";
      }
      case TOOL_COUNTS -> {
        return "optional; per tool name (see below), an integer "
            + field.min()
            + " to "
            + field.max();
      }
      case UUID -> {
        return "a UUID";
      }
      case TIMESTAMP -> {
        return "ISO-8601 date-time";
      }
      case STRING -> {
        return "at most " + field.maxLength() + " characters";
      }
      case EVENT_NAME -> {
        return catalog.events().keySet().stream()
            .map(v -> "`" + v + "`")
            .collect(Collectors.joining(", "));
      }
      default -> {
        return "";
      }
    }
  }
}
