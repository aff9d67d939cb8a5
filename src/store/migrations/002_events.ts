import type { Migration } from './types.js';

// The trigger layer's state: events as received, the exactly-once trigger claims (the commit
// point between an event and the run it starts), the event → run links that outlive the claims,
// dead letters, and the last fired tick of each cron schedule.
// Times are epoch milliseconds unless said otherwise. JSON columns hold JSON text.
export const migration002: Migration = {
  id: 2,
  name: 'events',
  sql: `
-- One row per event a source handed over; (source_name, source_id) drops redeliveries.
CREATE TABLE events (
  event_id     TEXT    NOT NULL PRIMARY KEY,
  source_name  TEXT    NOT NULL,
  source_id    TEXT    NOT NULL,
  source       TEXT    NOT NULL,
  type         TEXT    NOT NULL,
  subject      TEXT,
  time         TEXT    NOT NULL,  -- ISO 8601, as the producer said
  content_type TEXT    NOT NULL,
  data         TEXT,              -- JSON text; NULL when the event has no data at all
  extensions   TEXT,              -- JSON object of strings
  received_at  INTEGER NOT NULL,
  status       TEXT    NOT NULL CHECK (status IN ('received', 'dispatched', 'failed')),
  error        TEXT,
  UNIQUE (source_name, source_id)
);
CREATE INDEX events_received_at ON events (received_at, event_id);
CREATE INDEX events_source_name_type_received_at ON events (source_name, type, received_at, event_id);
CREATE INDEX events_type_received_at ON events (type, received_at, event_id);
CREATE INDEX events_status_received_at ON events (status, received_at, event_id);

-- The dedup window of one trigger: while unexpired, (sensor, trigger, key) maps to one run.
CREATE TABLE trigger_claims (
  sensor       TEXT    NOT NULL,
  trigger_name TEXT    NOT NULL,
  dedup_key    TEXT    NOT NULL,
  run_id       TEXT    NOT NULL,
  claimed_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  PRIMARY KEY (sensor, trigger_name, dedup_key)
) WITHOUT ROWID;
CREATE INDEX trigger_claims_expires_at ON trigger_claims (expires_at);

-- Which run each event led to. Kept when claims expire or are pruned: it is history, not dedup.
CREATE TABLE trigger_claim_events (
  event_id     TEXT    NOT NULL,
  run_id       TEXT    NOT NULL,
  sensor       TEXT    NOT NULL,
  trigger_name TEXT    NOT NULL,
  linked_at    INTEGER NOT NULL,
  PRIMARY KEY (event_id, run_id)
) WITHOUT ROWID;
CREATE INDEX trigger_claim_events_run_id ON trigger_claim_events (run_id);

-- Triggers that failed for good, with what they would have started.
CREATE TABLE dead_letters (
  id           INTEGER NOT NULL PRIMARY KEY,
  sensor       TEXT    NOT NULL,
  trigger_name TEXT    NOT NULL,
  event_ids    TEXT    NOT NULL,  -- JSON array of event ids
  error        TEXT    NOT NULL,
  attempts     INTEGER NOT NULL,
  time         INTEGER NOT NULL,
  params       TEXT               -- JSON object
);
CREATE INDEX dead_letters_sensor_id ON dead_letters (sensor, id);

-- The last tick each cron schedule fired, so catch-up after downtime fires each missed tick once.
CREATE TABLE cron_ticks (
  source     TEXT    NOT NULL,
  schedule   TEXT    NOT NULL,
  last_tick  INTEGER NOT NULL,
  PRIMARY KEY (source, schedule)
) WITHOUT ROWID;
`,
};
