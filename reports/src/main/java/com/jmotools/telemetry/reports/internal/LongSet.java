package com.jmotools.telemetry.reports.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A set of 64-bit id hashes (open addressing, no boxing), for exact distinct counts over many days.
 * Encodes to and from a sorted byte array for storage.
 */
public final class LongSet {

  private static final long EMPTY = 0L;
  private long[] table;
  private int size;
  private boolean hasZero;

  public LongSet() {
    this(16);
  }

  public LongSet(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    table = new long[cap];
  }

  /** An independent copy. */
  public LongSet copy() {
    LongSet c = new LongSet(1);
    c.table = table.clone();
    c.size = size;
    c.hasZero = hasZero;
    return c;
  }

  /** Adds a hash; returns whether it was new. */
  public boolean add(long h) {
    if (h == EMPTY) {
      if (hasZero) {
        return false;
      }
      hasZero = true;
      size++;
      return true;
    }
    if ((size + 1) * 2 > table.length) {
      grow();
    }
    int mask = table.length - 1;
    int i = (int) (h & mask); // hashes are well mixed already (see hash)
    while (table[i] != EMPTY) {
      if (table[i] == h) {
        return false;
      }
      i = (i + 1) & mask;
    }
    table[i] = h;
    size++;
    return true;
  }

  /** Passes every hash to {@code action}, in no particular order. */
  public void forEach(java.util.function.LongConsumer action) {
    if (hasZero) {
      action.accept(EMPTY);
    }
    for (long h : table) {
      if (h != EMPTY) {
        action.accept(h);
      }
    }
  }

  /**
   * Keeps only the {@code n} smallest hashes (signed order, as {@link #toSortedArray}), in a table
   * sized for them; returns the largest one kept.
   *
   * @throws IllegalArgumentException if {@code n < 1} or the set holds fewer than {@code n}
   */
  public long retainSmallest(int n) {
    if (n < 1 || n > size) {
      throw new IllegalArgumentException("cannot keep " + n + " of " + size + " hashes");
    }
    long[] sorted = toSortedArray();
    int cap = Integer.highestOneBit(Math.max(16, n * 2 - 1)) << 1;
    table = new long[cap];
    size = 0;
    hasZero = false;
    for (int i = 0; i < n; i++) {
      add(sorted[i]);
    }
    return sorted[n - 1];
  }

  public int size() {
    return size;
  }

  /** The hashes, sorted. */
  public long[] toSortedArray() {
    long[] out = new long[size];
    int n = 0;
    if (hasZero) {
      out[n++] = EMPTY;
    }
    for (long h : table) {
      if (h != EMPTY) {
        out[n++] = h;
      }
    }
    Arrays.sort(out);
    return out;
  }

  /** Sorted hashes as bytes, with a trailing marker byte when {@code sketch}. */
  public static byte[] encode(long[] sorted, boolean sketch) {
    ByteBuffer b = ByteBuffer.allocate(sorted.length * 8 + (sketch ? 1 : 0));
    for (long h : sorted) {
      b.putLong(h);
    }
    if (sketch) {
      b.put((byte) 1);
    }
    return b.array();
  }

  /**
   * The hashes of an {@link #encode(long[], boolean)}d array (a trailing marker byte is ignored).
   */
  public static long[] decode(byte[] bytes) {
    long[] out = new long[bytes.length / 8];
    for (int j = 0, i = 0; j < out.length; j++, i += 8) {
      out[j] =
          ((long) bytes[i] << 56)
              | ((long) (bytes[i + 1] & 0xff) << 48)
              | ((long) (bytes[i + 2] & 0xff) << 40)
              | ((long) (bytes[i + 3] & 0xff) << 32)
              | ((long) (bytes[i + 4] & 0xff) << 24)
              | ((long) (bytes[i + 5] & 0xff) << 16)
              | ((long) (bytes[i + 6] & 0xff) << 8)
              | (bytes[i + 7] & 0xff);
    }
    return out;
  }

  /** A 64-bit hash of an anonymous id, as stored (the collector stores ids lower-case). */
  public static long hash(String id) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < id.length(); i++) {
      h ^= id.charAt(i);
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  private void grow() {
    long[] old = table;
    table = new long[old.length * 2];
    int mask = table.length - 1;
    for (long h : old) {
      if (h != EMPTY) {
        int i = (int) (h & mask);
        while (table[i] != EMPTY) {
          i = (i + 1) & mask;
        }
        table[i] = h;
      }
    }
  }
}
