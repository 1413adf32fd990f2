package com.jmotools.telemetry.collector;

import com.jmotools.telemetry.catalog.ValidatedEvent;
import java.util.Objects;

/**
 * A validated event in the column form of the {@code events} table, every value already text, so
 * that the collector's single writer does no serialising of its own.
 *
 * @param eventId the event's UUID, lower case
 * @param eventType the event's name ({@code event} on the wire)
 * @param version the sender's version
 * @param platform {@code Linux}, {@code macOS}, {@code Windows} or {@code Other}
 * @param pythonVersion such as {@code 3.11}, or {@code null}
 * @param runtime such as {@code java-17}, or {@code null}
 * @param anonymousId the installation's UUID, lower case
 * @param metadata the metadata as JSON text
 * @param timestamp the event's hour as {@code YYYY-MM-DDTHH:00:00Z}
 */
public record EventRow(
    String eventId,
    String eventType,
    String version,
    String platform,
    String pythonVersion,
    String runtime,
    String anonymousId,
    String metadata,
    String timestamp) {

  public EventRow {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(eventType, "eventType");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(anonymousId, "anonymousId");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(timestamp, "timestamp");
  }

  /**
   * The row of {@code event}, its timestamp cut to the hour.
   *
   * @throws IllegalArgumentException if the event has no {@code event_id}
   */
  public static EventRow of(ValidatedEvent event) {
    if (event.eventId() == null) {
      throw new IllegalArgumentException("an event to store needs an event_id");
    }
    return new EventRow(
        event.eventId().toString(),
        event.event(),
        event.version(),
        event.platform(),
        event.pythonVersion(),
        event.runtime(),
        event.anonymousId().toString(),
        event.metadata().toString(),
        Dialect.formatHour(event.timestamp()));
  }
}
