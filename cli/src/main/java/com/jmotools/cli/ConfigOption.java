package com.jmotools.cli;

import com.jmotools.cli.internal.ConfigLoader;
import com.jmotools.cli.internal.JmoConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The shared {@code --config} option. */
final class ConfigOption {

  /** The configuration file read when {@code --config} is not given (it may be absent). */
  static final String DEFAULT_CONFIG = "jmo.yml";

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "The jmo.yml to read (default: ./"
              + DEFAULT_CONFIG
              + ", which may be absent; a file named here must exist).")
  Path config;

  /** The file: the one named, else ./jmo.yml. */
  Path file(CliEnvironment env) {
    return env.workingDirectory()
        .resolve(config != null ? config : Path.of(DEFAULT_CONFIG))
        .normalize();
  }

  JmoConfig load(CliEnvironment env) {
    return ConfigLoader.load(file(env), config == null);
  }
}
