import type { Migration } from './types.js';

// Times are epoch milliseconds. JSON columns hold JSON text. Optional fields are NULL.
export const migration001: Migration = {
  id: 1,
  name: 'initial',
  sql: `
CREATE TABLE runs (
  id               TEXT    NOT NULL PRIMARY KEY,
  workflow         TEXT    NOT NULL,
  version          TEXT    NOT NULL,
  status           TEXT    NOT NULL,
  message          TEXT,
  params           TEXT    NOT NULL,
  spec             TEXT    NOT NULL,
  base_dir         TEXT    NOT NULL,
  source_file      TEXT,
  origin           TEXT    NOT NULL,
  created_at       INTEGER NOT NULL,
  started_at       INTEGER,
  finished_at      INTEGER,
  owner            TEXT,
  owner_pid        INTEGER,
  cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
  outputs          TEXT
);
CREATE INDEX runs_created_at ON runs (created_at, id);
CREATE INDEX runs_status_created_at ON runs (status, created_at, id);
CREATE INDEX runs_workflow_created_at ON runs (workflow, created_at, id);

-- The primary key doubles as the index by run_id (and gives task, attempt order).
CREATE TABLE task_runs (
  run_id      TEXT    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task        TEXT    NOT NULL,
  attempt     INTEGER NOT NULL,
  status      TEXT    NOT NULL,
  message     TEXT,
  started_at  INTEGER,
  finished_at INTEGER,
  exit_code   INTEGER,
  signal      TEXT,
  pid         INTEGER,
  log_dir     TEXT,
  PRIMARY KEY (run_id, task, attempt)
) WITHOUT ROWID;

CREATE TABLE run_events (
  seq     INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  run_id  TEXT    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  time    INTEGER NOT NULL,
  task    TEXT,
  attempt INTEGER,
  status  TEXT    NOT NULL,
  message TEXT
);
CREATE INDEX run_events_run_id_seq ON run_events (run_id, seq);

CREATE TABLE outputs (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task   TEXT NOT NULL,
  name   TEXT NOT NULL,
  kind   TEXT NOT NULL CHECK (kind IN ('param', 'artifact')),
  value  TEXT,
  PRIMARY KEY (run_id, task, name)
) WITHOUT ROWID;

CREATE TABLE run_artifacts (
  run_id TEXT    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task   TEXT    NOT NULL,
  name   TEXT    NOT NULL,
  digest TEXT    NOT NULL,
  size   INTEGER NOT NULL,
  kind   TEXT    NOT NULL CHECK (kind IN ('file', 'directory')),
  type   TEXT    NOT NULL,
  path   TEXT    NOT NULL,
  PRIMARY KEY (run_id, task, name)
) WITHOUT ROWID;
CREATE INDEX run_artifacts_digest ON run_artifacts (digest);

-- A metric may be logged many times (one row per step), so rows are appended, not upserted.
CREATE TABLE metrics (
  id     INTEGER NOT NULL PRIMARY KEY,
  run_id TEXT    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task   TEXT    NOT NULL,
  name   TEXT    NOT NULL,
  value  REAL,             -- NULL stands for NaN (SQLite has no NaN)
  step   INTEGER,
  time   INTEGER NOT NULL
);
CREATE INDEX metrics_run_id ON metrics (run_id, id);
`,
};
