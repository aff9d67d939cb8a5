// What a resumed run starts from: the attempts and outputs recorded before the crash. Attempts
// recorded as running were cut short: their leftover processes are stopped and the attempt is
// recorded as Interrupted, so the run's retry policy decides what happens next. The exception is
// an attempt of a `workflow` task: its child run is a run of its own that outlives the crash, so
// the attempt is left Running and the execution re-attaches it to that child (see
// RunExecution.unitReady).
import type { WorkflowSpec } from '../../spec/schema.js';
import type { RunReader, TaskRunRecord } from '../../store/ports/runs.js';
import { baseTask } from '../../spec/run-naming.js';
import type { ArtifactRef, OutputValue } from '../model.js';
import type { FailedStatus } from './retry.js';
import { signalGroup } from './runners/spawn-task.js';
import type { WriteBuffer } from './write-buffer.js';

export interface PriorState {
  taskRuns: TaskRunRecord[];
  outputs: Map<string, Record<string, OutputValue>>;
}

const INTERRUPTED_MESSAGE = 'interrupted: the engine stopped while this attempt was running';

export async function loadPriorState(store: RunReader, runId: string, spec: WorkflowSpec, writer: WriteBuffer): Promise<PriorState> {
  const taskRuns = await store.listTaskRuns(runId);
  const now = Date.now();
  const childRunTasks = new Set([...spec.tasks, ...(spec.finally ?? [])].filter((t) => t.workflow !== undefined).map((t) => t.name));
  for (const [index, record] of taskRuns.entries()) {
    if (record.status !== 'Running' && record.status !== 'Pending') continue;
    if (record.pid !== undefined) signalGroup(record.pid, 'SIGKILL');
    if (record.attempt === 0) continue; // a forEach parent: it is re-expanded
    if (childRunTasks.has(baseTask(record.task))) continue; // re-attached to its child run
    const interrupted: TaskRunRecord = { ...record, status: 'Interrupted', finishedAt: now, message: INTERRUPTED_MESSAGE };
    taskRuns[index] = interrupted;
    writer.push({ kind: 'taskRun', record: interrupted });
    writer.push({ kind: 'event', runId, time: now, task: record.task, attempt: record.attempt, status: 'Interrupted', message: INTERRUPTED_MESSAGE });
  }
  const outputs = new Map<string, Record<string, OutputValue>>();
  for (const output of await store.listOutputs(runId)) {
    const forTask = outputs.get(output.task) ?? {};
    forTask[output.name] =
      output.kind === 'param' ? { kind: 'param', value: output.value } : { kind: 'artifact', artifact: output.value as ArtifactRef };
    outputs.set(output.task, forTask);
  }
  return { taskRuns, outputs };
}

/** What a resumed task unit does, given the attempts recorded for it before the resume. */
export type Replay =
  | { kind: 'fresh' }
  /** Its last attempt succeeded (or was served from the cache): its outputs are in the store. */
  | { kind: 'settled'; attempt: number; status: 'Succeeded' | 'Cached'; message: string | undefined }
  /** A `workflow` task's attempt was waiting on its child run: the same attempt continues. */
  | { kind: 'reattach'; record: TaskRunRecord }
  /** Its last attempt failed or was interrupted: the retry policy decides. */
  | { kind: 'failed'; attempt: number; status: FailedStatus; message: string };

export function replayOf(prior: readonly TaskRunRecord[], runsChild: boolean): Replay {
  const last = prior[prior.length - 1];
  if (!last) return { kind: 'fresh' };
  if (last.status === 'Succeeded' || last.status === 'Cached') return { kind: 'settled', attempt: last.attempt, status: last.status, message: last.message };
  // loadPriorState has recorded every other running attempt as Interrupted.
  if ((last.status === 'Running' || last.status === 'Pending') && runsChild) return { kind: 'reattach', record: last };
  const status = last.status === 'Failed' || last.status === 'Error' ? last.status : 'Interrupted';
  return { kind: 'failed', attempt: last.attempt, status, message: last.message ?? (status === 'Interrupted' ? INTERRUPTED_MESSAGE : status) };
}
