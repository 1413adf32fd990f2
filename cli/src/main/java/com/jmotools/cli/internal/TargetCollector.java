package com.jmotools.cli.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the target options into checked {@link Target}s with unique names. Values are refused when
 * they could be mistaken for a tool's option (a leading '-') or do not exist.
 */
public final class TargetCollector {

  /** Lines read from a --targets, --images-file or --urls-file file, at most. */
  public static final int MAX_LIST_LINES = 10_000;

  /** The GitLab server used when --gitlab-url is not given. */
  public static final String DEFAULT_GITLAB_URL = "https://gitlab.com";

  private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,511}");
  private static final Pattern GITLAB_PATH = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,254}");
  private static final Pattern K8S_CONTEXT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/-]{0,253}");

  private final Path workDir;
  private final List<Target> targets = new ArrayList<>();
  private final Set<String> names = new HashSet<>();

  private TargetCollector(Path workDir) {
    this.workDir = workDir;
  }

  /**
   * Collects the targets of {@code options}; relative paths are taken from {@code workDir}.
   *
   * @throws UserError ({@link ExitCodes#CONFIG}) for a target that does not exist or is not safe
   */
  public static List<Target> collect(TargetOptions options, Path workDir, GitLabProjects gitlab) {
    TargetCollector c = new TargetCollector(workDir);
    options.repos.forEach(c::repo);
    if (options.reposDir != null) {
      Path dir = c.resolve(options.reposDir);
      if (!Files.isDirectory(dir)) {
        throw new UserError(
            ExitCodes.CONFIG, "--repos-dir " + options.reposDir + ": no such directory");
      }
      List<Path> subdirs = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          if (Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")) {
            subdirs.add(p);
          }
        }
      } catch (IOException e) {
        throw new UserError(
            ExitCodes.CONFIG,
            "--repos-dir " + options.reposDir + ": cannot list (" + e.getMessage() + ")",
            e);
      }
      subdirs.stream().sorted().forEach(c::repo);
    }
    if (options.targetsFile != null) {
      c.lines(options.targetsFile, "--targets").forEach(l -> c.repo(Path.of(l)));
    }
    options.images.forEach(c::image);
    if (options.imagesFile != null) {
      c.lines(options.imagesFile, "--images-file").forEach(c::image);
    }
    options.terraformStates.forEach(p -> c.iac(p, "--terraform-state"));
    options.cloudformation.forEach(p -> c.iac(p, "--cloudformation"));
    options.k8sManifests.forEach(p -> c.iac(p, "--k8s-manifest"));
    options.urls.forEach(c::url);
    if (options.urlsFile != null) {
      c.lines(options.urlsFile, "--urls-file").forEach(c::url);
    }
    String gitlabUrl =
        options.gitlabUrl == null ? DEFAULT_GITLAB_URL : options.gitlabUrl.replaceAll("/+$", "");
    if (!options.gitlabRepos.isEmpty() || !options.gitlabGroups.isEmpty()) {
      if (!gitlabUrl.startsWith("https://") && !gitlabUrl.startsWith("http://")) {
        throw new UserError(ExitCodes.CONFIG, "--gitlab-url must be an http:// or https:// URL");
      }
    }
    options.gitlabRepos.forEach(r -> c.gitlab(gitlabUrl, r));
    for (String group : options.gitlabGroups) {
      checkSafe(group, GITLAB_PATH, "--gitlab-group");
      List<String> projects;
      try {
        projects = gitlab.list(gitlabUrl, group);
      } catch (IOException e) {
        throw new UserError(
            ExitCodes.CONFIG,
            "--gitlab-group " + group + ": cannot list its projects (" + e.getMessage() + ")",
            e);
      }
      projects.forEach(p -> c.gitlab(gitlabUrl, p));
    }
    options.k8sContexts.forEach(
        k -> {
          checkSafe(k, K8S_CONTEXT, "--k8s-context");
          c.add(TargetType.K8S, k, k, null);
        });
    return List.copyOf(c.targets);
  }

  /** How many targets of each kind, for {@code scan.started}'s {@code target_types}. */
  public static Map<String, Object> counts(List<Target> targets) {
    Map<TargetType, Integer> n = new EnumMap<>(TargetType.class);
    for (TargetType t : TargetType.values()) {
      n.put(t, 0);
    }
    targets.forEach(t -> n.merge(t.type(), 1, Integer::sum));
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    for (String key : List.of("repos", "images", "urls", "iac", "gitlab", "k8s")) {
      n.forEach(
          (type, count) -> {
            if (type.counter().equals(key)) {
              out.put(key, count);
            }
          });
    }
    return out;
  }

  private void repo(Path given) {
    refuseLeadingDash(given, "repository");
    Path dir = resolve(given);
    if (!Files.isDirectory(dir)) {
      throw new UserError(ExitCodes.CONFIG, "repository " + given + ": no such directory");
    }
    Path real;
    try {
      real = dir.toRealPath();
    } catch (IOException e) {
      throw new UserError(
          ExitCodes.CONFIG, "repository " + given + ": cannot resolve (" + e.getMessage() + ")", e);
    }
    String base = real.getFileName() == null ? "root" : real.getFileName().toString();
    add(TargetType.REPO, real.toString(), base, real);
  }

  /**
   * A path that starts with '-' is refused, as every target value is (the user guide's promise);
   * ./-x still works.
   */
  private static void refuseLeadingDash(Path given, String what) {
    if (given.toString().startsWith("-")) {
      throw new UserError(
          ExitCodes.CONFIG,
          what
              + " '"
              + given
              + "': a path must not start with '-' (write ./"
              + given
              + " if that is really its name)");
    }
  }

  private void image(String image) {
    checkSafe(image, IMAGE, "image");
    add(TargetType.IMAGE, image, image.replaceAll("[/:@]", "_"), null);
  }

  private void iac(Path given, String option) {
    refuseLeadingDash(given, option);
    Path file = resolve(given);
    if (!Files.isRegularFile(file)) {
      throw new UserError(ExitCodes.CONFIG, option + " " + given + ": no such file");
    }
    add(
        TargetType.IAC,
        file.toAbsolutePath().normalize().toString(),
        file.getFileName().toString(),
        file.toAbsolutePath().normalize().getParent());
  }

  private void url(String url) {
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new UserError(ExitCodes.CONFIG, "url " + url + ": not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new UserError(
          ExitCodes.CONFIG, "url " + url + ": must be an http:// or https:// URL with a host");
    }
    add(
        TargetType.URL,
        uri.toString(),
        uri.getHost() + (uri.getPort() > 0 ? "_" + uri.getPort() : ""),
        null);
  }

  private void gitlab(String gitlabUrl, String project) {
    checkSafe(project, GITLAB_PATH, "--gitlab-repo");
    if (project.contains("..")) {
      throw new UserError(ExitCodes.CONFIG, "--gitlab-repo " + project + ": not a project path");
    }
    add(TargetType.GITLAB, gitlabUrl + "/" + project + ".git", project.replace('/', '_'), null);
  }

  private void add(TargetType type, String value, String baseName, Path root) {
    String base = baseName.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[._-]+", "");
    if (base.isEmpty()) {
      base = type.key();
    }
    String name = base;
    for (int i = 2; !names.add(name.toLowerCase(Locale.ROOT)); i++) {
      name = base + "-" + i;
    }
    targets.add(new Target(type, value, name, root));
  }

  private List<String> lines(Path given, String option) {
    Path file = resolve(given);
    try {
      List<String> out = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String t = line.strip();
        if (!t.isEmpty() && !t.startsWith("#")) {
          out.add(t);
        }
        if (out.size() > MAX_LIST_LINES) {
          throw new UserError(
              ExitCodes.CONFIG,
              option + " " + given + ": more than " + MAX_LIST_LINES + " entries");
        }
      }
      return out;
    } catch (IOException e) {
      throw new UserError(
          ExitCodes.CONFIG, option + " " + given + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  private Path resolve(Path p) {
    return workDir.resolve(p).normalize();
  }

  private static void checkSafe(String value, Pattern pattern, String what) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new UserError(
          ExitCodes.CONFIG,
          what + " '" + value + "': not a valid name (it must not start with '-' or hold spaces)");
    }
  }
}
