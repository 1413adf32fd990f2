package com.jmotools.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.jmotools.telemetry.catalog.Catalog;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ToolRegistryTest {

  @Test
  void everyToolOfEveryProfileIsBuiltInAndACatalogTool() {
    ToolRegistry registry = ToolRegistry.builtIn();
    Set<String> needed = new TreeSet<>(Set.of("bandit", "shellcheck", "gitleaks"));
    Profile.builtIns().values().forEach(p -> needed.addAll(p.tools()));
    for (String tool : needed) {
      ToolDefinition d =
          registry.find(tool).orElseThrow(() -> new AssertionError("no definition of " + tool));
      assertThat(d.builtIn()).isTrue();
      assertThat(Catalog.standard().isTool(tool))
          .as(tool + " is a catalog tool, so it is sent by name")
          .isTrue();
      assertThat(d.commands()).as(tool).isNotEmpty();
    }
  }

  @Test
  void customToolsCannotTakeABuiltInName() {
    ToolDefinition mine =
        ToolDefinition.builder("semgrep").command(TargetType.REPO, "x").custom().build();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ToolRegistry.builtIn().with(java.util.List.of(mine)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name of a built-in tool");
  }

  @Test
  void definitionsCheckTheirInputs() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ToolDefinition.builder("bad name").command(TargetType.REPO, "x").build())
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ToolDefinition.builder("t").command(TargetType.REPO, "x").output("../x").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plain file name");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                ToolDefinition.builder("t")
                    .command(TargetType.REPO, "x")
                    .findingsExitCodes(0)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exit code 0");
  }
}
