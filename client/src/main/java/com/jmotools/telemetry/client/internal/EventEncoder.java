package com.jmotools.telemetry.client.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jmotools.telemetry.catalog.Catalog;
import com.jmotools.telemetry.catalog.EventValidator;
import com.jmotools.telemetry.catalog.ValidationResult;
import com.jmotools.telemetry.client.DropReason;
import java.io.PrintStream;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Turns a recorded event into the bytes the outbox keeps: validates it against the catalog and
 * serialises it, counting every refusal. The catalog is loaded when first needed, so a client that
 * never records never loads it, and {@link #warmUp} lets a background thread pay that cost instead
 * of the host's.
 */
public final class EventEncoder {

  private final Supplier<Catalog> catalog;
  private final Counters counters;
  private final PrintStream debugOut; // null: not in debug mode
  private volatile EventValidator validator;

  /**
   * An encoder.
   *
   * @param catalog gives the catalog when first needed
   * @param counters where refusals are counted
   * @param debugOut where debug mode explains refusals, or {@code null}
   */
  public EventEncoder(Supplier<Catalog> catalog, Counters counters, PrintStream debugOut) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.counters = Objects.requireNonNull(counters, "counters");
    this.debugOut = debugOut;
  }

  /** Whether {@link #encode} can run without loading the catalog first. */
  public boolean ready() {
    return validator != null;
  }

  /** Loads the catalog and warms the JSON writer. */
  public void warmUp() {
    validator();
    JsonTrees.toBytes(JsonNodeFactory.instance.objectNode());
  }

  /** The catalog's validator of complete events, created when first needed. */
  public EventValidator validator() {
    EventValidator v = validator;
    if (v == null) {
      synchronized (this) {
        v = validator;
        if (v == null) {
          v = EventValidator.of(catalog.get(), EventValidator.Presence.COMPLETE);
          validator = v;
        }
      }
    }
    return v;
  }

  /**
   * Validates and serialises an event, counting it as recorded; {@code null}, counted as {@link
   * DropReason#INVALID} (or {@link DropReason#INTERNAL_ERROR}), when it is refused.
   */
  public byte[] encode(ObjectNode node) {
    try {
      ValidationResult result = validator().validate(node);
      if (!result.isValid()) {
        counters.dropped(DropReason.INVALID, result.problem().code().label(), 1);
        if (debugOut != null) {
          debugOut.println(
              "[jmo telemetry debug] dropped invalid event: " + result.problem().reason());
        }
        return null;
      }
      byte[] json = JsonTrees.toBytes(JsonTrees.wire(result.event()));
      counters.recorded();
      return json;
    } catch (RuntimeException e) {
      counters.dropped(DropReason.INTERNAL_ERROR, 1);
      return null;
    }
  }
}
