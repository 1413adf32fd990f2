package com.jmotools.telemetry.catalog;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An event that the catalog allows, normalised: platform aliases resolved, ids lower-case, the
 * timestamp in UTC, and the metadata rebuilt from the catalog's fields only (in catalog order), so
 * nothing the catalog does not name can pass through.
 *
 * @param event the event's name
 * @param version the sender's version string
 * @param platform {@code Linux}, {@code macOS}, {@code Windows} or {@code Other}
 * @param runtime such as {@code java-17}, or {@code null}
 * @param pythonVersion such as {@code 3.11}, or {@code null}
 * @param anonymousId the installation's random id
 * @param eventId the event's id, or {@code null} when the sender gave none
 * @param timestamp when the event happened, as sent
 * @param metadata the event's fields
 */
public record ValidatedEvent(
    String event,
    String version,
    String platform,
    String runtime,
    String pythonVersion,
    UUID anonymousId,
    UUID eventId,
    Instant timestamp,
    ObjectNode metadata) {

  public ValidatedEvent {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(anonymousId, "anonymousId");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(metadata, "metadata");
  }

  /** The same event with another id, for senders that gave none. */
  public ValidatedEvent withEventId(UUID id) {
    return new ValidatedEvent(
        event, version, platform, runtime, pythonVersion, anonymousId, id, timestamp, metadata);
  }

  /** The same event with another anonymous id, such as the keyed one a collector stores. */
  public ValidatedEvent withAnonymousId(UUID id) {
    return new ValidatedEvent(
        event, version, platform, runtime, pythonVersion, id, eventId, timestamp, metadata);
  }

  /** The same event with another timestamp, such as the hour it falls in. */
  public ValidatedEvent withTimestamp(Instant time) {
    return new ValidatedEvent(
        event, version, platform, runtime, pythonVersion, anonymousId, eventId, time, metadata);
  }

  /** The event in the wire shape of the catalog (the guide's event shape plus our fields). */
  public ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("event", event);
    node.put("version", version);
    node.put("platform", platform);
    if (runtime != null) {
      node.put("runtime", runtime);
    }
    if (pythonVersion != null) {
      node.put("python_version", pythonVersion);
    }
    node.put("anonymous_id", anonymousId.toString());
    if (eventId != null) {
      node.put("event_id", eventId.toString());
    }
    node.put("timestamp", timestamp.toString());
    node.set("metadata", metadata.deepCopy());
    return node;
  }
}
