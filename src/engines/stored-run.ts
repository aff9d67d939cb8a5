// Watching a run executed by another process: its events as the store records them.
import { NotFoundError } from '../errors.js';
import type { RunReader } from '../store/ports/runs.js';
import { isTerminalRunStatus, type RunEvent, type RunStatus, type TaskStatus } from './model.js';

const POLL_MS = 250;

export async function* watchStoredRun(store: RunReader, runId: string): AsyncGenerator<RunEvent> {
  let afterSeq = 0;
  for (;;) {
    const run = await store.getRun(runId);
    if (!run) throw new NotFoundError('run', runId);
    for (const record of await store.listRunEvents(runId, afterSeq)) {
      afterSeq = record.seq;
      const message = record.message !== undefined ? { message: record.message } : {};
      if (record.task === undefined) yield { type: 'run', runId, time: record.time, status: record.status as RunStatus, ...message };
      else {
        yield {
          type: 'task',
          runId,
          time: record.time,
          task: record.task,
          attempt: record.attempt ?? 0,
          status: record.status as TaskStatus,
          ...message,
        };
      }
    }
    if (isTerminalRunStatus(run.status)) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
