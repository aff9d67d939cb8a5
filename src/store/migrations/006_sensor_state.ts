import type { Migration } from './types.js';

// What a sensor holds between events: the events that satisfied some of its dependencies while it
// waits for the rest (a && b after only a came). Saved before the event that changed it is
// acknowledged, so a restart does not forget an event the source will never send again.
export const migration006: Migration = {
  id: 6,
  name: 'sensor_state',
  sql: `
CREATE TABLE sensor_states (
  sensor     TEXT    NOT NULL PRIMARY KEY,
  snapshot   TEXT    NOT NULL,  -- JSON: SensorState.toJSON()
  event_ids  TEXT    NOT NULL,  -- JSON object: source name + source id -> tandem event id
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
`,
};
