package com.jmotools.telemetry.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jmotools.telemetry.catalog.Catalog;
import com.jmotools.telemetry.catalog.EventValidator;
import com.jmotools.telemetry.catalog.ValidatedEvent;
import java.time.DayOfWeek;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTreesTest {

  @Test
  void buildsTheSameTreeAsJacksonDataBinding() {
    Map<String, Object> m = new HashMap<>();
    m.put("s", "x");
    m.put("i", 3);
    m.put("l", 4L);
    m.put("b", true);
    m.put("n", null);
    m.put("list", List.of("a", "b"));
    m.put("nested", Map.of("k", 1));
    m.put("d", 1.5);
    assertThat(JsonTrees.of(m)).isEqualTo(Json.MAPPER.valueToTree(m));
    assertThat(JsonTrees.of(Map.of("e", DayOfWeek.MONDAY)).toString())
        .isEqualTo("{\"e\":\"MONDAY\"}");
    assertThat(JsonTrees.of(Map.of("arr", new Object[] {1, "z"})).toString())
        .isEqualTo("{\"arr\":[1,\"z\"]}");
  }

  @Test
  void serialisesWithTheStreamingGeneratorAsDataBindingWould() throws Exception {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("s", "quote \" and \u00e9");
    m.put("i", 3);
    m.put("big", new java.math.BigInteger("123456789012345678901234567890"));
    m.put("d", 1.5);
    m.put("b", false);
    m.put("n", null);
    m.put("list", List.of("a", Map.of("k", List.of())));
    var tree = JsonTrees.of(m);
    assertThat(Json.MAPPER.readTree(JsonTrees.toBytes(tree)))
        .isEqualTo(Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(tree)));
  }

  @Test
  void refusesValuesThatAreNotJson() {
    assertThatThrownBy(() -> JsonTrees.of(Map.of("x", new Object())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JsonTrees.of(Map.of(1, "x")))
        .isInstanceOf(IllegalArgumentException.class);
    Object deep = "leaf";
    for (int i = 0; i < 20; i++) {
      deep = Arrays.asList(deep);
    }
    Object tooDeep = deep;
    assertThatThrownBy(() -> JsonTrees.of(Map.of("x", tooDeep))).hasMessageContaining("deeply");
  }

  @Test
  void wireShapeEqualsTheCatalogsOwn() throws Exception {
    String json =
        "{\"event\":\"tool.failed\",\"version\":\"0.7.0\""
            + ",\"platform\":\"Darwin\",\"runtime\":\"java-17\","
            + "\"anonymous_id\":\"A7F3C8E2-4B1D-4F9E-8C3A-2D5E7F9B1A3C\","
            + "\"event_id\":\"0196a3b0-0000-7000-8000"
            + "-000000000001\","
            + "\"timestamp\":\"2026-11-27T10:00:00\",\"metadata"
            + "\":{\"tool\":\"semgrep\",\"failure_type\":\"crash\",\"exit_code\":null,"
            + "\"profile\":\"fast\"}}";
    ValidatedEvent e =
        EventValidator.of(Catalog.standard(), EventValidator.Presence.COMPLETE)
            .validate(Json.MAPPER.readTree(json))
            .event();
    assertThat(JsonTrees.wire(e)).isEqualTo(e.toJson());
  }
}
