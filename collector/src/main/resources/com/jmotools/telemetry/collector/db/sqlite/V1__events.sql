-- The guide's D1 table, plus event_id, runtime and received_at, so a D1 export loads as is.
-- Times are ISO-8601 text cut to the hour: YYYY-MM-DDTHH:00:00Z (text order is time order).
-- id is the rowid: appends go to the end of the table's B-tree.
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
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

-- Idempotency. Our ids are UUID v7 cut to the hour, so inserts land on a few hot index pages.
CREATE UNIQUE INDEX events_event_id ON events (event_id);

-- Time-range selection for statistics, export and retention; new rows are mostly recent hours.
-- The guide's indexes on event_type and anonymous_id are deliberately not kept: random anonymous ids
-- halve the insert rate, and the queries that filter on them also select a time range.
CREATE INDEX events_timestamp ON events (timestamp);

-- Ids whose holders asked for erasure; their later events are refused.
CREATE TABLE deleted_ids (
  anonymous_id TEXT PRIMARY KEY,
  deleted_at TEXT NOT NULL
);
