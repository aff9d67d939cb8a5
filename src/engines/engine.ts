// The Engine port: what every engine (local now; argo and kfp later) offers the rest of tandem.
// An engine only executes: the router has decided a run's lane before the run reaches it, and
// the registry (registry.ts) chose the engine from that decision. Callers hold the registry; one
// contract suite (test/engines/contract.ts) runs against each adapter.
import type { RunEvent, RunOrigin, RunRouting } from './model.js';
import type { RunRecord } from '../store/ports/runs.js';
import type { WorkflowSpec } from '../spec/schema.js';

export interface SubmitRequest {
  /** A validated spec (see spec/validate.ts); engines do not re-validate. */
  spec: WorkflowSpec;
  /** Param values, already coerced to their declared types; defaults fill the rest. */
  params?: Record<string, unknown>;
  /** Where relative paths in the spec resolve (the workflow file's folder). */
  baseDir: string;
  sourceFile?: string;
  origin?: RunOrigin;
  /** Use this id instead of generating one (idempotent submits). */
  runId?: string;
  /** Do not reuse cached task results (`tandem run --no-cache`); successful results are still cached. */
  noCache?: boolean;
  /** The experiment the run belongs to; default spec.experiment, else the workflow name. */
  experiment?: string;
  /** The router's decision, made before the engine was chosen; the run records it as it is. */
  routing: RunRouting;
}

export interface LogChunk {
  task: string;
  attempt: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface LogOptions {
  /** Keep streaming until the run ends. */
  follow?: boolean;
}

export interface CloseOptions {
  /** How long running tasks get to finish and be recorded before the engine lets go of them. */
  drainMs?: number;
}

export interface Engine {
  readonly name: string;
  /**
   * Starts a run and returns its id once the run is recorded. Idempotent for a given `runId`, in
   * this process and across processes sharing the store: when a run with that id exists, the same
   * id comes back and nothing new starts (a run left in flight by a process that is gone is taken
   * over, as `resume` would).
   */
  submit(request: SubmitRequest): Promise<{ runId: string }>;
  /**
   * Streams the run's events: first everything recorded so far, then live changes, ending after
   * the run's terminal event (every task event comes before it). NotFoundError for an unknown run.
   */
  watch(runId: string): AsyncIterable<RunEvent>;
  /** Resolves once the run (executed here or by another process) reaches a terminal status, with its final record. */
  wait(runId: string): Promise<RunRecord>;
  /**
   * Stops every running task (SIGTERM, then SIGKILL), runs `finally` tasks, marks the run
   * Cancelled. A run that already ended is left as it is. NotFoundError for an unknown run.
   */
  cancel(runId: string): Promise<void>;
  /**
   * The run's task logs: one task's (a task key, or a forEach task's name for all its items), or
   * every task's. NotFoundError for an unknown run, or a task the run does not have.
   */
  logs(runId: string, task?: string, options?: LogOptions): AsyncIterable<LogChunk>;
  /**
   * Takes over runs left in flight by a process that died (all of them, or just `runId`) and
   * finishes them; returns the ids taken over. With `runId`, a run that is not in flight or is
   * being executed by a live process is a UsageError.
   */
  resume(runId?: string): Promise<string[]>;
  /** Releases resources (helper processes, watchers). Running runs are left for `resume`. */
  close(options?: CloseOptions): Promise<void>;
}
