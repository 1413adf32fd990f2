package com.jmotools.cli;

import com.jmotools.cli.internal.TargetOptions;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The target options of {@code jmo scan} and {@code jmo ci}. */
final class TargetMixin {

  @Option(
      names = "--repo",
      paramLabel = "PATH",
      description = "A repository directory to scan (repeatable).")
  List<Path> repos = new java.util.ArrayList<>();

  @Option(
      names = "--repos-dir",
      paramLabel = "DIR",
      description = "Scan every directory directly under DIR as a repository.")
  Path reposDir;

  @Option(
      names = "--targets",
      paramLabel = "FILE",
      description = "A file of repository paths, one per line (# comments).")
  Path targetsFile;

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description = "A container image to scan (repeatable).")
  List<String> images = new java.util.ArrayList<>();

  @Option(
      names = "--images-file",
      paramLabel = "FILE",
      description = "A file of container images, one per line.")
  Path imagesFile;

  @Option(
      names = "--terraform-state",
      paramLabel = "FILE",
      description = "A Terraform state or plan file (repeatable).")
  List<Path> terraformStates = new java.util.ArrayList<>();

  @Option(
      names = "--cloudformation",
      paramLabel = "FILE",
      description = "A CloudFormation template (repeatable).")
  List<Path> cloudformation = new java.util.ArrayList<>();

  @Option(
      names = "--k8s-manifest",
      paramLabel = "FILE",
      description = "A Kubernetes manifest (repeatable).")
  List<Path> k8sManifests = new java.util.ArrayList<>();

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "A web application URL to scan (repeatable).")
  List<String> urls = new java.util.ArrayList<>();

  @Option(names = "--urls-file", paramLabel = "FILE", description = "A file of URLs, one per line.")
  Path urlsFile;

  @Option(
      names = "--gitlab-repo",
      paramLabel = "GROUP/PROJECT",
      description =
          "A GitLab project to clone and scan (repeatable); the token is read from $GITLAB_TOKEN.")
  List<String> gitlabRepos = new java.util.ArrayList<>();

  @Option(
      names = "--gitlab-group",
      paramLabel = "GROUP",
      description = "Every project of a GitLab group (repeatable).")
  List<String> gitlabGroups = new java.util.ArrayList<>();

  @Option(
      names = "--gitlab-url",
      paramLabel = "URL",
      description = "The GitLab server (default: https://gitlab.com).")
  String gitlabUrl;

  @Option(
      names = "--k8s-context",
      paramLabel = "CONTEXT",
      description = "A Kubernetes context to scan (repeatable).")
  List<String> k8sContexts = new java.util.ArrayList<>();

  TargetOptions toOptions() {
    TargetOptions o = new TargetOptions();
    o.repos.addAll(repos);
    o.reposDir = reposDir;
    o.targetsFile = targetsFile;
    o.images.addAll(images);
    o.imagesFile = imagesFile;
    o.terraformStates.addAll(terraformStates);
    o.cloudformation.addAll(cloudformation);
    o.k8sManifests.addAll(k8sManifests);
    o.urls.addAll(urls);
    o.urlsFile = urlsFile;
    o.gitlabRepos.addAll(gitlabRepos);
    o.gitlabGroups.addAll(gitlabGroups);
    o.gitlabUrl = gitlabUrl;
    o.k8sContexts.addAll(k8sContexts);
    return o;
  }
}
