// The MLflow mirror's export state (migration 005): one row per mirrored run, upserted after every
// step of an export so a retry resumes where the last try stopped. Listing queries vary by filter,
// so their statements are cached per shape.
import type { Statement } from 'better-sqlite3';
import { NotFoundError } from '../../errors.js';
import type { MlflowExportFilter, MlflowExportRecord, MlflowExportStatus } from '../ports/mlflow-exports.js';
import type { SqliteDatabase } from './connection.js';
import { StatementCache, type Param } from './statement-cache.js';

interface ExportRow {
  run_id: string;
  status: MlflowExportStatus;
  experiment_id: string | null;
  mlflow_run_id: string | null;
  attempts: number;
  last_error: string | null;
  next_attempt_at: number | null;
  metrics_sent: number;
  exported_at: number | null;
  updated_at: number;
}

type PutParams = [
  runId: string,
  status: MlflowExportStatus,
  experimentId: string | null,
  mlflowRunId: string | null,
  attempts: number,
  lastError: string | null,
  nextAttemptAt: number | null,
  metricsSent: number,
  exportedAt: number | null,
  updatedAt: number,
];

const COLUMNS = 'run_id, status, experiment_id, mlflow_run_id, attempts, last_error, next_attempt_at, metrics_sent, exported_at, updated_at';

export class MlflowExports {
  private readonly get: Statement<[runId: string], ExportRow>;
  private readonly put: Statement<PutParams>;
  private readonly runExists: Statement<[runId: string], number>;
  private readonly nextDue: Statement<[], number | null>;
  private readonly lease: Statement<[{ runId: string; now: number; holder: string; until: number }]>;
  private readonly unlease: Statement<[runId: string, holder: string]>;
  private readonly lists: StatementCache<ExportRow>;

  constructor(db: SqliteDatabase) {
    this.get = db.prepare(`SELECT ${COLUMNS} FROM mlflow_exports WHERE run_id = ?`);
    this.put = db.prepare(
      `INSERT INTO mlflow_exports (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, experiment_id = excluded.experiment_id,
         mlflow_run_id = excluded.mlflow_run_id, attempts = excluded.attempts, last_error = excluded.last_error,
         next_attempt_at = excluded.next_attempt_at, metrics_sent = excluded.metrics_sent,
         exported_at = excluded.exported_at, updated_at = excluded.updated_at`,
    );
    this.runExists = db.prepare<[string], number>('SELECT 1 FROM runs WHERE id = ?').pluck();
    // A leased export is due when its lease runs out, not before: no process spins on it.
    this.nextDue = db
      .prepare<[], number | null>("SELECT min(max(next_attempt_at, coalesce(lease_until, 0))) FROM mlflow_exports WHERE status = 'pending'")
      .pluck();
    // Creates the export row (pending) when there is none; takes or renews the lease when nobody
    // else holds an unexpired one. `changes` tells whether it did.
    this.lease = db.prepare(
      `INSERT INTO mlflow_exports (run_id, status, attempts, metrics_sent, next_attempt_at, updated_at, lease_holder, lease_until)
       VALUES (@runId, 'pending', 0, 0, @now, @now, @holder, @until)
       ON CONFLICT (run_id) DO UPDATE SET lease_holder = excluded.lease_holder, lease_until = excluded.lease_until
       WHERE lease_holder IS NULL OR lease_holder = excluded.lease_holder OR lease_until <= @now`,
    );
    this.unlease = db.prepare('UPDATE mlflow_exports SET lease_holder = NULL, lease_until = NULL WHERE run_id = ? AND lease_holder = ?');
    this.lists = new StatementCache<ExportRow>(db);
  }

  getExport(runId: string): MlflowExportRecord | undefined {
    const row = this.get.get(runId);
    return row === undefined ? undefined : exportFromRow(row);
  }

  putExport(record: MlflowExportRecord): void {
    if (this.runExists.get(record.runId) === undefined) throw new NotFoundError('run', record.runId);
    this.put.run(
      record.runId,
      record.status,
      record.experimentId ?? null,
      record.mlflowRunId ?? null,
      record.attempts,
      record.lastError ?? null,
      record.status === 'pending' ? (record.nextAttemptAt ?? record.updatedAt) : null,
      record.metricsSent,
      record.exportedAt ?? null,
      record.updatedAt,
    );
  }

  takeLease(runId: string, holder: string, now: number, until: number): boolean {
    if (this.runExists.get(runId) === undefined) throw new NotFoundError('run', runId);
    return this.lease.run({ runId, now, holder, until }).changes === 1;
  }

  releaseLease(runId: string, holder: string): void {
    this.unlease.run(runId, holder);
  }

  earliestDue(): number | undefined {
    return this.nextDue.get() ?? undefined;
  }

  list(filter: MlflowExportFilter = {}): MlflowExportRecord[] {
    const where: string[] = [];
    const params: Param[] = [];
    if (filter.status !== undefined) {
      if (filter.status.length === 0) return [];
      where.push(`status IN (${filter.status.map(() => '?').join(', ')})`);
      params.push(...filter.status);
    }
    if (filter.dueBy !== undefined) {
      where.push("status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)");
      params.push(filter.dueBy, filter.dueBy);
    }
    let sql = `SELECT ${COLUMNS} FROM mlflow_exports`;
    if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
    sql += filter.dueBy !== undefined ? ' ORDER BY next_attempt_at, run_id' : ' ORDER BY updated_at DESC, run_id DESC';
    if (filter.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(Math.max(0, Math.floor(filter.limit)));
    }
    return this.lists.get(sql).all(...params).map(exportFromRow);
  }
}

function exportFromRow(row: ExportRow): MlflowExportRecord {
  const record: MlflowExportRecord = {
    runId: row.run_id,
    status: row.status,
    attempts: row.attempts,
    metricsSent: row.metrics_sent,
    updatedAt: row.updated_at,
  };
  if (row.experiment_id !== null) record.experimentId = row.experiment_id;
  if (row.mlflow_run_id !== null) record.mlflowRunId = row.mlflow_run_id;
  if (row.last_error !== null) record.lastError = row.last_error;
  if (row.next_attempt_at !== null) record.nextAttemptAt = row.next_attempt_at;
  if (row.exported_at !== null) record.exportedAt = row.exported_at;
  return record;
}
