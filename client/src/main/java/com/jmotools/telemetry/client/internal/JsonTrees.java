package com.jmotools.telemetry.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jmotools.telemetry.catalog.ValidatedEvent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * Builds JSON trees for {@code record()} directly, without Jackson's data binding (which goes
 * through a token buffer), to keep the caller's cost low (see the record benchmark in bench/README.md).
 */
public final class JsonTrees {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final int MAX_DEPTH = 8;

  private JsonTrees() {}

  /**
   * The tree of a host's metadata map: maps, iterables, arrays of objects, strings, numbers,
   * booleans, enums (by name) and nulls.
   *
   * @throws IllegalArgumentException for any other value, or nesting deeper than {@value #MAX_DEPTH}
   */
  public static ObjectNode of(Map<?, ?> map) {
    return object(map, 0);
  }

  private static ObjectNode object(Map<?, ?> map, int depth) {
    ObjectNode node = F.objectNode();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String)) {
        throw new IllegalArgumentException("a metadata key is not a string");
      }
      node.set((String) e.getKey(), value(e.getValue(), depth + 1));
    }
    return node;
  }

  private static JsonNode value(Object v, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("metadata nested too deeply");
    }
    if (v == null) {
      return F.nullNode();
    }
    if (v instanceof String) {
      return F.textNode((String) v);
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return F.numberNode(((Number) v).intValue());
    }
    if (v instanceof Long) {
      return F.numberNode((Long) v);
    }
    if (v instanceof Boolean) {
      return F.booleanNode((Boolean) v);
    }
    if (v instanceof Double || v instanceof Float) {
      return F.numberNode(((Number) v).doubleValue());
    }
    if (v instanceof BigInteger) {
      return F.numberNode((BigInteger) v);
    }
    if (v instanceof BigDecimal) {
      return F.numberNode((BigDecimal) v);
    }
    if (v instanceof Enum) {
      return F.textNode(((Enum<?>) v).name());
    }
    if (v instanceof Map) {
      return object((Map<?, ?>) v, depth);
    }
    if (v instanceof Iterable) {
      ArrayNode a = F.arrayNode();
      for (Object item : (Iterable<?>) v) {
        a.add(value(item, depth + 1));
      }
      return a;
    }
    if (v instanceof Object[]) {
      ArrayNode a = F.arrayNode();
      for (Object item : (Object[]) v) {
        a.add(value(item, depth + 1));
      }
      return a;
    }
    if (v instanceof JsonNode) {
      return ((JsonNode) v).deepCopy();
    }
    throw new IllegalArgumentException("a metadata value of an unsupported type");
  }

  /**
   * The wire shape of a validated event, as {@link ValidatedEvent#toJson()} but sharing the
   * validator's freshly built metadata instead of copying it.
   */
  public static ObjectNode wire(ValidatedEvent e) {
    ObjectNode node = F.objectNode();
    node.put("event", e.event());
    node.put("version", e.version());
    node.put("platform", e.platform());
    if (e.runtime() != null) {
      node.put("runtime", e.runtime());
    }
    if (e.pythonVersion() != null) {
      node.put("python_version", e.pythonVersion());
    }
    node.put("anonymous_id", e.anonymousId().toString());
    if (e.eventId() != null) {
      node.put("event_id", e.eventId().toString());
    }
    node.put("timestamp", e.timestamp().toString());
    node.set("metadata", e.metadata());
    return node;
  }
}
