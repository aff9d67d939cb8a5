// KFP v2beta1 run status → tandem's statuses (src/engines/model.ts): a run's `state` becomes the
// run's status, `run_details.task_details` become task runs. Pure functions over the API's objects.
//
// What the API does not carry: a task's output *parameters*. v2beta1's PipelineTaskDetail has
// `outputs` as artifact id lists only (`map<string, ArtifactList>`); parameter values live in ML
// Metadata, which this API does not expose. So a task maps to its output artifact ids here.
import type { RunStatus, TaskStatus } from '../model.js';
import type { PipelineTaskDetail, Run, RuntimeState } from './api/client.js';

export interface KfpRunState {
  status: RunStatus;
  message?: string;
  createdAt?: number;
  finishedAt?: number;
  /** Still stopping: CANCELING is reported as Running until the server says CANCELED. */
  canceling: boolean;
}

export interface KfpTask {
  task: string;
  taskId: string;
  status: TaskStatus;
  message?: string;
  startedAt?: number;
  finishedAt?: number;
  /** Failed pods before the current one, plus the current: KFP retries a task in new pods. */
  attempts: number;
  podName?: string;
  /** Output artifact ids by output name (see the header: no parameter values in this API). */
  outputArtifacts: Record<string, string[]>;
  parentTaskId?: string;
}

const RUN: Readonly<Record<RuntimeState, RunStatus>> = {
  RUNTIME_STATE_UNSPECIFIED: 'Pending',
  PENDING: 'Pending',
  RUNNING: 'Running',
  // A paused run has not ended.
  PAUSED: 'Running',
  CANCELING: 'Running',
  SUCCEEDED: 'Succeeded',
  // A whole run is not skipped by KFP itself; if a server says so, the run did all it was to do.
  SKIPPED: 'Succeeded',
  FAILED: 'Failed',
  CANCELED: 'Cancelled',
};

const TASK: Readonly<Record<RuntimeState, TaskStatus>> = {
  RUNTIME_STATE_UNSPECIFIED: 'Pending',
  PENDING: 'Pending',
  RUNNING: 'Running',
  PAUSED: 'Running',
  CANCELING: 'Running',
  SUCCEEDED: 'Succeeded',
  SKIPPED: 'Skipped',
  FAILED: 'Failed',
  CANCELED: 'Cancelled',
};

function time(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  // The API writes the zero time (1970-01-01T00:00:00Z) for "not yet".
  return Number.isNaN(ms) || ms <= 0 ? undefined : ms;
}

function withTime<K extends string>(key: K, value: string | undefined): Partial<Record<K, number>> {
  const ms = time(value);
  return ms === undefined ? {} : ({ [key]: ms } as Record<K, number>);
}

function message(error: { message?: string } | null | undefined): { message?: string } {
  return error?.message !== undefined && error.message !== '' ? { message: error.message } : {};
}

export function runState(run: Run): KfpRunState {
  const state = run.state ?? 'RUNTIME_STATE_UNSPECIFIED';
  const status = RUN[state] ?? 'Pending';
  return {
    status,
    ...message(run.error),
    ...withTime('createdAt', run.created_at),
    ...(status === 'Pending' || status === 'Running' ? {} : withTime('finishedAt', run.finished_at)),
    canceling: state === 'CANCELING',
  };
}

export function taskState(detail: PipelineTaskDetail): KfpTask {
  const outputArtifacts: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(detail.outputs ?? {})) outputArtifacts[name] = [...(list.artifact_ids ?? [])];
  const status = TASK[detail.state ?? 'RUNTIME_STATE_UNSPECIFIED'] ?? 'Pending';
  return {
    task: detail.display_name ?? detail.task_id ?? '',
    taskId: detail.task_id ?? '',
    status,
    ...message(detail.error),
    ...withTime('startedAt', detail.start_time),
    ...(status === 'Pending' || status === 'Running' ? {} : withTime('finishedAt', detail.end_time)),
    attempts: (detail.executor_detail?.failed_main_jobs?.length ?? 0) + 1,
    ...(detail.pod_name !== undefined && detail.pod_name !== '' ? { podName: detail.pod_name } : {}),
    outputArtifacts,
    ...(detail.parent_task_id !== undefined && detail.parent_task_id !== '' ? { parentTaskId: detail.parent_task_id } : {}),
  };
}

/** Every task detail of the run (none while `run_details` is absent, as before the run starts). */
export function runTasks(run: Run): KfpTask[] {
  return (run.run_details?.task_details ?? []).map(taskState);
}
