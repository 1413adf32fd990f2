package com.jmotools.telemetry.collector.internal;

/**
 * A set of UUIDs kept as pairs of longs in one open-addressing table: 24 to 48 bytes an id, where a
 * {@code HashSet<String>} of the same ids takes about 130. Holds no UUID whose high half is 0 (that
 * pair marks an empty slot); a UUID v7 never has one. Not thread-safe.
 */
final class UuidSet {

  private static final int MIN_CAPACITY = 16;

  private long[] slots = new long[2 * MIN_CAPACITY];
  private int size;

  /** Ids held. */
  int size() {
    return size;
  }

  boolean contains(long msb, long lsb) {
    long[] table = slots;
    int mask = table.length / 2 - 1;
    for (int i = index(msb, lsb, mask); ; i = (i + 1) & mask) {
      long m = table[2 * i];
      if (m == 0) {
        return false;
      }
      if (m == msb && table[2 * i + 1] == lsb) {
        return true;
      }
    }
  }

  /**
   * Adds an id.
   *
   * @return false if it was already there
   * @throws IllegalArgumentException if {@code msb} is 0
   */
  boolean add(long msb, long lsb) {
    if (msb == 0) {
      throw new IllegalArgumentException("a UUID whose high half is 0 cannot be held");
    }
    // At most two thirds full: probes stay short with linear probing.
    if (3 * (size + 1) > slots.length) {
      resize(slots.length);
    }
    if (!insert(slots, msb, lsb)) {
      return false;
    }
    size++;
    return true;
  }

  private void resize(int newCapacity) {
    long[] old = slots;
    long[] table = new long[2 * newCapacity];
    for (int i = 0; i < old.length; i += 2) {
      if (old[i] != 0) {
        insert(table, old[i], old[i + 1]);
      }
    }
    slots = table;
  }

  private static boolean insert(long[] table, long msb, long lsb) {
    int mask = table.length / 2 - 1;
    for (int i = index(msb, lsb, mask); ; i = (i + 1) & mask) {
      long m = table[2 * i];
      if (m == 0) {
        table[2 * i] = msb;
        table[2 * i + 1] = lsb;
        return true;
      }
      if (m == msb && table[2 * i + 1] == lsb) {
        return false;
      }
    }
  }

  private static int index(long msb, long lsb, int mask) {
    // The random bits of a UUID v7 are mostly in the low half; mix both halves anyway.
    long h = (msb ^ Long.rotateLeft(lsb, 29)) * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }
}
