package com.jmotools.telemetry.collector.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.IntFunction;

/**
 * The SQLite writer's statements, prepared once per database connection and kept across batches.
 *
 * <p>Why: SQLite parses a statement's text on every prepare, and the writer used to prepare its
 * transaction's statements for every batch; by profile that was a fifth of the writer's CPU at 16
 * connections. They are prepared on the driver's own connection, under the pool's proxy, so that
 * the pool does not close them each time the connection goes back to it; the pool hands the
 * writer's thread the same connection each time, and on another one they are prepared anew. Only
 * the single writer uses them ({@link JdbcEventStore} appends under its lock).
 */
final class SqliteWriterStatements implements AutoCloseable {

  private final Connection raw;
  private final IntFunction<String> insertText;
  private final PreparedStatement[] inserts;
  private PreparedStatement begin;
  private PreparedStatement commit;
  private PreparedStatement deletedMaxRowid;
  private PreparedStatement deletedLookup;

  private SqliteWriterStatements(
      Connection raw, int maxInsertRows, IntFunction<String> insertText) {
    this.raw = raw;
    this.insertText = insertText;
    this.inserts = new PreparedStatement[maxInsertRows + 1];
  }

  /**
   * The statements of {@code pooled}'s underlying connection: {@code previous} when it is for that
   * connection, or new ones (and {@code previous}'s are closed).
   *
   * @param insertText the text of an INSERT of a given number of rows
   */
  static SqliteWriterStatements of(
      Connection pooled,
      SqliteWriterStatements previous,
      int maxInsertRows,
      IntFunction<String> insertText)
      throws SQLException {
    Connection raw =
        pooled.isWrapperFor(Connection.class) ? pooled.unwrap(Connection.class) : pooled;
    if (previous != null && previous.raw == raw) {
      return previous;
    }
    if (previous != null) {
      previous.close();
    }
    return new SqliteWriterStatements(raw, maxInsertRows, insertText);
  }

  /** Takes the write lock at once (waiting out another process via busy_timeout). */
  void beginImmediate() throws SQLException {
    if (begin == null) {
      begin = raw.prepareStatement("BEGIN IMMEDIATE");
    }
    begin.execute();
  }

  void commit() throws SQLException {
    if (commit == null) {
      commit = raw.prepareStatement("COMMIT");
    }
    commit.execute();
  }

  /**
   * The highest rowid of {@code deleted_ids}, 0 when it is empty: a seek to the table's last row,
   * not a count.
   */
  long deletedMaxRowid() throws SQLException {
    if (deletedMaxRowid == null) {
      deletedMaxRowid = raw.prepareStatement("SELECT COALESCE(MAX(rowid), 0) FROM deleted_ids");
    }
    try (ResultSet r = deletedMaxRowid.executeQuery()) {
      return r.next() ? r.getLong(1) : 0;
    }
  }

  /** Whether {@code deleted_ids} holds {@code anonymousId}. */
  boolean isDeleted(String anonymousId) throws SQLException {
    if (deletedLookup == null) {
      deletedLookup = raw.prepareStatement("SELECT 1 FROM deleted_ids WHERE anonymous_id = ?");
    }
    deletedLookup.setString(1, anonymousId);
    try (ResultSet r = deletedLookup.executeQuery()) {
      return r.next();
    }
  }

  /** The INSERT of {@code rows} rows, 1 to the maximum given. */
  PreparedStatement insert(int rows) throws SQLException {
    PreparedStatement insert = inserts[rows];
    if (insert == null) {
      insert = raw.prepareStatement(insertText.apply(rows));
      inserts[rows] = insert;
    }
    return insert;
  }

  /** Closes every statement; a connection the pool has closed meanwhile is no error. */
  @Override
  public void close() {
    closeQuietly(begin);
    closeQuietly(commit);
    closeQuietly(deletedMaxRowid);
    closeQuietly(deletedLookup);
    for (PreparedStatement insert : inserts) {
      closeQuietly(insert);
    }
  }

  private static void closeQuietly(PreparedStatement statement) {
    if (statement == null) {
      return;
    }
    try {
      statement.close();
    } catch (SQLException ignored) {
      // Its connection is gone, and the statement with it.
    }
  }
}
