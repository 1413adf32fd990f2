package com.jmotools.telemetry.catalog;

import java.util.List;
import java.util.Objects;

/**
 * A way of turning an exact number into a coarse range label, so exact values never leave the
 * machine. Every bucket but the last has an upper bound; the last takes everything above.
 *
 * @param name the scheme's name in the catalog, such as {@code duration}
 * @param unit what the numbers count, such as {@code seconds}
 * @param upperInclusive whether a value equal to a bucket's upper bound falls into that bucket
 * @param buckets the buckets from the lowest to the highest
 */
public record BucketScheme(String name, String unit, boolean upperInclusive, List<Bucket> buckets) {

  /** One range: its label and its upper bound, {@code null} for the open-ended last bucket. */
  public record Bucket(String label, Long upper) {
    public Bucket {
      Objects.requireNonNull(label, "label");
    }
  }

  public BucketScheme {
    Objects.requireNonNull(name, "name");
    buckets = List.copyOf(buckets);
    if (buckets.isEmpty()) {
      throw new IllegalArgumentException("bucket scheme without buckets: " + name);
    }
    for (int i = 0; i < buckets.size(); i++) {
      boolean last = i == buckets.size() - 1;
      Long upper = buckets.get(i).upper();
      if (last != (upper == null)) {
        throw new IllegalArgumentException(
            "bucket scheme " + name + ": only the last bucket may be open-ended");
      }
      if (i > 0 && upper != null && upper <= buckets.get(i - 1).upper()) {
        throw new IllegalArgumentException("bucket scheme " + name + ": bounds must increase");
      }
    }
  }

  /** The labels, lowest range first. */
  public List<String> labels() {
    return buckets.stream().map(Bucket::label).toList();
  }

  /** Whether {@code label} is one of the labels; allocates nothing (validation asks per event). */
  public boolean hasLabel(String label) {
    for (Bucket bucket : buckets) {
      if (bucket.label().equals(label)) {
        return true;
      }
    }
    return false;
  }

  /** The label of the bucket that holds {@code value}. */
  public String labelFor(double value) {
    for (Bucket bucket : buckets) {
      if (bucket.upper() == null
          || (upperInclusive ? value <= bucket.upper() : value < bucket.upper())) {
        return bucket.label();
      }
    }
    throw new AssertionError("the last bucket is open-ended");
  }
}
