// The RemoteBackend port: what a remote engine (Argo Workflows, Kubeflow Pipelines) must offer so
// that RemoteEngine (engine.ts) can run tandem's runs there. RemoteEngine owns everything the two
// have in common — recording the run, following it until it ends (reconcile.ts), mirroring what it
// sees into the store (mirror.ts), surviving restarts, outages and deletions — and a backend only
// translates: a run into the remote object, the remote object's state into tandem's model.
//
// Errors: a backend throws the typed errors of ./errors.ts. A retryable one (RemoteUnreachableError,
// a 5xx, a timeout) is retried with backoff and shown in the run's message, never failing the run by
// itself; RemoteNotFoundError from observe() means the remote object is gone (the run ends Lost);
// RemoteRunLostError says the same where the object still exists but will never finish (a KFP run
// left Running after its Argo Workflow was deleted); anything else not retryable ends the run Error.
import type { RemoteRunRef, RunStatus } from '../model.js';
import type { RunRecord, TaskRunRecord } from '../../store/ports/runs.js';

/**
 * One attempt of one task as the remote engine reports it: the fields of a task run the remote
 * engine knows. `attempt` is 1-based, in the order it ran them (Argo: Retry node children; KFP: pods).
 */
export type RemoteTaskAttempt = Pick<TaskRunRecord, 'attempt' | 'status' | 'message' | 'startedAt' | 'finishedAt' | 'exitCode'>;

interface RemoteTask {
  /** tandem's task key: the task name, or `name[i]` for iteration i of a forEach. */
  task: string;
  /** Every attempt seen so far, oldest first; the last is the current one. */
  attempts: RemoteTaskAttempt[];
  /** Output parameters of the task, typed as the spec declares them, once it has them. */
  outputs?: Record<string, unknown>;
}

/** The remote run's whole state at one moment, in tandem's vocabulary. */
export interface RemoteRunState {
  status: RunStatus;
  /** The remote engine's own words for the state (Argo's message, KFP's error). */
  message?: string;
  startedAt?: number;
  finishedAt?: number;
  tasks: RemoteTask[];
  /** The workflow's outputs, typed as the spec declares them, once the run has ended. */
  outputs?: Record<string, unknown>;
}

export interface RemoteLogLine {
  /** Kubernetes merges a container's stdout and stderr into one log: remote logs are `stdout`. */
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface RemoteBackend {
  /** The engine name lanes bind to: `argo` or `kfp`. */
  readonly engine: string;
  /**
   * Creates the remote object that executes `run` and returns where it is. Must be idempotent for
   * `run.id`: called again after a timeout, a crash or a restart, it finds the object a previous
   * call created (Argo: 409 on the name derived from the id; KFP: a lookup by the run id's label
   * before creating) and returns it, creating nothing new.
   */
  submit(run: RunRecord): Promise<RemoteRunRef>;
  /** The remote run's state now. RemoteNotFoundError when it no longer exists. */
  observe(ref: RemoteRunRef, run: RunRecord): Promise<RemoteRunState>;
  /**
   * Where the remote API can watch (Argo's workflow-events): yields each time the run may have
   * changed, so the reconcile loop observes at once instead of at its next poll. Ends when
   * `signal` aborts; a dropped stream throws, and the loop falls back to polling and watches again.
   */
  changes?(ref: RemoteRunRef, signal: AbortSignal): AsyncIterable<void>;
  /** Asks the remote engine to stop the run, running its exit handlers (`finally` tasks). */
  cancel(ref: RemoteRunRef): Promise<void>;
  /** Re-runs a failed run from its failed tasks, reusing what succeeded (Argo's and KFP's retry APIs). */
  retry(ref: RemoteRunRef, run: RunRecord): Promise<void>;
  /** The main container's log of one attempt of one task. RemoteNotFoundError when it has none (yet). */
  logs(ref: RemoteRunRef, run: RunRecord, task: string, attempt: number, options: { follow: boolean }): AsyncIterable<RemoteLogLine>;
  /** Releases connections. */
  close(): Promise<void>;
}
