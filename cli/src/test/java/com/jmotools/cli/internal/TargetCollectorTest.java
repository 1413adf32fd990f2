package com.jmotools.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetCollectorTest {

  @TempDir Path tmp;

  private static final GitLabProjects NO_GITLAB =
      (url, group) -> {
        throw new AssertionError("GitLab must not be called");
      };

  @Test
  void collectsEveryKindWithUniqueNamesAndCountsThem() throws Exception {
    Files.createDirectories(tmp.resolve("repos/alpha"));
    Files.createDirectories(tmp.resolve("repos/beta"));
    Files.createDirectories(tmp.resolve("repos/.hidden"));
    Files.createDirectories(tmp.resolve("other/alpha"));
    Files.writeString(tmp.resolve("repos/not-a-dir.txt"), "");
    Files.writeString(tmp.resolve("targets.txt"), "# mine\nother/alpha\n\n");
    Files.writeString(tmp.resolve("images.txt"), "nginx:1.27\nghcr.io/acme/api@sha256:abc\n");
    Files.writeString(tmp.resolve("main.tf.json"), "{}");
    TargetOptions o = new TargetOptions();
    o.reposDir = Path.of("repos");
    o.targetsFile = Path.of("targets.txt");
    o.imagesFile = Path.of("images.txt");
    o.terraformStates.add(Path.of("main.tf.json"));
    o.urls.add("https://app.example.com:8443/login");
    o.k8sContexts.add("prod-eu");

    List<Target> targets = TargetCollector.collect(o, tmp, NO_GITLAB);

    assertThat(targets)
        .extracting(Target::name)
        .containsExactly(
            "alpha",
            "beta",
            "alpha-2",
            "nginx_1.27",
            "ghcr.io_acme_api_sha256_abc",
            "main.tf.json",
            "app.example.com_8443",
            "prod-eu");
    assertThat(targets.get(0).value())
        .isEqualTo(tmp.resolve("repos/alpha").toRealPath().toString());
    assertThat(TargetCollector.counts(targets))
        .isEqualTo(Map.of("repos", 3, "images", 2, "urls", 1, "iac", 1, "gitlab", 0, "k8s", 1));
  }

  @Test
  void refusesWhatIsMissingOrCouldBeTakenForAnOption() {
    for (TargetOptions o :
        List.of(
            options(x -> x.repos.add(Path.of("nope"))),
            options(x -> x.images.add("--privileged")),
            options(x -> x.k8sContexts.add("-x")),
            options(x -> x.urls.add("javascript:alert(1)")),
            options(x -> x.cloudformation.add(Path.of("absent.yml"))),
            options(x -> x.gitlabRepos.add("../etc")))) {
      assertThatThrownBy(() -> TargetCollector.collect(o, tmp, NO_GITLAB))
          .isInstanceOf(UserError.class)
          .satisfies(e -> assertThat(((UserError) e).exitCode()).isEqualTo(ExitCodes.CONFIG));
    }
  }

  private static TargetOptions options(java.util.function.Consumer<TargetOptions> fill) {
    TargetOptions o = new TargetOptions();
    fill.accept(o);
    return o;
  }
}
