package com.jmotools.telemetry.client;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Tells whether a process runs in continuous integration, from its environment variables (rule 3 of
 * the consent rules).
 *
 * <p>CI means {@code CI} set to anything but {@code false}, {@code 0} or the empty string, or one
 * of the variables that the vendors below set (the lists of the {@code ci-info} and {@code is-ci}
 * detectors). Only the presence of a variable (or, where a vendor shares a variable, one fixed
 * value) is read; no value is ever reported.
 */
public final class CiDetector {

  /** The name reported when only the generic {@code CI} variable says so. */
  public static final String GENERIC = "CI variable";

  /**
   * A CI vendor and how to recognise it.
   *
   * @param name the vendor's name, as {@code jmo telemetry status} prints it
   * @param variables all of these must be set and non-empty
   * @param equalsVariable a variable that must have the value {@code equalsValue}
   *     (case-insensitive), or {@code null}
   * @param equalsValue that value, or {@code null}
   */
  public record Vendor(
      String name, List<String> variables, String equalsVariable, String equalsValue) {
    public Vendor {
      Objects.requireNonNull(name, "name");
      variables = List.copyOf(variables);
      if (variables.isEmpty() && equalsVariable == null) {
        throw new IllegalArgumentException("vendor " + name + " has no test");
      }
    }

    static Vendor of(String name, String... variables) {
      return new Vendor(name, List.of(variables), null, null);
    }

    static Vendor valued(String name, String variable, String value) {
      return new Vendor(name, List.of(), variable, value);
    }

    boolean matches(Map<String, String> env) {
      for (String v : variables) {
        String value = env.get(v);
        if (value == null || value.isEmpty()) {
          return false;
        }
      }
      if (equalsVariable != null) {
        String value = env.get(equalsVariable);
        return value != null && value.trim().equalsIgnoreCase(equalsValue);
      }
      return true;
    }
  }

  /** The vendors recognised, in the order they are tried. */
  public static final List<Vendor> VENDORS =
      List.of(
          Vendor.of("GitHub Actions", "GITHUB_ACTIONS"),
          Vendor.of("GitLab CI", "GITLAB_CI"),
          Vendor.of("Jenkins", "JENKINS_URL", "BUILD_ID"),
          Vendor.of("Hudson", "HUDSON_URL"),
          Vendor.of("CircleCI", "CIRCLECI"),
          Vendor.of("Travis CI", "TRAVIS"),
          Vendor.of("Azure Pipelines", "TF_BUILD"),
          Vendor.of("Azure Pipelines", "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI"),
          Vendor.of("Bitbucket Pipelines", "BITBUCKET_COMMIT"),
          Vendor.of("Bitbucket Pipelines", "BITBUCKET_BUILD_NUMBER"),
          Vendor.of("Buildkite", "BUILDKITE"),
          Vendor.of("TeamCity", "TEAMCITY_VERSION"),
          Vendor.of("Drone", "DRONE"),
          Vendor.of("AWS CodeBuild", "CODEBUILD_BUILD_ARN"),
          Vendor.of("AWS CodeBuild", "CODEBUILD_BUILD_ID"),
          Vendor.of("Google Cloud Build", "BUILDER_OUTPUT"),
          Vendor.of("AppVeyor", "APPVEYOR"),
          Vendor.of("Bamboo", "bamboo_planKey"),
          Vendor.of("Bamboo", "BAMBOO_PLANKEY"),
          Vendor.of("Semaphore", "SEMAPHORE"),
          Vendor.valued("Woodpecker", "CI", "woodpecker"),
          Vendor.of("Woodpecker", "CI_PIPELINE_NUMBER", "CI_WORKSPACE"),
          Vendor.of("Harness CI", "HARNESS_BUILD_ID"),
          Vendor.of("Codefresh", "CF_BUILD_ID"),
          Vendor.of("Netlify", "NETLIFY"),
          Vendor.of("Vercel", "NOW_BUILDER"),
          Vendor.of("Vercel", "VERCEL"),
          Vendor.of("Agola CI", "AGOLA_GIT_REF"),
          Vendor.of("Appcircle", "AC_APPCIRCLE"),
          Vendor.of("Bitrise", "BITRISE_IO"),
          Vendor.of("Buddy", "BUDDY_WORKSPACE_ID"),
          Vendor.of("Cirrus CI", "CIRRUS_CI"),
          Vendor.of("Cloudflare Pages", "CF_PAGES"),
          Vendor.of("Cloudflare Workers", "WORKERS_CI"),
          Vendor.of("Codemagic", "CM_BUILD_ID"),
          Vendor.valued("Codeship", "CI_NAME", "codeship"),
          Vendor.of("dsari", "DSARI"),
          Vendor.of("Earthly", "EARTHLY_CI"),
          Vendor.of("Expo Application Services", "EAS_BUILD"),
          Vendor.of("Gerrit", "GERRIT_PROJECT"),
          Vendor.of("Gitea Actions", "GITEA_ACTIONS"),
          Vendor.of("GoCD", "GO_PIPELINE_LABEL"),
          Vendor.of("Heroku CI", "HEROKU_TEST_RUN_ID"),
          Vendor.of("JetBrains Space", "JB_SPACE_EXECUTION_NUMBER"),
          Vendor.of("LayerCI", "LAYERCI"),
          Vendor.of("Magnum CI", "MAGNUM"),
          Vendor.of("Nevercode", "NEVERCODE"),
          Vendor.of("Prow", "PROW_JOB_ID"),
          Vendor.of("ReleaseHub", "RELEASE_BUILD_ID"),
          Vendor.of("Render", "RENDER"),
          Vendor.of("Sail CI", "SAILCI"),
          Vendor.of("Screwdriver", "SCREWDRIVER"),
          Vendor.valued("Sourcehut", "CI_NAME", "sourcehut"),
          Vendor.of("Strider CD", "STRIDER"),
          Vendor.of("TaskCluster", "TASK_ID", "RUN_ID"),
          Vendor.of("Vela", "VELA"),
          Vendor.of("Visual Studio App Center", "APPCENTER_BUILD_ID"),
          Vendor.of("Xcode Cloud", "CI_XCODE_PROJECT"),
          Vendor.of("Xcode Server", "XCS"),
          Vendor.of("Concourse", "CONCOURSE"),
          Vendor.of("Concourse", "BUILD_PIPELINE_NAME", "ATC_EXTERNAL_URL"));

  private CiDetector() {}

  /**
   * The CI that {@code environment} shows, by vendor name ({@value #GENERIC} when only {@code CI}
   * says so), or empty when it shows none.
   */
  public static Optional<String> detect(Map<String, String> environment) {
    Objects.requireNonNull(environment, "environment");
    for (Vendor vendor : VENDORS) {
      if (vendor.matches(environment)) {
        return Optional.of(vendor.name());
      }
    }
    String ci = environment.get("CI");
    if (ci != null) {
      String v = ci.trim().toLowerCase(Locale.ROOT);
      if (!v.isEmpty() && !v.equals("false") && !v.equals("0")) {
        return Optional.of(GENERIC);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code environment} shows a CI. */
  public static boolean isCi(Map<String, String> environment) {
    return detect(environment).isPresent();
  }
}
