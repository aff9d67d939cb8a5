// The tracking tables of the SQLite store (migration 004): what each task run consumed, artifacts
// looked up by content digest (for lineage across runs), and experiments as run groups. Kept apart
// from statements.ts so the run/task hot path does not grow with tracking queries.
import type { Statement } from 'better-sqlite3';
import type { ArtifactRef } from '../../engines/model.js';
import type { RunArtifactRecord, TaskInputRecord } from '../ports/runs.js';
import type { ExperimentSummary } from '../ports/tracking.js';
import type { SqliteDatabase } from './connection.js';
import { artifactFromRow, toJson, type ArtifactRow } from './rows.js';

interface TaskInputRow {
  run_id: string;
  task: string;
  name: string;
  position: number;
  attempt: number;
  kind: string;
  value: string | null;
  digest: string | null;
  artifact: string | null;
  source_task: string | null;
  source_output: string | null;
}

type InsertInputParams = [
  runId: string,
  task: string,
  name: string,
  position: number,
  attempt: number,
  kind: string,
  value: string | null,
  digest: string | null,
  artifact: string | null,
  sourceTask: string | null,
  sourceOutput: string | null,
];

/** Hex digits sort before 'g', so [prefix, prefix + 'g') is exactly the digests with that prefix. */
const PAST_HEX = 'g';

export class TrackingTables {
  private readonly deleteInputs: Statement<[runId: string, task: string]>;
  private readonly insertInput: Statement<InsertInputParams>;
  private readonly listInputs: Statement<[runId: string], TaskInputRow>;
  private readonly consumers: Statement<[digest: string], TaskInputRow>;
  private readonly producers: Statement<[digest: string], ArtifactRow>;
  private readonly digests: Statement<[from: string, to: string, limit: number], string>;
  private readonly experiments: Statement<[], { name: string; runs: number; last_run_at: number }>;

  constructor(db: SqliteDatabase) {
    this.deleteInputs = db.prepare('DELETE FROM task_inputs WHERE run_id = ? AND task = ?');
    this.insertInput = db.prepare(
      `INSERT INTO task_inputs (run_id, task, name, position, attempt, kind, value, digest, artifact, source_task, source_output)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, task, name, position) DO UPDATE SET attempt = excluded.attempt, kind = excluded.kind,
         value = excluded.value, digest = excluded.digest, artifact = excluded.artifact,
         source_task = excluded.source_task, source_output = excluded.source_output`,
    );
    this.listInputs = db.prepare('SELECT * FROM task_inputs WHERE run_id = ? ORDER BY task, name, position');
    this.consumers = db.prepare(
      `SELECT i.* FROM task_inputs i JOIN runs r ON r.id = i.run_id
       WHERE i.digest = ? ORDER BY r.created_at, r.id, i.task, i.name, i.position`,
    );
    this.producers = db.prepare(
      `SELECT a.* FROM run_artifacts a JOIN runs r ON r.id = a.run_id
       WHERE a.digest = ? ORDER BY r.created_at, r.id, a.task, a.name`,
    );
    this.digests = db
      .prepare<[string, string, number], string>('SELECT DISTINCT digest FROM run_artifacts WHERE digest >= ? AND digest < ? ORDER BY digest LIMIT ?')
      .pluck();
    this.experiments = db.prepare(
      `SELECT experiment AS name, COUNT(*) AS runs, MAX(created_at) AS last_run_at FROM runs
       WHERE experiment IS NOT NULL GROUP BY experiment ORDER BY last_run_at DESC, experiment`,
    );
  }

  /** Inside the caller's transaction: the task run's consumed inputs become exactly `inputs`. */
  replaceInputs(runId: string, task: string, inputs: readonly TaskInputRecord[]): void {
    this.deleteInputs.run(runId, task);
    for (const input of inputs) {
      this.insertInput.run(
        runId,
        task,
        input.name,
        input.index ?? -1,
        input.attempt,
        input.kind,
        input.kind === 'param' ? toJson(input.value ?? null) : null,
        input.artifact?.digest ?? null,
        toJson(input.artifact),
        input.source?.task ?? null,
        input.source?.output ?? null,
      );
    }
  }

  inputsOf(runId: string): TaskInputRecord[] {
    return this.listInputs.all(runId).map(inputFromRow);
  }

  consumersOf(digest: string): TaskInputRecord[] {
    return this.consumers.all(digest).map(inputFromRow);
  }

  producersOf(digest: string): RunArtifactRecord[] {
    return this.producers.all(digest).map(artifactFromRow);
  }

  findDigests(prefix: string, limit: number): string[] {
    return this.digests.all(prefix, `${prefix}${PAST_HEX}`, Math.max(0, Math.floor(limit)));
  }

  listExperiments(): ExperimentSummary[] {
    return this.experiments.all().map((row) => ({ name: row.name, runs: row.runs, lastRunAt: row.last_run_at }));
  }
}

function inputFromRow(row: TaskInputRow): TaskInputRecord {
  const record: TaskInputRecord = {
    runId: row.run_id,
    task: row.task,
    attempt: row.attempt,
    name: row.name,
    kind: row.kind as TaskInputRecord['kind'],
  };
  if (row.kind === 'param') record.value = row.value === null ? null : (JSON.parse(row.value) as unknown);
  if (row.artifact !== null) record.artifact = JSON.parse(row.artifact) as ArtifactRef;
  if (row.position >= 0) record.index = row.position;
  if (row.source_task !== null && row.source_output !== null) record.source = { task: row.source_task, output: row.source_output };
  return record;
}
