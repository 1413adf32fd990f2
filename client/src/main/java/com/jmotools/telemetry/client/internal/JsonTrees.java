package com.jmotools.telemetry.client.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jmotools.telemetry.catalog.ValidatedEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * Builds JSON trees for {@code record()} directly, without Jackson's data binding (which goes
 * through a token buffer), to keep the caller's cost low (see the record benchmark in
 * bench/README.md).
 */
public final class JsonTrees {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final int MAX_DEPTH = 8;
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonTrees() {}

  /**
   * The tree of a host's metadata map: maps, iterables, arrays of objects, strings, numbers,
   * booleans, enums (by name) and nulls.
   *
   * @throws IllegalArgumentException for any other value, or nesting deeper than {@value
   *     #MAX_DEPTH}
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
    if (v instanceof String string) {
      return F.textNode(string);
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return F.numberNode(((Number) v).intValue());
    }
    if (v instanceof Long l) {
      return F.numberNode(l);
    }
    if (v instanceof Boolean b) {
      return F.booleanNode(b);
    }
    if (v instanceof Double || v instanceof Float) {
      return F.numberNode(((Number) v).doubleValue());
    }
    if (v instanceof BigInteger bigInteger) {
      return F.numberNode(bigInteger);
    }
    if (v instanceof BigDecimal bigDecimal) {
      return F.numberNode(bigDecimal);
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
    if (v instanceof Object[] array) {
      ArrayNode a = F.arrayNode();
      for (Object item : array) {
        a.add(value(item, depth + 1));
      }
      return a;
    }
    if (v instanceof JsonNode jsonNode) {
      return jsonNode.deepCopy();
    }
    throw new IllegalArgumentException("a metadata value of an unsupported type");
  }

  /**
   * Serialises a tree with Jackson's streaming generator only. {@code JsonNode.toString()} would
   * initialise Jackson's data binding, which the uploader thread may be doing at that very moment
   * (loading the catalog): the caller would wait for it on a class-initialisation lock, and this
   * runs in {@code close()}.
   */
  public static byte[] toBytes(JsonNode node) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      write(g, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void write(JsonGenerator g, JsonNode n) throws IOException {
    if (n == null || n.isNull() || n.isMissingNode()) {
      g.writeNull();
    } else if (n.isObject()) {
      g.writeStartObject();
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        g.writeFieldName(e.getKey());
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (n.isArray()) {
      g.writeStartArray();
      for (JsonNode item : n) {
        write(g, item);
      }
      g.writeEndArray();
    } else if (n.isTextual()) {
      g.writeString(n.textValue());
    } else if (n.isBoolean()) {
      g.writeBoolean(n.booleanValue());
    } else if (n.isInt()) {
      g.writeNumber(n.intValue());
    } else if (n.isLong()) {
      g.writeNumber(n.longValue());
    } else if (n.isIntegralNumber()) {
      g.writeNumber(n.bigIntegerValue());
    } else if (n.isDouble() || n.isFloat()) {
      g.writeNumber(n.doubleValue()); // as data binding writes them
    } else if (n.isNumber()) {
      g.writeNumber(n.decimalValue());
    } else {
      g.writeString(n.asText());
    }
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
