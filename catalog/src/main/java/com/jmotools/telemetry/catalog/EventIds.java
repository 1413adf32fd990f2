package com.jmotools.telemetry.catalog;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import java.util.UUID;

/**
 * Makes event ids: UUID version 7 whose time field is cut to the hour.
 *
 * <p>Ids then sort by hour, which lets the collector keep the ids of recent hours apart from older
 * ones, and reveal no more about time than the hour the collector stores anyway. The other 74 bits
 * are random, so ids of one hour do not collide in practice.
 */
public final class EventIds {

  private EventIds() {}

  /**
   * The default source of randomness, made on first use only: a short-lived host that passes its
   * own {@link Random} does not pay for seeding a {@link SecureRandom} (35 classes of the security
   * providers and a read of the system's entropy).
   */
  private static final class DefaultRandom {
    static final Random INSTANCE = new SecureRandom();
  }

  /** A new event id for an event that happened at {@code time}. */
  public static UUID newId(Instant time) {
    return newId(time, DefaultRandom.INSTANCE);
  }

  /** As {@link #newId(Instant)}, with the given source of randomness. */
  public static UUID newId(Instant time, Random random) {
    return of(time, random.nextInt(1 << 12), random.nextLong());
  }

  /**
   * The version-7 id of the hour of {@code time} whose other 74 bits are taken from {@code bitsA}
   * (its low 12 bits) and {@code bitsB} (its low 62 bits): the layout of {@link #newId}, for bits
   * that come from elsewhere (the collector derives them from a keyed hash).
   */
  public static UUID of(Instant time, long bitsA, long bitsB) {
    long hourMillis = time.truncatedTo(ChronoUnit.HOURS).toEpochMilli();
    long msb = (hourMillis << 16) | (0x7L << 12) | (bitsA & 0xFFFL);
    long lsb = (bitsB & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }

  /** The hour encoded in a version-7 id, or {@code null} for ids of other versions. */
  public static Instant hourOf(UUID id) {
    if (id.version() != 7) {
      return null;
    }
    return Instant.ofEpochMilli(id.getMostSignificantBits() >>> 16);
  }
}
