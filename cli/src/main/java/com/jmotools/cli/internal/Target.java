package com.jmotools.cli.internal;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One thing to scan.
 *
 * @param type its kind
 * @param value what tools are given for {@code {target}}: a directory, file, image, URL or context
 * @param name a short display name, also the name of its results directory (unique in a scan)
 * @param root the directory that finding paths are made relative to, or null
 */
public record Target(TargetType type, String value, String name, Path root) {

  public Target {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(name, "name");
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("target name must be a safe file name: " + name);
    }
  }
}
