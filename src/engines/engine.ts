// The Engine port: what every engine (local now; argo and kfp later) offers the rest of tandem.
// One contract suite (test/engines/contract.ts) runs against each adapter.
import type { RunEvent, RunOrigin } from './model.js';
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
  /** Forces a lane instead of the router's choice; the run records the override and who made it. */
  laneOverride?: { lane: 'kubeflow' | 'argo' | 'hybrid'; by: 'cli' | 'api' };
  /** The experiment the run belongs to; default spec.experiment, else the workflow name. */
  experiment?: string;
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

export interface Engine {
  readonly name: string;
  /** Starts a run and returns its id once the run is recorded. */
  submit(request: SubmitRequest): Promise<{ runId: string }>;
  /**
   * Streams the run's events: first everything recorded so far, then live changes,
   * ending after the run reaches a terminal status.
   */
  watch(runId: string): AsyncIterable<RunEvent>;
  /** Stops every running task (SIGTERM, then SIGKILL), runs `finally` tasks, marks the run Cancelled. */
  cancel(runId: string): Promise<void>;
  logs(runId: string, task?: string, options?: LogOptions): AsyncIterable<LogChunk>;
  /** Releases resources (helper processes, watchers). Running runs are left for `resume`. */
  close(): Promise<void>;
}
