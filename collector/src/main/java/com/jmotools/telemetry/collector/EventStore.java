package com.jmotools.telemetry.collector;

import com.jmotools.telemetry.catalog.ValidatedEvent;
import com.jmotools.telemetry.collector.internal.JdbcEventStore;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Where validated events are stored: the {@code events} and {@code deleted_ids} tables of a {@link
 * Database}. Implementations are safe for use by several threads and several processes on one
 * database.
 */
public interface EventStore {

  /** What became of one appended event. */
  enum Outcome {
    /** Stored now. */
    ACCEPTED,
    /**
     * An event with this {@code event_id} was already stored (or came earlier in the same batch).
     */
    DUPLICATE,
    /** Its {@code anonymous_id} was erased at the user's request; not stored. */
    DELETED_ID
  }

  /**
   * Appends {@code rows} in one transaction and returns, in the same order, what became of each.
   * When this returns, the accepted rows are committed.
   *
   * @param rows events in column form (see {@link EventRow#of})
   * @param receivedAt when they arrived (stored cut to the hour)
   * @throws DatabaseException if the transaction failed; then nothing of the batch is stored
   */
  List<Outcome> append(List<EventRow> rows, Instant receivedAt);

  /**
   * As {@link #append}, from validated events.
   *
   * @throws IllegalArgumentException if an event has no {@code event_id}
   */
  default List<Outcome> appendEvents(List<ValidatedEvent> events, Instant receivedAt) {
    return append(events.stream().map(EventRow::of).toList(), receivedAt);
  }

  /**
   * Erases every row of {@code anonymousId} and records it so its later events are refused. The id
   * is compared as stored: the collector passes the keyed form of the id a client sent, the form
   * every row holds. The id is recorded first (one short transaction), then its rows are deleted in
   * slices so that ingestion goes on meanwhile.
   *
   * @return the number of rows erased now (0 when there were none, or none left from an earlier
   *     erasure)
   * @throws DatabaseException if the erasure failed part way: the id may already be recorded and
   *     some rows deleted; repeating the request completes it
   */
  int erase(UUID anonymousId, Instant at);

  /**
   * Deletes the events whose {@code timestamp} is before {@code cutoff}, in small transactions so
   * that ingestion continues meanwhile.
   *
   * @return the number of rows deleted
   * @throws DatabaseException if a deletion failed (rows deleted before stay deleted)
   */
  long purgeBefore(Instant cutoff);

  /**
   * What {@link #cleanImported} did.
   *
   * @param cleaned rows rewritten in the collector's own form
   * @param unreadable rows left as they were because their {@code timestamp} is not a time
   * @param erased rows loaded from D1 of an installation whose data was erased: deleted
   */
  record Cleaning(long cleaned, long unreadable, long erased) {}

  /**
   * Rewrites rows that were not written by a collector (a loaded D1 export) in the form the
   * collector stores: {@code timestamp} and {@code received_at} cut to the hour (a time without an
   * offset read as UTC), {@code created_at} emptied, {@code platform} one of {@code Linux}, {@code
   * macOS}, {@code Windows}, {@code Other} ({@code Darwin} is {@code macOS}), and the {@code
   * anonymous_id} of a row loaded after the ids were keyed (it has a {@code created_at}) keyed; a
   * loaded row of an erased id is deleted instead. Each such row is replaced by a new row with a
   * new id, so that the statistics rollup sees its day change. Works in slices of the id range,
   * each its own short transaction, so ingestion continues meanwhile; rows already in the
   * collector's form are only read.
   *
   * @throws DatabaseException if a slice failed (slices before it stay cleaned; running it again
   *     completes the work)
   */
  Cleaning cleanImported();

  /** The store of {@code database}'s tables. */
  static EventStore of(Database database) {
    return new JdbcEventStore(database.dataSource(), database.dialect());
  }
}
