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
    int i = (int) (mix(h) & mask);
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

  public void addAll(long[] hashes) {
    for (long h : hashes) {
      add(h);
    }
  }

  public void addAll(LongSet other) {
    if (other.hasZero) {
      add(EMPTY);
    }
    for (long h : other.table) {
      if (h != EMPTY) {
        add(h);
      }
    }
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

  /** The sorted hashes as bytes (8 per hash, big-endian). */
  public byte[] encode() {
    long[] sorted = toSortedArray();
    ByteBuffer b = ByteBuffer.allocate(sorted.length * 8);
    for (long h : sorted) {
      b.putLong(h);
    }
    return b.array();
  }

  /** Adds the hashes of an {@link #encode()}d array. */
  public void addEncoded(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.remaining() >= 8) {
      add(b.getLong());
    }
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
        int i = (int) (mix(h) & mask);
        while (table[i] != EMPTY) {
          i = (i + 1) & mask;
        }
        table[i] = h;
      }
    }
  }
}
