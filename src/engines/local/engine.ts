// The embedded engine: runs workflows on this machine, with every state change in the Store. It
// executes what it is given: runs reach it already routed (engines/registry.ts), and the child
// runs of its `workflow` tasks leave it through the ChildRuns the composition root hands it.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { NotFoundError, UsageError } from '../../errors.js';
import type { LocalEngineStore } from './engine-store.js';
import type { RunRecord } from '../../store/ports/runs.js';
import type { CloseOptions, Engine, LogChunk, LogOptions, SubmitRequest } from '../engine.js';
import { isTerminalRunStatus, type RunEvent } from '../model.js';
import { ArtifactStore } from './artifacts.js';
import { CacheService } from './cache/service.js';
import { Dispatcher } from './dispatcher.js';
import { RunExecution } from './execution.js';
import { readLogs } from './logs.js';
import { OWNER_ID, ownerIsAlive } from '../owner.js';
import { loadPriorState } from './resume.js';
import { StoreLocks } from './sync-locks.js';
import type { RunnerRegistry } from './runner.js';
import { NodeRunner } from './runners/node.js';
import { ProcessRunner } from './runners/process.js';
import { ScriptRunner } from './runners/script.js';
import { WorkflowRunner, type ChildRuns } from './runners/workflow.js';
import type { EngineServices } from './services.js';
import { SpawnerPool, type SpawnerKind } from './spawner/pool.js';
import { WriteBuffer } from './write-buffer.js';
import { watchStoredRun } from '../stored-run.js';
import { errorMessage } from '../../util/error-message.js';
import { newRunRecord } from '../new-run.js';
import { DEFAULT_KILL_GRACE_MS, DEFAULT_LOG_CAP_BYTES, DEFAULT_SPAWNER, defaultConcurrency } from '../../config/settings.js';

export interface LocalEngineOptions {
  store: LocalEngineStore;
  /** The data directory: runs/ (logs, task files) and artifacts/ live under it. */
  home: string;
  /** Tasks running at once across all runs; default: the number of CPUs. */
  concurrency?: number;
  /** Bytes kept per log stream of an attempt; default 10 MiB. */
  logCapBytes?: number;
  /** Time between SIGTERM and SIGKILL when a task is stopped; default 10 s. */
  killGracePeriodMs?: number;
  /** Which spawner helper starts processes: perl where available (the default, `auto`) or node. */
  spawner?: SpawnerKind;
  /** Replaces built-in runners (benchmarks register a no-op one). */
  runners?: RunnerRegistry;
  onError?: (error: unknown) => void;
  /**
   * Where the child runs of `workflow` tasks are submitted, followed and cancelled: the engines
   * registry's child-run submitter (it routes each child and picks the engine of its ML step).
   */
  childRuns: ChildRuns;
  /** Called once a run this engine executed has finished and its end is committed (the MLflow mirror listens). */
  onRunFinished?: (runId: string) => void;
}

export class LocalEngine implements Engine {
  readonly name = 'local';
  private readonly active = new Map<string, RunExecution>();
  /** Set by close(): runs finishing afterwards were not recorded as finished, so they stay owned. */
  private closing = false;
  private readonly services: EngineServices;
  private readonly onCancelSignal = () => void this.checkCancelRequests();

  private constructor(
    private readonly store: LocalEngineStore,
    private readonly pool: SpawnerPool,
    services: EngineServices,
    private readonly childRuns: ChildRuns,
    private readonly onRunFinished: (runId: string) => void,
  ) {
    this.services = services;
  }

  static create(options: LocalEngineOptions): Promise<LocalEngine> {
    const concurrency = Math.max(1, options.concurrency ?? defaultConcurrency());
    const pool = new SpawnerPool(Math.min(concurrency, availableParallelism()), options.spawner ?? DEFAULT_SPAWNER);
    const settings = { logCap: options.logCapBytes ?? DEFAULT_LOG_CAP_BYTES, killGraceMs: options.killGracePeriodMs ?? DEFAULT_KILL_GRACE_MS };
    const onError = options.onError ?? ((error: unknown) => process.stderr.write(`tandem engine: ${errorMessage(error)}\n`));
    const artifacts = new ArtifactStore(join(options.home, 'artifacts'));
    const services: EngineServices = {
      // Mutexes and semaphores hold across every process sharing the store.
      dispatcher: new Dispatcher(concurrency, new StoreLocks(options.store), onError),
      writer: new WriteBuffer(options.store, onError),
      runners: {
        process: new ProcessRunner(pool, settings),
        script: new ScriptRunner(pool, settings),
        node: new NodeRunner(pool, settings),
        workflow: new WorkflowRunner(options.childRuns),
        ...options.runners,
      },
      artifacts,
      cache: new CacheService(options.store, artifacts, onError),
      runsDir: join(options.home, 'runs'),
      killGraceMs: settings.killGraceMs,
      onError,
    };
    return Promise.resolve(new LocalEngine(options.store, pool, services, options.childRuns, options.onRunFinished ?? (() => undefined)));
  }

  /**
   * Starts a run. With an explicit `runId` the submit is idempotent: a run that already exists
   * under that id is not started again (the trigger layer relies on this for exactly-once runs);
   * if it was left in flight by a process that is gone, this engine takes it over (a resumed
   * parent re-attaching to the child run its `workflow` task had started).
   */
  async submit(request: SubmitRequest): Promise<{ runId: string }> {
    const spec = request.spec;
    if (request.runId !== undefined && this.active.has(request.runId)) return { runId: request.runId };
    const record = newRunRecord(request);
    const { id: runId, params } = record;
    if (request.runId === undefined) await this.store.createRun(record);
    // Two submits of one id racing (a redelivered event): only the one that creates the row runs it.
    else if (!(await this.store.createRunIfAbsent(record))) {
      await this.adopt(runId);
      return { runId };
    }
    const init = { runId, spec, params, baseDir: request.baseDir, reuseCache: request.noCache !== true };
    this.track(new RunExecution(init, this.services)).start();
    return { runId };
  }

  watch(runId: string): AsyncIterable<RunEvent> {
    const execution = this.active.get(runId);
    return execution ? followExecution(execution) : watchStoredRun(this.store, runId);
  }

  /** Waits for a run (of this engine, or of another process) to finish; returns its record. */
  async wait(runId: string): Promise<RunRecord> {
    const execution = this.active.get(runId);
    if (execution) await execution.finishedStatus();
    else for await (const _ of watchStoredRun(this.store, runId)); // drain until terminal
    const run = await this.store.getRun(runId);
    if (!run) throw new NotFoundError('run', runId);
    return run;
  }

  async cancel(runId: string): Promise<void> {
    const execution = this.active.get(runId);
    const run = await this.store.getRun(runId);
    if (!run) throw new NotFoundError('run', runId);
    if (isTerminalRunStatus(run.status)) return;
    await this.store.requestCancel(runId);
    if (execution) return execution.cancel();
    if (ownerIsAlive(run.owner, run.ownerPid)) {
      // The owner notices the request when signalled (see checkCancelRequests).
      process.kill(run.ownerPid!, 'SIGUSR2');
      return;
    }
    // Nobody runs it any more: take it over; the resumed run cancels itself and runs finally tasks.
    await this.resume(runId);
  }

  logs(runId: string, task?: string, options?: LogOptions): AsyncIterable<LogChunk> {
    return readLogs(this.store, runId, task, options);
  }

  /**
   * Takes over runs left in flight by a process that is gone (all of them, or one) and finishes
   * them: succeeded tasks keep their results, interrupted attempts are retried under their
   * policy, tasks that never started start. Returns the ids of the runs taken over.
   */
  async resume(runId?: string): Promise<string[]> {
    // Runs this engine owns are not candidates: leaving them out in the query keeps the periodic
    // look for orphans of `tandem serve` cheap while it executes thousands of runs. Runs bound to a
    // remote engine are that engine's to follow, never executed here.
    const candidates = runId ? [await this.requireRun(runId)] : await this.store.listRuns({ status: ['Pending', 'Running'], engine: this.name, notOwnedBy: OWNER_ID });
    const resumed: string[] = [];
    for (const run of candidates) {
      if (isTerminalRunStatus(run.status) || this.active.has(run.id)) {
        if (runId) throw new UsageError(`run ${run.id} is not in flight (status ${run.status})`);
        continue;
      }
      if (ownerIsAlive(run.owner, run.ownerPid)) {
        if (runId) throw new UsageError(`run ${run.id} is being executed by process ${run.ownerPid}`);
        continue;
      }
      if (await this.takeOver(run)) resumed.push(run.id);
    }
    return resumed;
  }

  /**
   * Makes sure a run that exists is being executed by someone: one left in flight by a process
   * that is gone is taken over; a finished run, one of ours or one another live process executes
   * is left alone. A submit of an id that exists calls this.
   */
  private async adopt(runId: string): Promise<void> {
    const run = await this.requireRun(runId);
    if (isTerminalRunStatus(run.status) || this.active.has(run.id) || ownerIsAlive(run.owner, run.ownerPid)) return;
    await this.takeOver(run);
  }

  /** Claims an in-flight run whose owner is gone and executes it from what it recorded. */
  private async takeOver(run: RunRecord): Promise<boolean> {
    if (!(await this.store.claimRun(run.id, OWNER_ID, process.pid, run.owner))) return false;
    // The parent's attempts that would have cancelled its child runs died with its process.
    if (run.cancelRequested) await this.cancelChildren(run.id);
    const { writer, runsDir, onError } = this.services;
    const prior = await loadPriorState(this.store, run.id, run.spec, { writer, runsDir, onError });
    const init = { runId: run.id, spec: run.spec, params: run.params, baseDir: run.baseDir, prior, cancelled: run.cancelRequested, reuseCache: run.noCache !== true };
    this.track(new RunExecution(init, this.services)).start();
    return true;
  }

  /**
   * Stops the engine: no task starts any more, what is recorded is committed, and the helpers
   * exit. Tasks still running are not stopped and their runs stay in flight, for `resume`.
   * With `drainMs`, running tasks first get that long to finish and be recorded.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    process.off('SIGUSR2', this.onCancelSignal);
    this.closing = true;
    this.services.dispatcher.pause();
    if (options.drainMs && this.active.size > 0) {
      const deadline = new Promise((resolve) => setTimeout(resolve, options.drainMs).unref());
      await Promise.race([Promise.all([...this.active.values()].map((e) => e.runningSettled())), deadline]);
    }
    await this.services.cache.settled();
    await this.services.writer.close();
    this.pool.close();
  }

  private track(execution: RunExecution): RunExecution {
    this.active.set(execution.runId, execution);
    if (this.active.size === 1) process.on('SIGUSR2', this.onCancelSignal);
    void execution.finishedStatus().then(async () => {
      this.active.delete(execution.runId);
      if (this.active.size === 0) process.off('SIGUSR2', this.onCancelSignal);
      if (this.closing) return;
      await this.store.releaseRun(execution.runId, OWNER_ID).catch(this.services.onError);
      this.onRunFinished(execution.runId);
    });
    return execution;
  }

  /** Another process asked (through the store) to cancel runs: cancel those we execute. */
  private async checkCancelRequests(): Promise<void> {
    for (const [runId, execution] of this.active) {
      const run = await this.store.getRun(runId);
      if (run?.cancelRequested) execution.cancel();
    }
  }

  /** Cancels the child runs (of `workflow` tasks) a run left in flight, on whichever engine runs them. */
  private async cancelChildren(parentId: string): Promise<void> {
    for (const run of await this.store.listRuns({ status: ['Pending', 'Running'] })) {
      const parent = run.origin.kind === 'parent' ? (run.origin.detail as { runId?: unknown } | undefined)?.runId : undefined;
      if (parent === parentId) await this.childRuns.cancel(run.id).catch(this.services.onError);
    }
  }

  private async requireRun(runId: string): Promise<RunRecord> {
    const run = await this.store.getRun(runId);
    if (!run) throw new NotFoundError('run', runId);
    return run;
  }
}

async function* followExecution(execution: RunExecution): AsyncGenerator<RunEvent> {
  let index = 0;
  for (;;) {
    while (index < execution.history.length) {
      const event = execution.history[index++]!;
      yield event;
      if (event.type === 'run' && isTerminalRunStatus(event.status)) return;
    }
    await new Promise<void>((resolve) => {
      const unsubscribe = execution.subscribe(() => {
        unsubscribe();
        resolve();
      });
    });
  }
}
