import type { Migration } from './types.js';

// Tracking (issue 4): which experiment a run belongs to, what each task run consumed (resolved
// param values and input artifacts, so lineage can walk from an artifact to the task runs that
// produced and consumed it), and the metadata a task attached to an artifact output.
// Existing runs are put in the experiment their spec names, else their workflow's.
export const migration004: Migration = {
  id: 4,
  name: 'tracking',
  sql: `
ALTER TABLE runs ADD COLUMN experiment TEXT;
UPDATE runs SET experiment = COALESCE(json_extract(spec, '$.experiment'), workflow);
CREATE INDEX runs_experiment_created_at ON runs (experiment, created_at, id);

ALTER TABLE run_artifacts ADD COLUMN metadata TEXT;  -- JSON object, NULL when the task gave none

-- One row per consumed param, or per consumed artifact (a list of artifacts: one row per item).
CREATE TABLE task_inputs (
  run_id        TEXT    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task          TEXT    NOT NULL,                  -- task key: name, or name[i] in a forEach
  name          TEXT    NOT NULL,
  position      INTEGER NOT NULL,                  -- index in a list of artifacts; -1 otherwise
  attempt       INTEGER NOT NULL,
  kind          TEXT    NOT NULL CHECK (kind IN ('param', 'artifact')),
  value         TEXT,                              -- JSON value of a param input
  digest        TEXT,                              -- artifact inputs: content digest
  artifact      TEXT,                              -- artifact inputs: JSON ArtifactRef
  source_task   TEXT,                              -- producing task output in the same run
  source_output TEXT,
  PRIMARY KEY (run_id, task, name, position)
) WITHOUT ROWID;
CREATE INDEX task_inputs_digest ON task_inputs (digest) WHERE digest IS NOT NULL;
`,
};
