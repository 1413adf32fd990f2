package com.jmotools.cli.internal;

/** The kinds of scan target, and the {@code target_types} counter each one adds to. */
public enum TargetType {
  REPO("repos"),
  IMAGE("images"),
  IAC("iac"),
  URL("urls"),
  GITLAB("gitlab"),
  K8S("k8s");

  private final String counter;

  TargetType(String counter) {
    this.counter = counter;
  }

  /** The key of {@code scan.started}'s {@code target_types} this kind counts under. */
  public String counter() {
    return counter;
  }

  /** The lower-case name used in jmo.yml and in results (repo, image, iac, url, gitlab, k8s). */
  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The kind named {@code key} in jmo.yml. */
  public static TargetType fromKey(String key) {
    for (TargetType t : values()) {
      if (t.key().equalsIgnoreCase(key)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown target type '" + key + "' (use repo, image, iac, url, gitlab or k8s)");
  }
}
