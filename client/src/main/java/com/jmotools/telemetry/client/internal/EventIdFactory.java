package com.jmotools.telemetry.client.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import java.util.UUID;

/**
 * Event ids exactly as the catalog's {@code EventIds.newId(Instant, Random)} makes them (a UUID v7
 * whose time field is cut to the hour), without initialising {@code EventIds}: its static
 * {@code SecureRandom}, which the client never uses, loads about 35 classes of the security
 * providers and seeds itself on every recording run (measured in bench/cli/README.md).
 * {@code EventIdFactoryTest} checks that both give the same id for the same random numbers.
 */
public final class EventIdFactory {

  private EventIdFactory() {}

  /** A new event id for {@code time}, with the random bits from {@code random}. */
  public static UUID newId(Instant time, Random random) {
    long hourMillis = time.truncatedTo(ChronoUnit.HOURS).toEpochMilli();
    long randA = random.nextInt(1 << 12);
    long msb = (hourMillis << 16) | (0x7L << 12) | randA;
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }
}
