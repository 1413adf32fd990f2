package com.jmotools.telemetry.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The event catalog: the privacy contract shared by the client, the collector and the docs.
 *
 * <p>It is read from {@value #RESOURCE}, the one machine-readable file that lists every event,
 * field, allowed value, bucket and tool. Nothing outside it is ever sent or stored.
 */
public final class Catalog {

  /** Where the catalog file lives on the classpath. */
  public static final String RESOURCE = "/com/jmotools/telemetry/catalog/catalog.json";

  /** The name of the tool that stands for every host-defined tool. */
  public static final String CUSTOM_TOOL = "custom";

  private static final class Holder {
    static final Catalog STANDARD = load();
  }

  private final int version;
  private final Map<String, FieldSpec> envelope;
  private final Map<String, BucketScheme> buckets;
  private final Set<String> tools;
  private final Map<String, EventSpec> events;
  private final List<String> neverCollected;
  private final List<BriefItem> inBrief;

  private Catalog(
      int version,
      Map<String, FieldSpec> envelope,
      Map<String, BucketScheme> buckets,
      Set<String> tools,
      Map<String, EventSpec> events,
      List<String> neverCollected,
      List<BriefItem> inBrief) {
    this.version = version;
    this.envelope = java.util.Collections.unmodifiableMap(envelope);
    this.buckets = java.util.Collections.unmodifiableMap(buckets);
    this.tools = java.util.Collections.unmodifiableSet(tools);
    this.events = java.util.Collections.unmodifiableMap(events);
    this.neverCollected = List.copyOf(neverCollected);
    this.inBrief = List.copyOf(inBrief);
  }

  /** The catalog shipped in this jar, parsed once. */
  public static Catalog standard() {
    return Holder.STANDARD;
  }

  private static Catalog load() {
    try (InputStream in = Catalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("catalog resource missing: " + RESOURCE);
      }
      return parse(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the catalog " + RESOURCE, e);
    }
  }

  /**
   * Parses a catalog document.
   *
   * @throws IllegalArgumentException if the document is not a consistent catalog
   */
  static Catalog parse(JsonNode root) {
    Map<String, BucketScheme> buckets = new LinkedHashMap<>();
    root.path("buckets")
        .properties()
        .forEach(e -> buckets.put(e.getKey(), parseScheme(e.getKey(), e.getValue())));

    Set<String> tools = new LinkedHashSet<>();
    root.path("tools").forEach(t -> tools.add(t.asText()));
    if (!tools.contains(CUSTOM_TOOL)) {
      throw new IllegalArgumentException("the tool list must contain " + CUSTOM_TOOL);
    }

    Map<String, FieldSpec> envelope = parseFields(root.path("envelope"), true);

    Map<String, EventSpec> events = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : root.path("events").properties()) {
      Map<String, FieldSpec> fields = parseFields(e.getValue().path("fields"), true);
      for (FieldSpec field : fields.values()) {
        checkBucketsExist(field, buckets);
      }
      events.put(
          e.getKey(), new EventSpec(e.getKey(), e.getValue().path("when").asText(""), fields));
    }
    if (events.isEmpty()) {
      throw new IllegalArgumentException("the catalog defines no events");
    }

    List<String> never = new ArrayList<>();
    root.path("never_collected").forEach(n -> never.add(n.asText()));
    List<BriefItem> brief = new ArrayList<>();
    for (JsonNode item : root.path("in_brief")) {
      brief.add(parseBriefItem(item, envelope, events));
    }
    return new Catalog(
        root.path("catalog_version").asInt(0), envelope, buckets, tools, events, never, brief);
  }

  private static BriefItem parseBriefItem(
      JsonNode item, Map<String, FieldSpec> envelope, Map<String, EventSpec> events) {
    String text = item.path("text").asText("");
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : item.path("fields").properties()) {
      Map<String, FieldSpec> known =
          e.getKey().equals(BriefItem.ENVELOPE)
              ? envelope
              : Optional.ofNullable(events.get(e.getKey()))
                  .map(EventSpec::fields)
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              "in_brief \"" + text + "\" names an unknown event: " + e.getKey()));
      List<String> names = new ArrayList<>();
      for (JsonNode n : e.getValue()) {
        if (!known.containsKey(n.asText())) {
          throw new IllegalArgumentException(
              "in_brief \""
                  + text
                  + "\" names an unknown field of "
                  + e.getKey()
                  + ": "
                  + n.asText());
        }
        names.add(n.asText());
      }
      fields.put(e.getKey(), names);
    }
    return new BriefItem(text, fields);
  }

  private static void checkBucketsExist(FieldSpec field, Map<String, BucketScheme> buckets) {
    if (field.type() == FieldType.BUCKET && !buckets.containsKey(field.bucket())) {
      throw new IllegalArgumentException(
          "field " + field.name() + " names an unknown bucket scheme: " + field.bucket());
    }
    if (field.items() != null) {
      checkBucketsExist(field.items(), buckets);
    }
    field.fields().values().forEach(f -> checkBucketsExist(f, buckets));
  }

  private static BucketScheme parseScheme(String name, JsonNode node) {
    List<BucketScheme.Bucket> list = new ArrayList<>();
    node.path("buckets")
        .forEach(
            b ->
                list.add(
                    new BucketScheme.Bucket(
                        b.path("label").asText(),
                        b.hasNonNull("upper") ? b.get("upper").asLong() : null)));
    String bound = node.path("upper_bound").asText();
    if (!bound.equals("inclusive") && !bound.equals("exclusive")) {
      throw new IllegalArgumentException(
          "bucket scheme " + name + ": upper_bound must be inclusive or exclusive");
    }
    return new BucketScheme(name, node.path("unit").asText(""), bound.equals("inclusive"), list);
  }

  private static Map<String, FieldSpec> parseFields(JsonNode node, boolean defaultRequired) {
    Map<String, FieldSpec> fields = new LinkedHashMap<>();
    node.properties()
        .forEach(
            e -> fields.put(e.getKey(), parseField(e.getKey(), e.getValue(), defaultRequired)));
    return fields;
  }

  private static FieldSpec parseField(String name, JsonNode node, boolean defaultRequired) {
    List<String> values = new ArrayList<>();
    node.path("values").forEach(v -> values.add(v.asText()));
    Map<String, String> aliases = new LinkedHashMap<>();
    node.path("aliases").properties().forEach(e -> aliases.put(e.getKey(), e.getValue().asText()));
    return new FieldSpec(
        name,
        FieldType.parse(node.path("type").asText()),
        node.path("description").asText(""),
        node.path("required").asBoolean(defaultRequired),
        node.path("nullable").asBoolean(false),
        values,
        aliases,
        node.hasNonNull("min") ? node.get("min").asLong() : null,
        node.hasNonNull("max") ? node.get("max").asLong() : null,
        node.hasNonNull("multiple_of") ? node.get("multiple_of").asLong() : null,
        node.hasNonNull("bucket") ? node.get("bucket").asText() : null,
        node.has("items") ? parseField(name + "[]", node.get("items"), true) : null,
        node.hasNonNull("max_items") ? node.get("max_items").asInt() : null,
        node.path("unique").asBoolean(false),
        node.has("fields") ? parseFields(node.get("fields"), true) : null,
        node.hasNonNull("max_length") ? node.get("max_length").asInt() : null,
        node.hasNonNull("pattern") ? Pattern.compile(node.get("pattern").asText()) : null,
        node.hasNonNull("fallback") ? node.get("fallback").asText() : null);
  }

  /** The catalog file's own version number. */
  public int version() {
    return version;
  }

  /** The envelope's fields (event, version, platform, ...), in catalog order. */
  public Map<String, FieldSpec> envelope() {
    return envelope;
  }

  /** The events, by name, in catalog order. */
  public Map<String, EventSpec> events() {
    return events;
  }

  /** The event of that name, if the catalog has it. */
  public Optional<EventSpec> event(String name) {
    return Optional.ofNullable(events.get(name));
  }

  /** The tool names a field of type {@code tool} accepts, {@value #CUSTOM_TOOL} included. */
  public Set<String> tools() {
    return tools;
  }

  /** Whether {@code name} is a tool of the catalog. */
  public boolean isTool(String name) {
    return tools.contains(name);
  }

  /** The name to send for a tool: itself if the catalog knows it, else {@value #CUSTOM_TOOL}. */
  public String toolNameToSend(String name) {
    return isTool(name) ? name : CUSTOM_TOOL;
  }

  /** The bucket schemes, by name. */
  public Map<String, BucketScheme> buckets() {
    return buckets;
  }

  /**
   * The bucket scheme of that name.
   *
   * @throws IllegalArgumentException if there is none
   */
  public BucketScheme bucket(String name) {
    BucketScheme scheme = buckets.get(name);
    if (scheme == null) {
      throw new IllegalArgumentException("no bucket scheme named " + name);
    }
    return scheme;
  }

  /**
   * What is sent, in a few lines a person reads at a glance (the opt-out notice, the wizard's
   * question, the top of the privacy documentation); each line names the fields it stands for.
   */
  public List<BriefItem> inBrief() {
    return inBrief;
  }

  /**
   * The fields no {@link #inBrief()} line stands for, as {@code event.field} (or {@code
   * envelope.field}); empty when the summary covers everything that can be sent.
   */
  public List<String> fieldsNotInBrief() {
    List<String> missing = new ArrayList<>();
    Map<String, Map<String, FieldSpec>> all = new LinkedHashMap<>();
    all.put(BriefItem.ENVELOPE, envelope);
    events.forEach((name, spec) -> all.put(name, spec.fields()));
    all.forEach(
        (owner, fields) ->
            fields
                .keySet()
                .forEach(
                    field -> {
                      boolean covered =
                          inBrief.stream()
                              .anyMatch(
                                  b -> b.fields().getOrDefault(owner, List.of()).contains(field));
                      if (!covered) {
                        missing.add(owner + "." + field);
                      }
                    }));
    return missing;
  }

  /** What is never collected, for the privacy documentation. */
  public List<String> neverCollected() {
    return neverCollected;
  }
}
