// What a resumed run starts from: the attempts and outputs recorded before the crash. Attempts
// recorded as running were cut short: their leftover processes are stopped and the attempt is
// recorded as Interrupted, so the run's retry policy decides what happens next.
import type { Store, TaskRunRecord } from '../../store/store.js';
import type { ArtifactRef, OutputValue } from '../model.js';
import { signalGroup } from './runners/spawn-task.js';
import type { WriteBuffer } from './write-buffer.js';

export interface PriorState {
  taskRuns: TaskRunRecord[];
  outputs: Map<string, Record<string, OutputValue>>;
}

export const INTERRUPTED_MESSAGE = 'interrupted: the engine stopped while this attempt was running';

export async function loadPriorState(store: Store, runId: string, writer: WriteBuffer): Promise<PriorState> {
  const taskRuns = await store.listTaskRuns(runId);
  const now = Date.now();
  for (const [index, record] of taskRuns.entries()) {
    if (record.status !== 'Running' && record.status !== 'Pending') continue;
    if (record.pid !== undefined) signalGroup(record.pid, 'SIGKILL');
    if (record.attempt === 0) continue; // a forEach parent: it is re-expanded
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
