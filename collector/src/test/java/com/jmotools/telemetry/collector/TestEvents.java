package com.jmotools.telemetry.collector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jmotools.telemetry.catalog.EventIds;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Valid events in the wire shape, each with a fresh event_id. */
final class TestEvents {

  static final ObjectMapper JSON = new ObjectMapper();

  private TestEvents() {}

  static ObjectNode scanCompleted(UUID anonymousId, Instant time) {
    ObjectNode e = JSON.createObjectNode();
    e.put("event", "scan.completed");
    e.put("version", "0.7.0");
    e.put("platform", "Linux");
    e.put("runtime", "java-17");
    e.put("anonymous_id", anonymousId.toString());
    e.put("event_id", EventIds.newId(time).toString());
    e.put("timestamp", time.toString());
    ObjectNode m = e.putObject("metadata");
    m.put("mode", "cli");
    m.put("profile", "balanced");
    m.put("duration_bucket", "5-15min");
    m.put("tools_succeeded", 8);
    m.put("tools_failed", 0);
    m.put("total_findings_bucket", "10-100");
    return e;
  }

  static ObjectNode scanCompleted(Instant time) {
    return scanCompleted(UUID.randomUUID(), time);
  }

  /** The guide's curl test body, with a UUID as the id (the guide's "test-uuid" is not one). */
  static String guideCurlBody(UUID anonymousId) {
    return "{\n"
        + "    \"event\": \"scan.started\",\n"
        + "    \"version\": \"0.8.0\",\n"
        + "    \"platform\": \"Linux\",\n"
        + "    \"python_version\": \"3.11\",\n"
        + "    \"anonymous_id\": \""
        + anonymousId
        + "\",\n"
        + "    \"metadata\": {\"profile\": \"balanced\"},\n"
        + "    \"timestamp\": \"2025-10-19T12:00:00Z\"\n"
        + "  }";
  }

  static String array(List<ObjectNode> events) {
    return JSON.createArrayNode().addAll(events).toString();
  }
}
