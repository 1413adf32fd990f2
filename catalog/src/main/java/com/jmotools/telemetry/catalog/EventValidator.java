package com.jmotools.telemetry.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Checks an event against the catalog; the client and the collector both use it, so what one
 * accepts the other accepts too.
 *
 * <p>An event is refused, with a {@link Problem} naming the field, when it has a field the catalog
 * does not know, a value of the wrong type, outside its enum, bucket labels or range, or a tool
 * name the catalog does not list. Messages never quote the refused value: it may be the very data
 * the catalog keeps out.
 */
public final class EventValidator {

  /** How strictly absent fields are treated. */
  public enum Presence {
    /**
     * Every metadata field of the event must be present (nullable ones may be {@code null}). Our
     * client sends complete events.
     */
    COMPLETE,
    /**
     * Metadata fields may be absent. The guide's Python clients and its {@code curl} test send
     * partial metadata; what they do send is checked as strictly.
     */
    PARTIAL
  }

  private static final int MAX_TIMESTAMP_LENGTH = 40;
  private static final int MAX_ECHOED_NAME = 64;

  private final Catalog catalog;
  private final Presence presence;

  private EventValidator(Catalog catalog, Presence presence) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.presence = Objects.requireNonNull(presence, "presence");
  }

  /** A validator for {@code catalog} with the given treatment of absent metadata fields. */
  public static EventValidator of(Catalog catalog, Presence presence) {
    return new EventValidator(catalog, presence);
  }

  /** Validates one event (a JSON object in the wire shape). Never throws on bad input. */
  public ValidationResult validate(JsonNode node) {
    try {
      return ValidationResult.valid(check(node));
    } catch (Refusal r) {
      return ValidationResult.invalid(r.problem);
    }
  }

  private ValidatedEvent check(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw refuse(Problem.Code.MALFORMED, "", "an event must be a JSON object");
    }
    Map<String, FieldSpec> envelope = catalog.envelope();
    rejectUnknownFields(node, envelope, "");
    for (FieldSpec field : envelope.values()) {
      JsonNode value = node.get(field.name());
      if (field.required() && (value == null || value.isNull())) {
        throw refuse(Problem.Code.MISSING_FIELD, field.name(), "is required");
      }
    }

    String eventName = text(node.get("event"), "event");
    EventSpec spec =
        catalog
            .event(eventName)
            .orElseThrow(
                () ->
                    refuse(
                        Problem.Code.UNKNOWN_EVENT,
                        "event",
                        "must be one of " + String.join(", ", catalog.events().keySet())));

    String version = checkReleaseVersion(node.get("version"), "version");
    String platform = checkEnum(node.get("platform"), envelope.get("platform"), "platform");
    String runtime = optionalString(node, envelope.get("runtime"));
    String pythonVersion = optionalString(node, envelope.get("python_version"));
    UUID anonymousId = checkUuid(node.get("anonymous_id"), "anonymous_id");
    JsonNode eventIdNode = node.get("event_id");
    UUID eventId =
        eventIdNode == null || eventIdNode.isNull() ? null : checkUuid(eventIdNode, "event_id");
    Instant timestamp = checkTimestamp(node.get("timestamp"), "timestamp");

    JsonNode metadata = node.get("metadata");
    if (!metadata.isObject()) {
      throw refuse(Problem.Code.WRONG_TYPE, "metadata", "must be a JSON object");
    }
    ObjectNode normalised = checkObject(metadata, spec.fields(), "metadata");
    return new ValidatedEvent(
        eventName,
        version,
        platform,
        runtime,
        pythonVersion,
        anonymousId,
        eventId,
        timestamp,
        normalised);
  }

  private ObjectNode checkObject(JsonNode object, Map<String, FieldSpec> fields, String path) {
    rejectUnknownFields(object, fields, path + ".");
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (FieldSpec field : fields.values()) {
      String fieldPath = path + "." + field.name();
      JsonNode value = object.get(field.name());
      if (value == null) {
        // A field added in a later catalog version is optional: events of earlier clients stay
        // valid.
        if (presence == Presence.COMPLETE && field.required()) {
          throw refuse(Problem.Code.MISSING_FIELD, fieldPath, "is required");
        }
        continue;
      }
      out.set(field.name(), checkValue(value, field, fieldPath));
    }
    return out;
  }

  private JsonNode checkValue(JsonNode value, FieldSpec field, String path) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (value.isNull()) {
      if (field.nullable()) {
        return f.nullNode();
      }
      throw refuse(Problem.Code.WRONG_TYPE, path, "must not be null");
    }
    switch (field.type()) {
      case ENUM -> {
        return f.textNode(checkEnum(value, field, path));
      }
      case STRING -> {
        return f.textNode(checkString(value, field, path));
      }
      case RELEASE_VERSION -> {
        return f.textNode(checkReleaseVersion(value, path));
      }
      case UUID -> {
        return f.textNode(checkUuid(value, path).toString());
      }
      case TIMESTAMP -> {
        return f.textNode(checkTimestamp(value, path).toString());
      }
      case BOOLEAN -> {
        if (!value.isBoolean()) {
          throw refuse(Problem.Code.WRONG_TYPE, path, "must be true or false");
        }
        return f.booleanNode(value.booleanValue());
      }
      case INTEGER -> {
        return f.numberNode(checkInteger(value, field, path));
      }
      case BUCKET -> {
        String label = text(value, path);
        BucketScheme scheme = catalog.bucket(field.bucket());
        if (!scheme.hasLabel(label)) {
          throw refuse(
              Problem.Code.INVALID_VALUE,
              path,
              "must be one of " + String.join(", ", scheme.labels()));
        }
        return f.textNode(label);
      }
      case TOOL -> {
        String tool = text(value, path);
        if (!catalog.isTool(tool)) {
          throw refuse(
              Problem.Code.INVALID_VALUE,
              path,
              "must be a tool of the catalog (host-defined tools are sent as "
                  + Catalog.CUSTOM_TOOL
                  + ")");
        }
        return f.textNode(tool);
      }
      case LIST -> {
        return checkList(value, field, path);
      }
      case TOOL_COUNTS -> {
        return checkToolCounts(value, field, path);
      }
      case OBJECT -> {
        if (!value.isObject()) {
          throw refuse(Problem.Code.WRONG_TYPE, path, "must be a JSON object");
        }
        return checkObject(value, field.fields(), path);
      }
      default -> throw refuse(Problem.Code.INVALID_VALUE, path, "is not allowed here");
    }
  }

  private ObjectNode checkToolCounts(JsonNode value, FieldSpec field, String path) {
    if (!value.isObject()) {
      throw refuse(Problem.Code.WRONG_TYPE, path, "must be a JSON object of tool names to counts");
    }
    if (field.maxItems() != null && value.size() > field.maxItems()) {
      throw refuse(
          Problem.Code.INVALID_VALUE, path, "must have at most " + field.maxItems() + " tools");
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> e : value.properties()) {
      if (!catalog.isTool(e.getKey())) {
        throw refuse(
            Problem.Code.INVALID_VALUE,
            path,
            "must name only tools of the catalog (host-defined tools are sent as "
                + Catalog.CUSTOM_TOOL
                + ")");
      }
      out.put(e.getKey(), checkInteger(e.getValue(), field, path + "." + e.getKey()));
    }
    return out;
  }

  private ArrayNode checkList(JsonNode value, FieldSpec field, String path) {
    if (!value.isArray()) {
      throw refuse(Problem.Code.WRONG_TYPE, path, "must be a JSON array");
    }
    if (field.maxItems() != null && value.size() > field.maxItems()) {
      throw refuse(
          Problem.Code.INVALID_VALUE, path, "must have at most " + field.maxItems() + " items");
    }
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    Set<JsonNode> seen = new HashSet<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = checkValue(value.get(i), field.items(), path + "[" + i + "]");
      if (field.unique() && !seen.add(item)) {
        throw refuse(Problem.Code.INVALID_VALUE, path, "must not repeat an item");
      }
      out.add(item);
    }
    return out;
  }

  private long checkInteger(JsonNode value, FieldSpec field, String path) {
    if (!value.isIntegralNumber()) {
      throw refuse(Problem.Code.WRONG_TYPE, path, "must be an integer");
    }
    BigInteger big = value.bigIntegerValue();
    long min = field.min() == null ? Long.MIN_VALUE : field.min();
    long max = field.max() == null ? Long.MAX_VALUE : field.max();
    if (big.compareTo(BigInteger.valueOf(min)) < 0 || big.compareTo(BigInteger.valueOf(max)) > 0) {
      throw refuse(Problem.Code.INVALID_VALUE, path, "must be between " + min + " and " + max);
    }
    long n = big.longValue();
    if (field.multipleOf() != null && n % field.multipleOf() != 0) {
      throw refuse(Problem.Code.INVALID_VALUE, path, "must be a multiple of " + field.multipleOf());
    }
    return n;
  }

  private String checkEnum(JsonNode value, FieldSpec field, String path) {
    String text = text(value, path);
    String resolved = field.aliases().getOrDefault(text, text);
    if (field.values().contains(resolved)) {
      return resolved;
    }
    if (field.fallback() == null) {
      throw refuse(
          Problem.Code.INVALID_VALUE, path, "must be one of " + String.join(", ", field.values()));
    }
    // Lenient by design (the guide's clients send platform.system() as is): a known value in
    // another case is itself, anything else the fallback. The raw text is never kept.
    for (String known : field.values()) {
      if (known.equalsIgnoreCase(text)) {
        return known;
      }
    }
    for (Map.Entry<String, String> alias : field.aliases().entrySet()) {
      if (alias.getKey().equalsIgnoreCase(text)) {
        return alias.getValue();
      }
    }
    return field.fallback();
  }

  private String checkReleaseVersion(JsonNode value, String path) {
    String text = text(value, path);
    return ReleaseVersions.normalise(text)
        .orElseThrow(
            () ->
                refuse(
                    Problem.Code.INVALID_VALUE,
                    path,
                    "must be a release version such as 0.7.0 or 1.0.0-rc.1 (numbers plus at most"
                        + " one of "
                        + String.join(", ", ReleaseVersions.LABELS)
                        + " with a number; no build metadata)"));
  }

  private String checkString(JsonNode value, FieldSpec field, String path) {
    String text = text(value, path);
    if (field.maxLength() != null && text.length() > field.maxLength()) {
      throw refuse(
          Problem.Code.INVALID_VALUE, path, "must be at most " + field.maxLength() + " characters");
    }
    if (field.pattern() != null && !field.pattern().matcher(text).matches()) {
      throw refuse(Problem.Code.INVALID_VALUE, path, "must match " + field.pattern().pattern());
    }
    return text;
  }

  private String optionalString(JsonNode event, FieldSpec field) {
    JsonNode value = event.get(field.name());
    return value == null || value.isNull() ? null : checkString(value, field, field.name());
  }

  private UUID checkUuid(JsonNode value, String path) {
    if (!value.isTextual()) {
      throw refuse(Problem.Code.WRONG_TYPE, path, "must be a UUID string");
    }
    String text = value.textValue();
    if (!isUuidText(text)) {
      throw refuse(
          Problem.Code.INVALID_VALUE,
          path,
          "must be a UUID such as 0f8e1c52-6d0b-4a4e-9a57-1c2d3e4f5a6b");
    }
    return UUID.fromString(text);
  }

  private Instant checkTimestamp(JsonNode value, String path) {
    if (!value.isTextual()) {
      throw refuse(Problem.Code.WRONG_TYPE, path, "must be an ISO-8601 date-time string");
    }
    Instant parsed = parseTimestamp(value.textValue());
    if (parsed == null) {
      throw refuse(
          Problem.Code.INVALID_VALUE,
          path,
          "must be an ISO-8601 date-time such as 2026-01-31T14:00:00Z");
    }
    return parsed;
  }

  /**
   * Reads an ISO-8601 date-time with or without an offset; one without is UTC (the guide's client
   * sends {@code datetime.utcnow().isoformat()}).
   *
   * @return the instant, or {@code null} if the text is not such a date-time
   */
  public static Instant parseTimestamp(String text) {
    if (text == null || text.length() > MAX_TIMESTAMP_LENGTH) {
      return null;
    }
    Instant utc = parseUtcSeconds(text);
    if (utc != null) {
      return utc;
    }
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException withoutOffset) {
      try {
        return LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        return null;
      }
    }
  }

  /**
   * The form our clients send, {@code YYYY-MM-DDTHH:MM:SSZ}, read without a formatter (a collector
   * reads tens of thousands a second); null for any other text, which the formatters then read.
   */
  private static Instant parseUtcSeconds(String t) {
    if (t.length() != 20
        || t.charAt(4) != '-'
        || t.charAt(7) != '-'
        || t.charAt(10) != 'T'
        || t.charAt(13) != ':'
        || t.charAt(16) != ':'
        || t.charAt(19) != 'Z') {
      return null;
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 2);
    int day = digits(t, 8, 2);
    int hour = digits(t, 11, 2);
    int minute = digits(t, 14, 2);
    int second = digits(t, 17, 2);
    if (year < 0
        || month < 1
        || month > 12
        || day < 1
        || day > 31
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59) {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null; // such as February 30
    }
  }

  /** The decimal number of {@code count} ASCII digits at {@code from}, or -1. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char ch = text.charAt(i);
      if (ch < '0' || ch > '9') {
        return -1;
      }
      value = value * 10 + (ch - '0');
    }
    return value;
  }

  /** Whether {@code text} is a UUID in the 8-4-4-4-12 form of ASCII hex digits, in either case. */
  public static boolean isUuidText(String text) {
    if (text.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char ch = text.charAt(i);
      boolean ok =
          (i == 8 || i == 13 || i == 18 || i == 23)
              ? ch == '-'
              : (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String text(JsonNode value, String path) {
    if (value == null || !value.isTextual()) {
      throw refuse(Problem.Code.WRONG_TYPE, path, "must be a string");
    }
    return value.textValue();
  }

  private static void rejectUnknownFields(
      JsonNode object, Map<String, FieldSpec> fields, String prefix) {
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!fields.containsKey(name)) {
        throw refuse(
            Problem.Code.UNKNOWN_FIELD, prefix + echoable(name), "is not a field of the catalog");
      }
    }
  }

  /** A field name fit to repeat in an answer: bounded, printable ASCII only. */
  private static String echoable(String name) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < name.length() && b.length() < MAX_ECHOED_NAME; i++) {
      char c = name.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return name.length() > MAX_ECHOED_NAME ? b + "..." : b.toString();
  }

  private static Refusal refuse(Problem.Code code, String field, String message) {
    return new Refusal(new Problem(code, field, message));
  }

  /** Unwinds the checks at the first problem; cheap because it keeps no stack trace. */
  private static final class Refusal extends RuntimeException {
    final transient Problem problem;

    Refusal(Problem problem) {
      super(problem.reason(), null, false, false);
      this.problem = problem;
    }
  }
}
