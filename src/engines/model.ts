// The unified run model: what every engine (local, argo, kfp) reports, and what the store keeps.

/**
 * Lost: the run's remote object (an Argo Workflow, a KFP run) was deleted behind tandem's back, or
 * will never finish (see engines/remote): what it did is unknown, and nothing will change it now.
 */
export const RUN_STATUSES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error', 'Cancelled', 'Lost'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * Status of a task (or of one attempt of it).
 * - Failed: the task itself failed (non-zero exit, timeout, bad output).
 * - Error: the task could not be run (command not found, lost artifact).
 * - Interrupted: the engine stopped while the attempt was running (crash); retried under the task's policy.
 * - Skipped: its `when` was false, or it needs an output of a skipped task.
 * - Omitted: not run because an upstream task failed (Argo's word for it).
 */
export type TaskStatus =
  | 'Pending'
  | 'Running'
  | 'Succeeded'
  | 'Failed'
  | 'Error'
  | 'Interrupted'
  | 'Skipped'
  | 'Omitted'
  | 'Cancelled'
  | 'Cached';

export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['Succeeded', 'Failed', 'Error', 'Cancelled', 'Lost']);
export const TERMINAL_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set([
  'Succeeded',
  'Failed',
  'Error',
  'Interrupted',
  'Skipped',
  'Omitted',
  'Cancelled',
  'Cached',
]);
/** Statuses after which dependants may run. */
export const COMPLETED_OK_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set(['Succeeded', 'Skipped', 'Cached']);

export function isTerminalRunStatus(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.has(status);
}

/** What started a run: the CLI, the API, an event or a schedule (later issues add the latter). */
/** The router's decision as a run keeps it (see src/router): where the run would go on a cluster. */
export interface RunRouting {
  lane: 'kubeflow' | 'argo' | 'hybrid';
  /** The policy rule that matched. */
  rule: string;
  /** Sentences a person can read: why this lane. */
  reasons: string[];
  /** Set when the lane was forced (`tandem run --lane`, the API's `lane`): the policy's lane, and by whom. */
  overridden?: { from: 'kubeflow' | 'argo' | 'hybrid'; by: 'cli' | 'api' };
  /** The engine each part runs on, from `lanes.*.engine` (local on one machine). */
  engines: { orchestration: string; ml: string };
}

/**
 * Where a run executes on a remote engine (Argo Workflows, Kubeflow Pipelines): what tandem needs
 * to find it again after a restart, and to link to it. Set by the engine once the remote object exists.
 */
export interface RemoteRunRef {
  /** The engine holding it (`argo`, `kfp`). */
  engine: string;
  /** The remote object's id: an Argo Workflow's name, a KFP run's run_id. */
  id: string;
  /** The Kubernetes namespace (Argo) or KFP namespace, when it has one. */
  namespace?: string;
  /** The remote object's uid, where the engine has one (Argo). */
  uid?: string;
  /** The run's page in the engine's own UI, when its base URL is configured. */
  url?: string;
}

/** A child run of a `workflow` task is its lane's ML step; any other run is the orchestration. */
function laneStepOf(origin: RunOrigin): 'orchestration' | 'ml' {
  return origin.kind === 'parent' ? 'ml' : 'orchestration';
}

/** The engine a run is bound to by its recorded routing; runs recorded before routing ran locally. */
export function engineOf(run: { origin: RunOrigin; routing?: RunRouting }): string {
  return run.routing?.engines[laneStepOf(run.origin)] ?? 'local';
}

export interface RunOrigin {
  /** parent: a child run started by a `workflow` task; detail holds the parent's runId, task and attempt. */
  kind: 'cli' | 'api' | 'event' | 'schedule' | 'resume' | 'parent';
  /** Event ids, schedule tick, API idempotency key... */
  detail?: Record<string, unknown>;
}

export interface ArtifactRef {
  /** sha256 of the content (for a directory: of its manifest). */
  digest: string;
  size: number;
  kind: 'file' | 'directory';
  type: string;
  /** What the producing task said about the artifact (a `<path>.metadata.json` sidecar, or a node task's return); see docs/tracking.md. */
  metadata?: Record<string, unknown>;
}

/** A value an output can take: a JSON value for params, an ArtifactRef for artifacts. */
export type OutputValue = { kind: 'param'; value: unknown } | { kind: 'artifact'; artifact: ArtifactRef };

/** A change the engine reports while a run progresses; `watch` streams these. */
export type RunEvent =
  | { type: 'run'; runId: string; time: number; status: RunStatus; message?: string }
  | {
      type: 'task';
      runId: string;
      time: number;
      /** Task key: the task name, or `name[i]` for iteration i of a forEach. */
      task: string;
      attempt: number;
      status: TaskStatus;
      message?: string;
      /** On a forEach task's Running event: how many items it fans out over. */
      items?: number;
    };
