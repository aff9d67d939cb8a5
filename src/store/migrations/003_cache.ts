import type { Migration } from './types.js';

// The embedded engine's component cache: one row per cache key (a digest of everything that
// decides a task's result, see src/engines/local/cache/key.ts) holding the outputs of the attempt
// that produced it. No foreign key to runs: an entry outlives the records of the run it came from,
// and its artifacts live in the content-addressed store, not in the run's rows.
// Times are epoch milliseconds. JSON columns hold JSON text.
export const migration003: Migration = {
  id: 3,
  name: 'cache',
  sql: `
CREATE TABLE cache_entries (
  cache_key   TEXT    NOT NULL PRIMARY KEY,  -- sha256 hex
  workflow    TEXT    NOT NULL,              -- workflow of the producing run (for listings only)
  task        TEXT    NOT NULL,              -- producing task key: name, or name[i] in a forEach
  run_id      TEXT    NOT NULL,              -- producing run
  outputs     TEXT    NOT NULL,              -- JSON: name -> {kind: param, value} | {kind: artifact, artifact}
  metrics     TEXT    NOT NULL,              -- JSON list of {name, value, step?, time}
  created_at  INTEGER NOT NULL,
  hits        INTEGER NOT NULL DEFAULT 0,
  last_hit_at INTEGER
) WITHOUT ROWID;
CREATE INDEX cache_entries_created_at ON cache_entries (created_at, cache_key);
CREATE INDEX cache_entries_workflow_created_at ON cache_entries (workflow, created_at, cache_key);
`,
};
