package com.jmotools.telemetry.collector.internal;

import com.jmotools.telemetry.catalog.EventIds;
import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.collector.DatabaseException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ids the collector stores for the ones a client sent, each a keyed hash (HMAC-SHA256) of the
 * sent id: for an {@code event_id}, a UUID v7 whose time field is the event's stored hour and whose
 * other 74 bits come from the hash ({@link #derive}); for an {@code anonymous_id}, a UUID v4 whose
 * 122 random bits come from the hash of a distinct input ({@link #anonymousId}).
 *
 * <p>Why: a client chooses every bit of its {@code event_id}, so a stored copy could carry anything
 * (the exact millisecond in a v7 id, an address or a name spelled in hex). The derived id carries
 * nothing but the hour, and the same sent id always gives the same stored id, so a retried event is
 * still a duplicate. It keeps the layout the store relies on: ids sort by hour and sit in their own
 * event's hour ({@link SqliteEventIds}).
 *
 * <p>The anonymous id is keyed for the same reason (a modified client could fill its 122 random
 * bits with data), and so that a stored row cannot be matched to the id file on a user's machine
 * without the database's key: an export or a copy of the events table names no installation. The
 * mapping is one to one and the same for every collector of a database, so distinct ids still count
 * installations, and a deletion request for the sent id finds its rows.
 *
 * <p>The key is made once per database, from {@link SecureRandom}, and kept in the table {@code
 * collector_secrets}, so every collector on one PostgreSQL database derives the same ids and a
 * restart changes none. Thread-safe.
 */
public final class StoredEventIds {

  /** The row of {@code collector_secrets} that holds the key. */
  static final String KEY_NAME = "event_id_key";

  private static final int KEY_BYTES = 32;
  private static final String ALGORITHM = "HmacSHA256";

  /**
   * What the hash of an anonymous id starts with: an event id's hash has 16 bytes of input and this
   * one more, so the two never hash the same input.
   */
  private static final byte[] ANONYMOUS_ID_LABEL =
      "jmo-telemetry anonymous_id\0".getBytes(StandardCharsets.US_ASCII);

  private final SecretKeySpec key;

  StoredEventIds(byte[] key) {
    if (key.length < 16) {
      throw new IllegalArgumentException("event id key shorter than 16 bytes: " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    newMac(); // fails here, not on the first event, if the platform lacks HmacSHA256
  }

  /**
   * The deriver of {@code database}'s key, which is made and stored first if the database has none
   * yet. Several collectors starting at once on one database agree on one key.
   *
   * @throws DatabaseException if the key cannot be read or stored
   */
  public static StoredEventIds of(Database database) {
    try (Connection c = database.dataSource().getConnection()) {
      return of(c);
    } catch (SQLException e) {
      throw new DatabaseException(
          "cannot read the event id key of " + database.description() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The deriver of the key stored in the database of {@code c}, made and stored first if there is
   * none yet, within the connection's transaction if one is open (the migration that keys stored
   * anonymous ids runs in one).
   */
  static StoredEventIds of(Connection c) throws SQLException {
    byte[] key = read(c);
    if (key == null) {
      byte[] fresh = new byte[KEY_BYTES];
      new SecureRandom().nextBytes(fresh);
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO collector_secrets (name, value) VALUES (?, ?)"
                  + " ON CONFLICT (name) DO NOTHING")) {
        insert.setString(1, KEY_NAME);
        insert.setString(2, HexFormat.of().formatHex(fresh));
        insert.executeUpdate();
      }
      key = read(c); // ours, or the one another collector stored first
    }
    if (key == null) {
      throw new SQLException("the event id key was stored but cannot be read back");
    }
    return new StoredEventIds(key);
  }

  private static byte[] read(Connection c) throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement("SELECT value FROM collector_secrets WHERE name = ?")) {
      select.setString(1, KEY_NAME);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          return null;
        }
        try {
          return HexFormat.of().parseHex(rows.getString(1));
        } catch (IllegalArgumentException e) {
          throw new SQLException("collector_secrets." + KEY_NAME + " is not hex", e);
        }
      }
    }
  }

  /**
   * The id to store for an event of {@code hour} that a client sent with the id {@code sent}: the
   * same for the same two, and nothing of {@code sent} readable in it.
   */
  public UUID derive(UUID sent, Instant hour) {
    Objects.requireNonNull(sent, "sent");
    Mac mac = newMac(); // a Mac is not thread-safe; a new one costs about a microsecond
    ByteBuffer input = ByteBuffer.allocate(16);
    input.putLong(sent.getMostSignificantBits()).putLong(sent.getLeastSignificantBits());
    ByteBuffer digest = ByteBuffer.wrap(mac.doFinal(input.array()));
    return EventIds.of(hour, digest.getLong(), digest.getLong());
  }

  /**
   * The anonymous id to store, and to look up, for the one a client sent: the same for the same
   * {@code sent}, a UUID v4 in form, nothing of {@code sent} readable in it.
   */
  public UUID anonymousId(UUID sent) {
    return anonymousId(sent.toString());
  }

  /**
   * The keyed form of an anonymous id as text, read without regard to case: {@code
   * anonymousId(UUID)} of a UUID's text, for rows that carry one in upper case (imported from a D1
   * export) or, from the guide's older clients, one that is not a UUID at all.
   */
  UUID anonymousId(String sent) {
    Mac mac = newMac();
    mac.update(ANONYMOUS_ID_LABEL);
    ByteBuffer digest =
        ByteBuffer.wrap(
            mac.doFinal(sent.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
    long most = (digest.getLong() & ~0xF000L) | 0x4000L; // version 4
    long least = (digest.getLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L; // IETF
    return new UUID(most, least);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java platform", e);
    }
  }
}
