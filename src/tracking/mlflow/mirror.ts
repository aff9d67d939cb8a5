// MlflowMirror: keeps MLflow up to date with tandem runs, whatever MLflow's health. Each export is
// tracked in the store (mlflow_exports): a try that fails for a reason a retry can fix (MLflow
// down, 5xx, timeouts) leaves the export pending, due again after an exponential backoff; one that
// cannot succeed (MLflow refused the request) marks it failed. Nothing here ever touches the
// tandem run itself: an unreachable MLflow costs a row in the store, never a run.
//
// `start()` arms one timer for the earliest due export (not a poll); each try re-arms it.
//
// Processes sharing a store (a server and `tandem mlflow export`, or two servers) take a lease on
// a run before exporting it, renewed with each step saved: a try that finds the lease held by
// another process leaves the run to it rather than create a second MLflow run beside its own.
import { randomUUID } from 'node:crypto';
import { TandemError, NotFoundError } from '../../errors.js';
import { PROCESS_IDENTITY } from '../../util/process-identity.js';
import { isTerminalRunStatus } from '../../engines/model.js';
import type { MlflowExportRecord, MlflowExportStore } from '../../store/ports/mlflow-exports.js';
import type { RunReader, RunRecord } from '../../store/ports/runs.js';
import type { TrackingStore } from '../../store/ports/tracking.js';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffPolicy } from './backoff.js';
import type { MlflowClient } from './client.js';
import { MlflowError } from './errors.js';
import { exportOnce, type ExportProgress, type ExportSummary } from './export-run.js';
import { MLFLOW_LIMITS, type MlflowLimits } from './limits.js';
import { DueTimer } from './due-timer.js';

/** The mirror writes only its export state (and leases); the tandem run it exports is read. */
export type MlflowMirrorStore = MlflowExportStore & RunReader & TrackingStore;

export interface MlflowMirrorOptions {
  store: MlflowMirrorStore;
  client: MlflowClient;
  /** Put before every experiment name (e.g. `team-a/`). */
  experimentPrefix?: string;
  limits?: Partial<MlflowLimits>;
  backoff?: Partial<BackoffPolicy>;
  /** How soon a run that was still going when exported is exported again; default 60 s. */
  pollIntervalMs?: number;
  /** The longest the timer sleeps, so exports queued by another process are picked up; default 5 min. */
  maxSleepMs?: number;
  /** How long a try holds its lease without saving a step; default 10 min (a dead holder's lease runs out then). */
  leaseMs?: number;
  now?: () => number;
  random?: () => number;
  /** Each finished try, for logging; `error` is set when it failed. */
  onResult?: (result: MlflowExportResult) => void;
  /** Failures of the scheduler itself (the store unusable); default: ignored after onResult. */
  onError?: (error: unknown) => void;
}

export interface MlflowExportResult {
  runId: string;
  record: MlflowExportRecord;
  summary?: ExportSummary;
  error?: Error;
  /** True when another process holds the run's lease: nothing was tried, and nothing is wrong. */
  busy?: boolean;
}

/** How many due exports one timer tick takes on. */
const DUE_BATCH = 50;

export class MlflowMirror {
  private readonly store: MlflowMirrorStore;
  private readonly client: MlflowClient;
  private readonly limits: MlflowLimits;
  private readonly backoff: BackoffPolicy;
  private readonly now: () => number;
  private readonly inFlight = new Map<string, Promise<MlflowExportResult>>();
  private readonly timer: DueTimer;
  /** This mirror's name on the leases it takes (one process may run several mirrors). */
  private readonly holder = `${PROCESS_IDENTITY}:${randomUUID().slice(0, 8)}`;

  constructor(private readonly options: MlflowMirrorOptions) {
    this.store = options.store;
    this.client = options.client;
    this.limits = { ...MLFLOW_LIMITS, ...options.limits };
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.now = options.now ?? Date.now;
    this.timer = new DueTimer({
      next: () => this.store.nextMlflowExportDue(),
      fire: async () => {
        await this.exportDue();
      },
      now: this.now,
      maxSleepMs: options.maxSleepMs ?? 5 * 60_000,
      onError: (error) => options.onError?.(error),
    });
  }

  /**
   * Exports the run now (a new request: a failed or exported run is tried again from attempt 1).
   * Resolves with the state it left; rejects only when the run is unknown or the store fails.
   */
  exportRun(runId: string): Promise<MlflowExportResult> {
    return this.once(runId, true);
  }

  /** Tries every pending export due by `now`, one after the other; returns what each try left. */
  async exportDue(now: number = this.now()): Promise<MlflowExportResult[]> {
    const due = await this.store.listMlflowExports({ dueBy: now, limit: DUE_BATCH });
    const results: MlflowExportResult[] = [];
    for (const record of due) {
      if (this.inFlight.has(record.runId)) continue;
      try {
        results.push(await this.once(record.runId, false));
      } catch (error) {
        this.options.onError?.(error);
      }
    }
    return results;
  }

  /** Starts retrying due exports on a timer armed for the earliest one. */
  start(): void {
    this.timer.start();
  }

  /** Stops the timer and waits for the tries under way. */
  async stop(): Promise<void> {
    await this.timer.stop();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private once(runId: string, fresh: boolean): Promise<MlflowExportResult> {
    const running = this.inFlight.get(runId);
    if (running !== undefined) return running;
    const attempt = this.attempt(runId, fresh).finally(() => {
      this.inFlight.delete(runId);
      this.timer.rearm();
    });
    this.inFlight.set(runId, attempt);
    return attempt;
  }

  private async attempt(runId: string, fresh: boolean): Promise<MlflowExportResult> {
    const run = await this.store.getRun(runId);
    if (run === undefined) throw new NotFoundError('run', runId);
    if (!(await this.takeLease(runId))) return this.busy(runId);
    try {
      return await this.attemptLeased(run, fresh);
    } finally {
      await this.store.releaseMlflowExport(runId, this.holder);
    }
  }

  private takeLease(runId: string): Promise<boolean> {
    const now = this.now();
    return this.store.leaseMlflowExport(runId, this.holder, now, now + (this.options.leaseMs ?? 10 * 60_000));
  }

  private async busy(runId: string): Promise<MlflowExportResult> {
    const record = await this.store.getMlflowExport(runId);
    if (record === undefined) throw new NotFoundError('MLflow export of run', runId); // the lease row is the record
    const error = new MlflowError(`run ${runId} is being exported to MLflow by another tandem process; that try carries on`, { retryable: true });
    return { runId, record, error, busy: true };
  }

  private async attemptLeased(run: RunRecord, fresh: boolean): Promise<MlflowExportResult> {
    const runId = run.id;
    const prior = await this.store.getMlflowExport(runId);
    const attempts = (fresh && prior?.status !== 'pending' ? 0 : (prior?.attempts ?? 0)) + 1;
    let record: MlflowExportRecord = {
      runId,
      status: 'pending',
      attempts,
      metricsSent: prior?.metricsSent ?? 0,
      updatedAt: this.now(),
      // Due again after the backoff if this process dies during the try.
      nextAttemptAt: this.now() + backoffDelay(attempts, this.backoff, this.options.random),
    };
    if (prior?.experimentId !== undefined) record.experimentId = prior.experimentId;
    if (prior?.mlflowRunId !== undefined) record.mlflowRunId = prior.mlflowRunId;
    if (prior?.lastError !== undefined) record.lastError = prior.lastError;
    if (prior?.exportedAt !== undefined) record.exportedAt = prior.exportedAt;
    await this.store.putMlflowExport(record);

    const save = async (progress: ExportProgress) => {
      record = { ...withProgress(record, progress), updatedAt: this.now() };
      await this.store.putMlflowExport(record);
      await this.takeLease(runId); // renewed: this try is alive
    };
    let result: MlflowExportResult;
    try {
      const target = { client: this.client, store: this.store, limits: this.limits, experimentPrefix: this.options.experimentPrefix ?? '' };
      const summary = await exportOnce(target, run, progressOf(record), save);
      record = withProgress(record, summary);
      delete record.lastError;
      const now = this.now();
      // A run still going is exported again later; a finished one is done.
      record = isTerminalRunStatus(run.status)
        ? { ...record, status: 'exported', exportedAt: now, updatedAt: now }
        : { ...record, status: 'pending', attempts: 0, nextAttemptAt: now + (this.options.pollIntervalMs ?? 60_000), updatedAt: now };
      if (record.status === 'exported') delete record.nextAttemptAt;
      result = { runId, record, summary };
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      const retryable = error instanceof TandemError ? error.retryable : true;
      const now = this.now();
      const giveUp = !retryable || attempts >= this.backoff.maxAttempts;
      record = { ...record, lastError: failure.message, updatedAt: now, status: giveUp ? 'failed' : 'pending' };
      if (giveUp) delete record.nextAttemptAt;
      else record.nextAttemptAt = now + backoffDelay(attempts, this.backoff, this.options.random);
      result = { runId, record, error: failure };
    }
    await this.store.putMlflowExport(record);
    this.options.onResult?.(result);
    return result;
  }
}

function progressOf(record: MlflowExportRecord): ExportProgress {
  const progress: ExportProgress = { metricsSent: record.metricsSent };
  if (record.experimentId !== undefined) progress.experimentId = record.experimentId;
  if (record.mlflowRunId !== undefined) progress.mlflowRunId = record.mlflowRunId;
  return progress;
}

function withProgress(record: MlflowExportRecord, progress: ExportProgress): MlflowExportRecord {
  const next: MlflowExportRecord = { ...record, metricsSent: progress.metricsSent };
  if (progress.experimentId !== undefined) next.experimentId = progress.experimentId;
  if (progress.mlflowRunId !== undefined) next.mlflowRunId = progress.mlflowRunId;
  return next;
}
