-- Secrets the collector makes once per database and shares with every collector on it. The one in
-- use, event_id_key, keys the hash that turns the event_id a client sent into the id stored (see
-- StoredEventIds in the collector): no bit a client chooses is stored. Values are hex; the collector
-- inserts the row on its first start.
CREATE TABLE collector_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
