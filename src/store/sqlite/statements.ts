// Every fixed statement the store runs, prepared once per connection. Positional parameters (in
// column order) are the fastest binding better-sqlite3 offers, which matters on the write path.
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './connection.js';
import type { ArtifactRow, MetricRow, OutputRow, RunEventRow, RunRow, TaskRunRow } from './rows.js';

type Nullable<T> = T | null;

export type InsertRunParams = [
  id: string,
  workflow: string,
  version: string,
  status: string,
  message: Nullable<string>,
  params: string,
  spec: string,
  baseDir: string,
  sourceFile: Nullable<string>,
  origin: string,
  createdAt: number,
  startedAt: Nullable<number>,
  finishedAt: Nullable<number>,
  owner: Nullable<string>,
  ownerPid: Nullable<number>,
  cancelRequested: number,
  outputs: Nullable<string>,
  experiment: Nullable<string>,
  lane: Nullable<string>,
  routing: Nullable<string>,
  noCache: number,
  engine: string,
];

type InsertEventParams = [
  runId: string,
  time: number,
  task: Nullable<string>,
  attempt: Nullable<number>,
  status: string,
  message: Nullable<string>,
];

type UpdateRunParams = [
  status: string,
  message: Nullable<string>,
  startedAt: Nullable<number>,
  finishedAt: Nullable<number>,
  outputs: Nullable<string>,
  id: string,
];

type UpsertTaskRunParams = [
  runId: string,
  task: string,
  attempt: number,
  status: string,
  message: Nullable<string>,
  startedAt: Nullable<number>,
  finishedAt: Nullable<number>,
  exitCode: Nullable<number>,
  signal: Nullable<string>,
  pid: Nullable<number>,
  logDir: Nullable<string>,
];

type UpsertOutputParams = [runId: string, task: string, name: string, kind: string, value: Nullable<string>];

type UpsertArtifactParams = [
  runId: string,
  task: string,
  name: string,
  digest: string,
  size: number,
  kind: string,
  type: string,
  path: string,
  metadata: Nullable<string>,
];

type InsertMetricParams = [
  runId: string,
  task: string,
  name: string,
  value: Nullable<number>,
  step: Nullable<number>,
  time: number,
];

export interface Statements {
  insertRun: Statement<InsertRunParams>;
  /** insertRun that does nothing (changes = 0) when the id exists; other constraints still fail. */
  insertRunIfAbsent: Statement<InsertRunParams>;
  insertEvent: Statement<InsertEventParams>;
  /** started_at is kept once set; finished_at follows the status (NULL when not terminal). */
  updateRun: Statement<UpdateRunParams>;
  setRemote: Statement<[remote: string, id: string]>;
  upsertTaskRun: Statement<UpsertTaskRunParams>;
  upsertOutput: Statement<UpsertOutputParams>;
  upsertArtifact: Statement<UpsertArtifactParams>;
  insertMetric: Statement<InsertMetricParams>;

  getRun: Statement<[string], RunRow>;
  runCreatedAt: Statement<[string], number>;
  listTaskRuns: Statement<[string], TaskRunRow>;
  listEvents: Statement<[string, number], RunEventRow>;
  listOutputs: Statement<[string], OutputRow>;
  listArtifacts: Statement<[string], ArtifactRow>;
  listMetrics: Statement<[string], MetricRow>;

  claimRun: Statement<[owner: string, ownerPid: number, id: string, expectedOwner: Nullable<string>]>;
  releaseRun: Statement<[id: string, owner: string]>;
  requestCancel: Statement<[id: string]>;
}

export function prepareStatements(db: SqliteDatabase): Statements {
  return {
    insertRun: db.prepare<InsertRunParams>(
      `INSERT INTO runs (id, workflow, version, status, message, params, spec, base_dir, source_file, origin,
         created_at, started_at, finished_at, owner, owner_pid, cancel_requested, outputs, experiment, lane, routing, no_cache, engine)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertRunIfAbsent: db.prepare<InsertRunParams>(
      `INSERT INTO runs (id, workflow, version, status, message, params, spec, base_dir, source_file, origin,
         created_at, started_at, finished_at, owner, owner_pid, cancel_requested, outputs, experiment, lane, routing, no_cache, engine)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    ),
    insertEvent: db.prepare<InsertEventParams>(
      'INSERT INTO run_events (run_id, time, task, attempt, status, message) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    setRemote: db.prepare<[string, string]>('UPDATE runs SET remote = ? WHERE id = ?'),
    updateRun: db.prepare<UpdateRunParams>(
      `UPDATE runs SET status = ?, message = ?, started_at = COALESCE(started_at, ?), finished_at = ?,
         outputs = COALESCE(?, outputs)
       WHERE id = ?`,
    ),
    upsertTaskRun: db.prepare<UpsertTaskRunParams>(
      `INSERT INTO task_runs (run_id, task, attempt, status, message, started_at, finished_at, exit_code, signal, pid, log_dir)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, task, attempt) DO UPDATE SET
         status = excluded.status, message = excluded.message, started_at = excluded.started_at,
         finished_at = excluded.finished_at, exit_code = excluded.exit_code, signal = excluded.signal,
         pid = excluded.pid, log_dir = excluded.log_dir`,
    ),
    upsertOutput: db.prepare<UpsertOutputParams>(
      `INSERT INTO outputs (run_id, task, name, kind, value) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, task, name) DO UPDATE SET kind = excluded.kind, value = excluded.value`,
    ),
    upsertArtifact: db.prepare<UpsertArtifactParams>(
      `INSERT INTO run_artifacts (run_id, task, name, digest, size, kind, type, path, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, task, name) DO UPDATE SET
         digest = excluded.digest, size = excluded.size, kind = excluded.kind, type = excluded.type, path = excluded.path,
         metadata = excluded.metadata`,
    ),
    insertMetric: db.prepare<InsertMetricParams>(
      'INSERT INTO metrics (run_id, task, name, value, step, time) VALUES (?, ?, ?, ?, ?, ?)',
    ),

    getRun: db.prepare<[string], RunRow>('SELECT * FROM runs WHERE id = ?'),
    runCreatedAt: db.prepare<[string], number>('SELECT created_at FROM runs WHERE id = ?').pluck(),
    listTaskRuns: db.prepare<[string], TaskRunRow>('SELECT * FROM task_runs WHERE run_id = ? ORDER BY task, attempt'),
    listEvents: db.prepare<[string, number], RunEventRow>('SELECT * FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq'),
    listOutputs: db.prepare<[string], OutputRow>('SELECT * FROM outputs WHERE run_id = ? ORDER BY task, name'),
    listArtifacts: db.prepare<[string], ArtifactRow>('SELECT * FROM run_artifacts WHERE run_id = ? ORDER BY task, name'),
    listMetrics: db.prepare<[string], MetricRow>(
      'SELECT run_id, task, name, value, step, time FROM metrics WHERE run_id = ? ORDER BY id',
    ),

    claimRun: db.prepare('UPDATE runs SET owner = ?, owner_pid = ? WHERE id = ? AND owner IS ?'),
    releaseRun: db.prepare('UPDATE runs SET owner = NULL, owner_pid = NULL WHERE id = ? AND owner = ?'),
    requestCancel: db.prepare('UPDATE runs SET cancel_requested = 1 WHERE id = ?'),
  };
}
