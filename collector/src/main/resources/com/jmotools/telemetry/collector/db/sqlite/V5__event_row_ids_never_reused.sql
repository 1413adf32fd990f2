-- Row ids are never used twice. events.id was a plain INTEGER PRIMARY KEY (the rowid), which SQLite
-- assigns as the highest id + 1: once the rows with the highest ids were deleted (an erasure, a
-- purge that emptied the table), new rows took their ids again. The statistics rollup recognises a
-- day's rows by their count and the sum of their ids, and finds late rows by id above the last one
-- it saw, so a reused id could leave a day's figures wrong for good. AUTOINCREMENT keeps the
-- highest id ever given in sqlite_sequence (copying the rows below sets it to their highest id).
-- The table is rebuilt in id order, with its one index (the events_event_id index went in V2).
CREATE TABLE events_autoincrement (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT,
  event_type TEXT NOT NULL,
  version TEXT NOT NULL,
  platform TEXT NOT NULL,
  python_version TEXT,
  runtime TEXT,
  anonymous_id TEXT NOT NULL,
  metadata TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  received_at TEXT,
  -- Only rows imported from a D1 export carry it; the collector leaves it NULL (exact times fingerprint).
  created_at DATETIME
);

INSERT INTO events_autoincrement (id, event_id, event_type, version, platform, python_version,
    runtime, anonymous_id, metadata, timestamp, received_at, created_at)
  SELECT id, event_id, event_type, version, platform, python_version, runtime, anonymous_id,
    metadata, timestamp, received_at, created_at
  FROM events ORDER BY id;

DROP TABLE events;
ALTER TABLE events_autoincrement RENAME TO events;

-- As in V1: time-range selection for statistics, export and retention.
CREATE INDEX events_timestamp ON events (timestamp);
