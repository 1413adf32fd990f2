package com.jmotools.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateVolumeTest {

  @TempDir Path tmp;

  private Path mountinfo(String... mountPoints) throws Exception {
    StringBuilder b = new StringBuilder();
    int id = 20;
    for (String m : mountPoints) {
      b.append(id++).append(" 1 0:1 / ").append(m).append(" rw,relatime - overlay overlay rw\n");
    }
    return Files.writeString(tmp.resolve("mountinfo"), b.toString());
  }

  @Test
  void aStateDirectoryUnderAMountPointOtherThanRootIsOnAVolume() throws Exception {
    Path info = mountinfo("/", "/proc", "/root/.jmo-security");
    assertThat(StateVolume.isOnMountedVolume(Path.of("/root/.jmo-security"), info)).contains(true);
    assertThat(StateVolume.isOnMountedVolume(Path.of("/root/.jmo-security/telemetry"), info))
        .contains(true);
  }

  @Test
  void onlyTheContainersRootMeansFreshStateEveryRun() throws Exception {
    Path info = mountinfo("/", "/proc", "/root/.jmo-securityX");
    assertThat(StateVolume.isOnMountedVolume(Path.of("/root/.jmo-security"), info)).contains(false);
  }

  @Test
  void escapedMountPointsAreRead() throws Exception {
    Path info = mountinfo("/", "/home/a\\040b");
    assertThat(StateVolume.isOnMountedVolume(Path.of("/home/a b/.jmo-security"), info))
        .contains(true);
  }

  @Test
  void anUnreadableTableIsUnknown() {
    assertThat(StateVolume.isOnMountedVolume(Path.of("/x"), tmp.resolve("absent"))).isEmpty();
  }
}
