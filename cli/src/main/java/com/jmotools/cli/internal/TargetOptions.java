package com.jmotools.cli.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The target options of {@code jmo scan}, as given (mutable, filled by picocli). */
public final class TargetOptions {
  public final List<Path> repos = new ArrayList<>();
  public Path reposDir;
  public Path targetsFile;
  public final List<String> images = new ArrayList<>();
  public Path imagesFile;
  public final List<Path> terraformStates = new ArrayList<>();
  public final List<Path> cloudformation = new ArrayList<>();
  public final List<Path> k8sManifests = new ArrayList<>();
  public final List<String> urls = new ArrayList<>();
  public Path urlsFile;
  public final List<String> gitlabRepos = new ArrayList<>();
  public final List<String> gitlabGroups = new ArrayList<>();
  public String gitlabUrl;
  public final List<String> k8sContexts = new ArrayList<>();

  /** Whether no target option was given at all. */
  public boolean isEmpty() {
    return repos.isEmpty()
        && reposDir == null
        && targetsFile == null
        && images.isEmpty()
        && imagesFile == null
        && terraformStates.isEmpty()
        && cloudformation.isEmpty()
        && k8sManifests.isEmpty()
        && urls.isEmpty()
        && urlsFile == null
        && gitlabRepos.isEmpty()
        && gitlabGroups.isEmpty()
        && k8sContexts.isEmpty();
  }
}
