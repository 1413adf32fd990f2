-- Idempotency without one random index insert per event (see SqliteEventIds in the collector).
-- The unique index on events.event_id made every insert touch a random page of the current hour's
-- slice of the index, and every commit rewrite those pages in full: ingestion fell with the size of
-- the hour. Instead, the collector holds the ids of recent hours in memory and copies each hour's
-- ids into event_ids, in id order, once the hour is two hours old.
DROP INDEX events_event_id;

-- Ids of sealed hours, and ids that do not sit in their own event's hour (not UUID v7, or a v7 of
-- another hour). timestamp is the event's hour, for the retention purge.
CREATE TABLE event_ids (
  event_id TEXT PRIMARY KEY,
  timestamp TEXT NOT NULL
) WITHOUT ROWID;

INSERT INTO event_ids (event_id, timestamp)
  SELECT event_id, timestamp FROM events WHERE event_id IS NOT NULL ORDER BY event_id;

-- The open hour: ids of hours from this one on are found from events rows and event_ids together.
CREATE TABLE event_id_state (
  open_from TEXT NOT NULL
);
INSERT INTO event_id_state (open_from) VALUES (strftime('%Y-%m-%dT%H:00:00Z', 'now'));
