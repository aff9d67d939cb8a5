// Row shapes as SQLite returns them, and their mapping to the port's records. NULL columns become
// absent keys (not `undefined` values), so records round-trip under deepStrictEqual.
import type { RemoteRunRef, RunOrigin, RunRouting, RunStatus, TaskStatus } from '../../engines/model.js';
import type { WorkflowSpec } from '../../spec/schema.js';
import type { MetricRecord, OutputRecord, RunArtifactRecord, RunEventRecord, RunRecord, TaskRunRecord } from '../ports/runs.js';

export interface RunRow {
  id: string;
  workflow: string;
  version: string;
  status: string;
  message: string | null;
  params: string;
  spec: string;
  base_dir: string;
  source_file: string | null;
  origin: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  owner: string | null;
  owner_pid: number | null;
  cancel_requested: number;
  outputs: string | null;
  /** Added by migration 004. */
  experiment: string | null;
  /** Added by migration 007 (lane is routing.lane, kept as a column for filtering). */
  lane: string | null;
  routing: string | null;
  /** Added by migration 008. */
  no_cache: number;
  /** Added by migration 011 (engine is engineOf(run), a column for filtering only: the record derives it). */
  engine: string;
  remote: string | null;
}

export interface TaskRunRow {
  run_id: string;
  task: string;
  attempt: number;
  status: string;
  message: string | null;
  started_at: number | null;
  finished_at: number | null;
  exit_code: number | null;
  signal: string | null;
  pid: number | null;
  log_dir: string | null;
}

export interface RunEventRow {
  seq: number;
  run_id: string;
  time: number;
  task: string | null;
  attempt: number | null;
  status: string;
  message: string | null;
}

export interface OutputRow {
  run_id: string;
  task: string;
  name: string;
  kind: string;
  value: string | null;
}

export interface ArtifactRow {
  run_id: string;
  task: string;
  name: string;
  digest: string;
  size: number;
  kind: string;
  type: string;
  path: string;
  /** Added by migration 004: JSON object. */
  metadata: string | null;
}

export interface MetricRow {
  run_id: string;
  task: string;
  name: string;
  value: number | null;
  step: number | null;
  time: number;
}

/** JSON text for a column; `undefined` (absent) becomes NULL. */
export function toJson(value: unknown): string | null {
  return value === undefined ? null : (JSON.stringify(value) ?? null);
}

function fromJson(text: string | null): unknown {
  return text === null ? undefined : (JSON.parse(text) as unknown);
}

export function runFromRow(row: RunRow): RunRecord {
  const run: RunRecord = {
    id: row.id,
    workflow: row.workflow,
    version: row.version,
    status: row.status as RunStatus,
    params: JSON.parse(row.params) as Record<string, unknown>,
    spec: JSON.parse(row.spec) as WorkflowSpec,
    baseDir: row.base_dir,
    origin: JSON.parse(row.origin) as RunOrigin,
    createdAt: row.created_at,
    cancelRequested: row.cancel_requested === 1,
  };
  if (row.message !== null) run.message = row.message;
  if (row.source_file !== null) run.sourceFile = row.source_file;
  if (row.started_at !== null) run.startedAt = row.started_at;
  if (row.finished_at !== null) run.finishedAt = row.finished_at;
  if (row.owner !== null) run.owner = row.owner;
  if (row.owner_pid !== null) run.ownerPid = row.owner_pid;
  if (row.outputs !== null) run.outputs = JSON.parse(row.outputs) as Record<string, unknown>;
  if (row.experiment !== null) run.experiment = row.experiment;
  if (row.routing !== null) run.routing = JSON.parse(row.routing) as RunRouting;
  if (row.no_cache === 1) run.noCache = true;
  if (row.remote !== null) run.remote = JSON.parse(row.remote) as RemoteRunRef;
  return run;
}

export function taskRunFromRow(row: TaskRunRow): TaskRunRecord {
  const record: TaskRunRecord = { runId: row.run_id, task: row.task, attempt: row.attempt, status: row.status as TaskStatus };
  if (row.message !== null) record.message = row.message;
  if (row.started_at !== null) record.startedAt = row.started_at;
  if (row.finished_at !== null) record.finishedAt = row.finished_at;
  if (row.exit_code !== null) record.exitCode = row.exit_code;
  if (row.signal !== null) record.signal = row.signal;
  if (row.pid !== null) record.pid = row.pid;
  if (row.log_dir !== null) record.logDir = row.log_dir;
  return record;
}

export function eventFromRow(row: RunEventRow): RunEventRecord {
  const event: RunEventRecord = { seq: row.seq, runId: row.run_id, time: row.time, status: row.status };
  if (row.task !== null) event.task = row.task;
  if (row.attempt !== null) event.attempt = row.attempt;
  if (row.message !== null) event.message = row.message;
  return event;
}

export function outputFromRow(row: OutputRow): OutputRecord {
  return {
    runId: row.run_id,
    task: row.task,
    name: row.name,
    kind: row.kind as OutputRecord['kind'],
    value: fromJson(row.value),
  };
}

export function artifactFromRow(row: ArtifactRow): RunArtifactRecord {
  const record: RunArtifactRecord = {
    runId: row.run_id,
    task: row.task,
    name: row.name,
    digest: row.digest,
    size: row.size,
    kind: row.kind as RunArtifactRecord['kind'],
    type: row.type,
    path: row.path,
  };
  if (row.metadata !== null) record.metadata = JSON.parse(row.metadata) as Record<string, unknown>;
  return record;
}

export function metricFromRow(row: MetricRow): MetricRecord {
  const metric: MetricRecord = { runId: row.run_id, task: row.task, name: row.name, value: row.value ?? Number.NaN, time: row.time };
  if (row.step !== null) metric.step = row.step;
  return metric;
}
