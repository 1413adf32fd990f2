package com.jmotools.telemetry.collector.internal;

import com.jmotools.telemetry.catalog.EventIds;
import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.collector.DatabaseException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The event id the collector stores for the one a client sent: a UUID v7 whose time field is the
 * event's stored hour and whose other 74 bits come from a keyed hash (HMAC-SHA256) of the sent id.
 *
 * <p>Why: a client chooses every bit of its {@code event_id}, so a stored copy could carry anything
 * (the exact millisecond in a v7 id, an address or a name spelled in hex). The derived id carries
 * nothing but the hour, and the same sent id always gives the same stored id, so a retried event is
 * still a duplicate. It keeps the layout the store relies on: ids sort by hour and sit in their own
 * event's hour ({@link SqliteEventIds}).
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
        throw new DatabaseException(
            "cannot store the event id key in " + database.description(), null);
      }
      return new StoredEventIds(key);
    } catch (SQLException e) {
      throw new DatabaseException(
          "cannot read the event id key of " + database.description() + ": " + e.getMessage(), e);
    }
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
