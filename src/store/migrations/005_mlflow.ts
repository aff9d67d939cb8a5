import type { Migration } from './types.js';

// The MLflow mirror's bookkeeping (src/tracking/mlflow/): one row per tandem run being mirrored,
// holding where it went in MLflow and how far the export got, so a retry after an outage resumes
// instead of starting over, and `tandem mlflow export --json` can show what is pending or failed.
// Times are epoch milliseconds.
export const migration005: Migration = {
  id: 5,
  name: 'mlflow',
  sql: `
CREATE TABLE mlflow_exports (
  run_id          TEXT    NOT NULL PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  status          TEXT    NOT NULL CHECK (status IN ('pending', 'exported', 'failed')),
  experiment_id   TEXT,                       -- MLflow experiment id, once known
  mlflow_run_id   TEXT,                       -- MLflow run id, once created or found
  attempts        INTEGER NOT NULL DEFAULT 0, -- tries of the current export request
  last_error      TEXT,                       -- why the last try failed; NULL after a success
  next_attempt_at INTEGER,                    -- when a pending export is due; NULL for exported and failed
  metrics_sent    INTEGER NOT NULL DEFAULT 0, -- how many of the run's metric rows (in store order) MLflow has
  exported_at     INTEGER,                    -- when the last complete export finished
  updated_at      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX mlflow_exports_due ON mlflow_exports (status, next_attempt_at);
CREATE INDEX mlflow_exports_updated_at ON mlflow_exports (updated_at, run_id);
`,
};
