package com.jmotools.telemetry.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CiDetectorTest {

  /** What each vendor really sets (one variable, or the pair it needs), and the name we report. */
  static Stream<Arguments> vendors() {
    return Stream.of(
        Arguments.of(Map.of("GITHUB_ACTIONS", "true"), "GitHub Actions"),
        Arguments.of(Map.of("GITLAB_CI", "true"), "GitLab CI"),
        Arguments.of(Map.of("JENKINS_URL", "https://ci.example/", "BUILD_ID", "7"), "Jenkins"),
        Arguments.of(Map.of("HUDSON_URL", "https://ci.example/"), "Hudson"),
        Arguments.of(Map.of("CIRCLECI", "true"), "CircleCI"),
        Arguments.of(Map.of("TRAVIS", "true"), "Travis CI"),
        Arguments.of(Map.of("TF_BUILD", "True"), "Azure Pipelines"),
        Arguments.of(
            Map.of("SYSTEM_TEAMFOUNDATIONCOLLECTIONURI", "https://dev.azure.com/x/"),
            "Azure Pipelines"),
        Arguments.of(Map.of("BITBUCKET_COMMIT", "abc"), "Bitbucket Pipelines"),
        Arguments.of(Map.of("BITBUCKET_BUILD_NUMBER", "3"), "Bitbucket Pipelines"),
        Arguments.of(Map.of("BUILDKITE", "true"), "Buildkite"),
        Arguments.of(Map.of("TEAMCITY_VERSION", "2024.1"), "TeamCity"),
        Arguments.of(Map.of("DRONE", "true"), "Drone"),
        Arguments.of(Map.of("CODEBUILD_BUILD_ARN", "arn:aws:codebuild:x"), "AWS CodeBuild"),
        Arguments.of(Map.of("CODEBUILD_BUILD_ID", "p:1"), "AWS CodeBuild"),
        Arguments.of(Map.of("BUILDER_OUTPUT", "/builder/outputs"), "Google Cloud Build"),
        Arguments.of(Map.of("APPVEYOR", "True"), "AppVeyor"),
        Arguments.of(Map.of("bamboo_planKey", "PROJ-PLAN"), "Bamboo"),
        Arguments.of(Map.of("SEMAPHORE", "true"), "Semaphore"),
        Arguments.of(Map.of("CI", "woodpecker"), "Woodpecker"),
        Arguments.of(
            Map.of("CI_PIPELINE_NUMBER", "4", "CI_WORKSPACE", "/woodpecker/src"), "Woodpecker"),
        Arguments.of(Map.of("HARNESS_BUILD_ID", "9"), "Harness CI"),
        Arguments.of(Map.of("CF_BUILD_ID", "abc"), "Codefresh"),
        Arguments.of(Map.of("NETLIFY", "true"), "Netlify"),
        Arguments.of(Map.of("NOW_BUILDER", "1"), "Vercel"),
        Arguments.of(Map.of("VERCEL", "1"), "Vercel"),
        Arguments.of(Map.of("AGOLA_GIT_REF", "refs/heads/main"), "Agola CI"),
        Arguments.of(Map.of("AC_APPCIRCLE", "true"), "Appcircle"),
        Arguments.of(Map.of("BITRISE_IO", "true"), "Bitrise"),
        Arguments.of(Map.of("BUDDY_WORKSPACE_ID", "12"), "Buddy"),
        Arguments.of(Map.of("CIRRUS_CI", "true"), "Cirrus CI"),
        Arguments.of(Map.of("CF_PAGES", "1"), "Cloudflare Pages"),
        Arguments.of(Map.of("WORKERS_CI", "1"), "Cloudflare Workers"),
        Arguments.of(Map.of("CM_BUILD_ID", "x"), "Codemagic"),
        Arguments.of(Map.of("CI_NAME", "codeship"), "Codeship"),
        Arguments.of(Map.of("DSARI", "1"), "dsari"),
        Arguments.of(Map.of("EARTHLY_CI", "true"), "Earthly"),
        Arguments.of(Map.of("EAS_BUILD", "true"), "Expo Application Services"),
        Arguments.of(Map.of("GERRIT_PROJECT", "p"), "Gerrit"),
        Arguments.of(Map.of("GITEA_ACTIONS", "true"), "Gitea Actions"),
        Arguments.of(Map.of("GO_PIPELINE_LABEL", "12"), "GoCD"),
        Arguments.of(Map.of("HEROKU_TEST_RUN_ID", "x"), "Heroku CI"),
        Arguments.of(Map.of("JB_SPACE_EXECUTION_NUMBER", "5"), "JetBrains Space"),
        Arguments.of(Map.of("LAYERCI", "true"), "LayerCI"),
        Arguments.of(Map.of("MAGNUM", "true"), "Magnum CI"),
        Arguments.of(Map.of("NEVERCODE", "true"), "Nevercode"),
        Arguments.of(Map.of("PROW_JOB_ID", "x"), "Prow"),
        Arguments.of(Map.of("RELEASE_BUILD_ID", "x"), "ReleaseHub"),
        Arguments.of(Map.of("RENDER", "true"), "Render"),
        Arguments.of(Map.of("SAILCI", "true"), "Sail CI"),
        Arguments.of(Map.of("SCREWDRIVER", "true"), "Screwdriver"),
        Arguments.of(Map.of("CI_NAME", "sourcehut"), "Sourcehut"),
        Arguments.of(Map.of("STRIDER", "true"), "Strider CD"),
        Arguments.of(Map.of("TASK_ID", "a", "RUN_ID", "0"), "TaskCluster"),
        Arguments.of(Map.of("VELA", "true"), "Vela"),
        Arguments.of(Map.of("APPCENTER_BUILD_ID", "1"), "Visual Studio App Center"),
        Arguments.of(Map.of("CI_XCODE_PROJECT", "App"), "Xcode Cloud"),
        Arguments.of(Map.of("XCS", "1"), "Xcode Server"),
        Arguments.of(Map.of("CONCOURSE", "1"), "Concourse"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("vendors")
  void detectsEachVendorByTheVariablesItSets(Map<String, String> env, String vendor) {
    assertThat(CiDetector.detect(env)).contains(vendor);
  }

  @ParameterizedTest(name = "{1} needs all its variables")
  @MethodSource("vendors")
  void aVendorNeedsEveryVariableOfItsTestAndANonEmptyValue(Map<String, String> env, String vendor) {
    Map<String, String> emptied = new HashMap<>();
    env.keySet().forEach(k -> emptied.put(k, ""));
    assertThat(CiDetector.detect(emptied)).isEmpty();
  }

  @Test
  void coversAtLeastFortyDistinctVendors() {
    assertThat(CiDetector.VENDORS.stream().map(CiDetector.Vendor::name).distinct().count())
        .isGreaterThanOrEqualTo(40);
    assertThat(vendors().map(a -> a.get()[1]).distinct().count())
        .isEqualTo(CiDetector.VENDORS.stream().map(CiDetector.Vendor::name).distinct().count());
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "1", "yes", "anything", "TRUE"})
  void theGenericCiVariableCountsUnlessFalseOrZero(String value) {
    assertThat(CiDetector.detect(Map.of("CI", value))).contains(CiDetector.GENERIC);
  }

  @ParameterizedTest
  @ValueSource(strings = {"false", "0", "FALSE", " false ", ""})
  void ciFalseZeroOrEmptyIsNotCi(String value) {
    assertThat(CiDetector.detect(Map.of("CI", value))).isEmpty();
    assertThat(CiDetector.isCi(Map.of("CI", value))).isFalse();
  }

  @Test
  void aVendorVariableCountsEvenWhenCiSaysFalse() {
    assertThat(CiDetector.detect(Map.of("CI", "false", "GITHUB_ACTIONS", "true")))
        .contains("GitHub Actions");
  }

  @Test
  void anOrdinaryShellIsNotCi() {
    assertThat(
            CiDetector.detect(Map.of("HOME", "/home/u", "PATH", "/usr/bin", "BUILD_NUMBER", "3")))
        .isEmpty();
  }
}
