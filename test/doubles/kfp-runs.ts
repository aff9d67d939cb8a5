// In-process test double of KFP's run bookkeeping, written for tandem from the official API file
// ../shared/specs/kfp/kfp_api_v2beta1.swagger.json (v2beta1Run, v2beta1RunDetails,
// v2beta1PipelineTaskDetail); not upstream code.
//
// A run's state as the persistence agent writes it back: state and state_history, finished_at on a
// terminal state, the error of a failed run, and task details by task name. The test moves runs on
// with advance(); terminate, retry and "the workflow behind this run is gone" live here too.
import { randomUUID } from 'node:crypto';
import { ApiError, GRPC } from './http-double.js';

export type RuntimeState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'SKIPPED' | 'FAILED' | 'CANCELING' | 'CANCELED' | 'PAUSED';

const TERMINAL = new Set<RuntimeState>(['SUCCEEDED', 'SKIPPED', 'FAILED', 'CANCELED']);

export interface TaskProgress {
  /** The task's display name (its name in the pipeline spec). */
  name: string;
  state: RuntimeState;
  error?: { code: number; message: string };
  podName?: string;
  /** The parent task's name (a DAG driver), if any. */
  parent?: string;
  /** Output artifacts: name → MLMD artifact ids. */
  outputs?: Record<string, string[]>;
  /** Earlier failed attempts' pod names (executor_detail.failed_main_jobs). */
  failedAttempts?: string[];
}

export interface StoredRun {
  values: Record<string, unknown>;
  tasks: Map<string, Record<string, unknown>>;
  /** Set by orphan(): the Argo workflow behind the run is gone, the run stays RUNNING forever. */
  orphaned: boolean;
}

/** protojson's Timestamp text. */
export function protoTime(date = new Date()): string {
  return date.toISOString();
}

function status(state: RuntimeState, error?: unknown): Record<string, unknown> {
  return { update_time: protoTime(), state, error: error ?? null };
}

export function newRun(values: Record<string, unknown>): StoredRun {
  const now = protoTime();
  return {
    values: {
      ...values,
      run_id: randomUUID(),
      storage_state: 'AVAILABLE',
      created_at: now,
      scheduled_at: now,
      state: 'PENDING',
      state_history: [status('PENDING')],
    },
    tasks: new Map(),
    orphaned: false,
  };
}

function setState(run: StoredRun, state: RuntimeState, error?: { code: number; message: string }): void {
  const values = run.values;
  if (values.state === state) return;
  values.state = state;
  const rpcError = error === undefined ? undefined : { ...error, details: [] };
  (values.state_history as unknown[]).push(status(state, rpcError));
  if (TERMINAL.has(state)) values.finished_at = protoTime();
  else delete values.finished_at;
  if (rpcError !== undefined) values.error = rpcError;
  else if (!TERMINAL.has(state)) delete values.error;
}

/** Moves a run on: its state (and error) and the tasks given, by name. */
export function advanceRun(run: StoredRun, state: RuntimeState, tasks: TaskProgress[] = [], error?: { code: number; message: string }): void {
  if (run.orphaned) throw new Error(`run ${String(run.values.run_id)} is orphaned: nothing moves it any more`);
  const runId = String(run.values.run_id);
  for (const task of tasks) {
    const now = protoTime();
    const previous = run.tasks.get(task.name);
    const detail: Record<string, unknown> = {
      // What this step does not say (parent, pod, outputs) stays as an earlier step set it.
      ...previous,
      run_id: runId,
      task_id: previous?.task_id ?? randomUUID(),
      display_name: task.name,
      create_time: previous?.create_time ?? now,
      state: task.state,
      ...(previous?.start_time !== undefined ? { start_time: previous.start_time } : task.state !== 'PENDING' ? { start_time: now } : {}),
      ...(TERMINAL.has(task.state) ? { end_time: previous?.end_time ?? now } : {}),
      state_history: [...((previous?.state_history as unknown[] | undefined) ?? []), status(task.state)],
      ...(task.podName !== undefined ? { pod_name: task.podName } : {}),
      ...(task.error !== undefined ? { error: { ...task.error, details: [] } } : {}),
      ...(task.outputs !== undefined ? { outputs: Object.fromEntries(Object.entries(task.outputs).map(([k, ids]) => [k, { artifact_ids: ids }])) } : {}),
      ...(task.parent !== undefined ? { parent_task_id: run.tasks.get(task.parent)?.task_id ?? '' } : {}),
      executor_detail: {
        main_job: task.podName ?? previous?.pod_name ?? '',
        pre_caching_check_job: '',
        failed_main_jobs: task.failedAttempts ?? (previous?.executor_detail as { failed_main_jobs?: string[] } | undefined)?.failed_main_jobs ?? [],
        failed_pre_caching_check_jobs: [],
      },
    };
    run.tasks.set(task.name, detail);
  }
  // A parent lists its children as child_tasks, the way the API server assembles them.
  for (const detail of run.tasks.values()) detail.child_tasks = [];
  for (const detail of run.tasks.values()) {
    const parent = [...run.tasks.values()].find((d) => d.task_id === detail.parent_task_id);
    if (parent !== undefined) (parent.child_tasks as unknown[]).push({ task_id: detail.task_id, pod_name: detail.pod_name ?? '' });
  }
  setState(run, state, error);
}

export function terminateRun(run: StoredRun): void {
  if (TERMINAL.has(run.values.state as RuntimeState)) {
    throw new ApiError(GRPC.FAILED_PRECONDITION, `Failed to terminate a run: run ${String(run.values.run_id)} is already in a terminal state ${String(run.values.state)}`);
  }
  setState(run, 'CANCELING');
}

/** Retry: failed and cancelled tasks start over, the others keep their results. */
export function retryRun(run: StoredRun): void {
  const state = run.values.state;
  if (state !== 'FAILED' && state !== 'CANCELED') {
    throw new ApiError(GRPC.FAILED_PRECONDITION, `Failed to retry a run: run ${String(run.values.run_id)} is in state ${String(state)}, not FAILED or CANCELED`);
  }
  for (const [name, task] of run.tasks) {
    if (task.state === 'FAILED' || task.state === 'CANCELED' || task.state === 'CANCELING') run.tasks.delete(name);
  }
  delete run.values.error;
  setState(run, 'RUNNING');
}
