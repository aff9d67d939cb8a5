import type { Migration } from './types.js';

// The engine each run is bound to (a column, to list runs by engine: one view over local, Argo and
// KFP runs) and, for a run on a remote engine, where it lives there (JSON RemoteRunRef: the Argo
// Workflow's name and uid, or the KFP run id, and a link to the engine's UI), so a restarted tandem
// finds every remote run again instead of submitting it twice. Runs recorded before this get the
// engine their routing names (local everywhere until now). No index, as for lane (migration 007).
export const migration011: Migration = {
  id: 11,
  name: 'remote_runs',
  sql: `
ALTER TABLE runs ADD COLUMN engine TEXT NOT NULL DEFAULT 'local';
ALTER TABLE runs ADD COLUMN remote TEXT;  -- JSON: RemoteRunRef; NULL for runs of the local engine
UPDATE runs SET engine = COALESCE(json_extract(routing, CASE WHEN json_extract(origin, '$.kind') = 'parent' THEN '$.engines.ml' ELSE '$.engines.orchestration' END), 'local');
`,
};
