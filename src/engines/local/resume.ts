// What a resumed run starts from: the attempts and outputs recorded before the crash, completed
// from the attempt folders. Attempts left running are sorted out first (leftovers.ts): one whose
// process ended, or still runs under its helper, is adopted and continued; one whose helper died
// is killed and recorded as Interrupted, so the run's retry policy decides what happens next; one
// that never had a process runs again. An attempt of a `workflow` task is left Running too: its
// child run is a run of its own that outlives the crash, and the execution re-attaches it to that
// child (see RunExecution.unitReady).
import type { WorkflowSpec } from '../../spec/schema.js';
import type { RunReader, TaskRunRecord } from '../../store/ports/runs.js';
import { baseTask } from '../../spec/run-naming.js';
import type { ArtifactRef, OutputValue } from '../model.js';
import type { FailedStatus } from './retry.js';
import { INTERRUPTED_MESSAGE, sortOutLeftovers } from './leftovers.js';
import type { WriteBuffer } from './write-buffer.js';

export interface PriorState {
  taskRuns: TaskRunRecord[];
  outputs: Map<string, Record<string, OutputValue>>;
  /** `key.attempt` of Interrupted attempts whose process never started. */
  notStarted?: ReadonlySet<string>;
}

interface ResumeContext {
  writer: WriteBuffer;
  runsDir: string;
  onError(error: unknown): void;
}

export async function loadPriorState(store: RunReader, runId: string, spec: WorkflowSpec, ctx: ResumeContext): Promise<PriorState> {
  const childRunTasks = new Set([...spec.tasks, ...(spec.finally ?? [])].filter((t) => t.workflow !== undefined).map((t) => t.name));
  const runsChild = (key: string) => childRunTasks.has(baseTask(key));
  const { taskRuns, notStarted } = await sortOutLeftovers(await store.listTaskRuns(runId), { runId, runsChild, ...ctx });
  const outputs = new Map<string, Record<string, OutputValue>>();
  for (const output of await store.listOutputs(runId)) {
    const forTask = outputs.get(output.task) ?? {};
    forTask[output.name] =
      output.kind === 'param' ? { kind: 'param', value: output.value } : { kind: 'artifact', artifact: output.value as ArtifactRef };
    outputs.set(output.task, forTask);
  }
  return { taskRuns, outputs, notStarted };
}

/** What a resumed task unit does, given the attempts recorded for it before the resume. */
export type Replay =
  | { kind: 'fresh' }
  /** Its last attempt succeeded (or was served from the cache): its outputs are in the store. */
  | { kind: 'settled'; attempt: number; status: 'Succeeded' | 'Cached'; message: string | undefined }
  /**
   * Its last attempt is still running (a `workflow` task's child run, or a process its helper
   * still supervises) or ended unrecorded: the same attempt continues.
   */
  | { kind: 'reattach'; record: TaskRunRecord }
  /** Its last attempt never had a process: it starts afresh, numbered after it. */
  | { kind: 'restart'; attempt: number }
  /** Its last attempt failed or was interrupted: the retry policy decides. */
  | { kind: 'failed'; attempt: number; status: FailedStatus; message: string };

export function replayOf(prior: readonly TaskRunRecord[], notStarted: ReadonlySet<string> | undefined): Replay {
  const last = prior[prior.length - 1];
  if (!last) return { kind: 'fresh' };
  if (last.status === 'Succeeded' || last.status === 'Cached') return { kind: 'settled', attempt: last.attempt, status: last.status, message: last.message };
  // loadPriorState has recorded every running attempt it could not adopt as Interrupted.
  if (last.status === 'Running' || last.status === 'Pending') return { kind: 'reattach', record: last };
  if (last.status === 'Interrupted' && notStarted?.has(`${last.task}.${last.attempt}`)) return { kind: 'restart', attempt: last.attempt };
  const status = last.status === 'Failed' || last.status === 'Error' ? last.status : 'Interrupted';
  return { kind: 'failed', attempt: last.attempt, status, message: last.message ?? (status === 'Interrupted' ? INTERRUPTED_MESSAGE : status) };
}
