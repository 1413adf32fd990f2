package com.jmotools.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactsTest {

  @TempDir Path tmp;

  @Test
  void pathsAreQuotedForTheShellAndDollarsEscapedForMake() throws Exception {
    String command =
        Artifacts.command("deep", Path.of("my repo/it's $HOME"), false, false, Path.of("results"));
    assertThat(command)
        .isEqualTo("jmotools full --repo 'my repo/it'\\''s $HOME' --results-dir results");
    Path script = Artifacts.write(Artifacts.Kind.SHELL, tmp, command);
    assertThat(Files.isExecutable(script)).isTrue();
    assertThat(Files.readString(script)).endsWith(command + "\n");
    assertThat(Files.readString(Artifacts.write(Artifacts.Kind.MAKEFILE, tmp, command)))
        .contains("'my repo/it'\\''s $$HOME'");
  }

  @Test
  void anExistingFileIsNeverOverwritten() throws Exception {
    Files.writeString(tmp.resolve("jmo-scan.sh"), "mine");
    assertThatThrownBy(() -> Artifacts.write(Artifacts.Kind.SHELL, tmp, "x"))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("already exists");
    assertThat(Files.readString(tmp.resolve("jmo-scan.sh"))).isEqualTo("mine");
  }
}
