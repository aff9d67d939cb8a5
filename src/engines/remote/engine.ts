// RemoteEngine: the Engine port over a RemoteBackend (Argo Workflows, Kubeflow Pipelines). What a
// run does is decided by the remote engine; tandem records the run, follows it to the end
// (follower.ts) and mirrors it into the store, so `watch`, `wait`, `tandem runs` and the API read
// remote runs exactly as they read local ones. A run is followed by the process that submitted it
// (its owner in the store); when that process dies, `resume` in another picks the run up where
// the store says it was: a run already on the remote engine is followed again, never submitted
// twice, and one whose submission was cut off is submitted again, which the backend makes
// idempotent by the run id.
import { NotFoundError, UsageError } from '../../errors.js';
import type { RunRecord, RunStore } from '../../store/ports/runs.js';
import type { CloseOptions, Engine, LogChunk, LogOptions, SubmitRequest } from '../engine.js';
import { isTerminalRunStatus, type RunEvent } from '../model.js';
import { newRunRecord } from '../new-run.js';
import { OWNER_ID, ownerIsAlive } from '../owner.js';
import { watchStoredRun } from '../stored-run.js';
import type { RemoteBackend } from './backend.js';
import { RunFollower, type FollowSettings } from './follower.js';
import { remoteLogs } from './logs.js';

export interface RemoteEngineOptions {
  backend: RemoteBackend;
  store: RunStore;
  /** How often a run is observed, and how failed requests back off; see FollowSettings. */
  follow?: Partial<FollowSettings>;
  /** Where errors that belong to no caller go (a mirror write that failed). */
  onError?: (error: unknown) => void;
  /** Called when a run this engine followed has ended. */
  onRunFinished?: (runId: string) => void;
}

const DEFAULT_FOLLOW: FollowSettings = { pollMs: 5_000, backoff: { initialMs: 1_000, maxMs: 60_000 } };

export class RemoteEngine implements Engine {
  readonly name: string;
  private readonly followers = new Map<string, RunFollower>();
  private readonly settings: FollowSettings;
  private readonly onError: (error: unknown) => void;
  private closed = false;

  constructor(private readonly options: RemoteEngineOptions) {
    this.name = options.backend.engine;
    this.settings = { ...DEFAULT_FOLLOW, ...options.follow };
    this.onError = options.onError ?? (() => undefined);
  }

  /**
   * Records the run and starts following it; the remote object is created by the follower, so an
   * unreachable remote API leaves the run Pending (saying why) instead of failing the submit.
   * Idempotent by `runId`, as the port says.
   */
  async submit(request: SubmitRequest): Promise<{ runId: string }> {
    const record = newRunRecord(request);
    if (request.runId === undefined) await this.options.store.createRun(record);
    else if (!(await this.options.store.createRunIfAbsent(record))) {
      await this.adopt(record.id);
      return { runId: record.id };
    }
    this.follow(record.id);
    return { runId: record.id };
  }

  watch(runId: string): AsyncIterable<RunEvent> {
    return watchStoredRun(this.options.store, runId);
  }

  async wait(runId: string): Promise<RunRecord> {
    for await (const _ of watchStoredRun(this.options.store, runId)); // drain until terminal
    return this.requireRun(runId);
  }

  /** Asks the remote engine to stop the run (its exit handlers run); a run that ended is left as it is. */
  async cancel(runId: string): Promise<void> {
    const run = await this.requireRun(runId);
    if (isTerminalRunStatus(run.status)) return;
    await this.options.store.requestCancel(runId);
    const follower = this.followers.get(runId);
    if (follower) return follower.wake();
    // Followed by another live process: it reads the request at its next round. Else follow it here.
    if (!ownerIsAlive(run.owner, run.ownerPid)) await this.adopt(runId);
  }

  async *logs(runId: string, task?: string, options: LogOptions = {}): AsyncIterable<LogChunk> {
    const run = await this.requireRun(runId);
    yield* remoteLogs(this.options.backend, this.options.store, run, task, options);
  }

  /** Follows runs on this engine left in flight by processes that are gone (all, or `runId`). */
  async resume(runId?: string): Promise<string[]> {
    const candidates = runId
      ? [await this.requireRun(runId)]
      : await this.options.store.listRuns({ status: ['Pending', 'Running'], engine: this.name, notOwnedBy: OWNER_ID });
    const resumed: string[] = [];
    for (const run of candidates) {
      if (isTerminalRunStatus(run.status) || this.followers.has(run.id)) {
        if (runId) throw new UsageError(`run ${run.id} is not in flight (status ${run.status})`);
        continue;
      }
      if (ownerIsAlive(run.owner, run.ownerPid)) {
        if (runId) throw new UsageError(`run ${run.id} is being followed by process ${run.ownerPid}`);
        continue;
      }
      if (await this.takeOver(run)) resumed.push(run.id);
    }
    return resumed;
  }

  /** Stops following (the remote runs go on, and the next process resumes following them). */
  async close(_options?: CloseOptions): Promise<void> {
    this.closed = true;
    await Promise.all([...this.followers.values()].map((follower) => follower.stop()));
    await this.options.backend.close();
  }

  /** A submit of an id that exists: follow it here if nobody does. */
  private async adopt(runId: string): Promise<void> {
    const run = await this.requireRun(runId);
    if (isTerminalRunStatus(run.status) || this.followers.has(runId) || ownerIsAlive(run.owner, run.ownerPid)) return;
    await this.takeOver(run);
  }

  private async takeOver(run: RunRecord): Promise<boolean> {
    if (!(await this.options.store.claimRun(run.id, OWNER_ID, process.pid, run.owner))) return false;
    this.follow(run.id);
    return true;
  }

  private follow(runId: string): void {
    if (this.closed || this.followers.has(runId)) return;
    const { backend, store } = this.options;
    const follower = new RunFollower(runId, { backend, store, settings: this.settings, onError: this.onError });
    this.followers.set(runId, follower);
    void follower.done.then(async () => {
      this.followers.delete(runId);
      if (this.closed) return;
      await store.releaseRun(runId, OWNER_ID).catch(this.onError);
      this.options.onRunFinished?.(runId);
    });
  }

  private async requireRun(runId: string): Promise<RunRecord> {
    const run = await this.options.store.getRun(runId);
    if (!run) throw new NotFoundError('run', runId);
    return run;
  }
}
