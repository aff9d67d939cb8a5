// A remote run's task logs, read from the remote engine (the pods' main containers): one task's
// (its key, or a forEach task's name for all its iterations) or every task's, attempt by attempt
// as the store's mirror lists them. With `follow`, attempts that start later are read as they
// appear, until the run has ended and every attempt's log has been read.
import { NotFoundError } from '../../errors.js';
import type { RunReader, RunRecord, TaskRunRecord } from '../../store/ports/runs.js';
import type { LogChunk, LogOptions } from '../engine.js';
import { isTerminalRunStatus } from '../model.js';
import type { RemoteBackend } from './backend.js';
import { RemoteNotFoundError } from './errors.js';

const FOLLOW_POLL_MS = 1_000;

/** True when `key` (a task key) belongs to the task the caller named. */
function belongs(key: string, task: string | undefined): boolean {
  return task === undefined || key === task || key.startsWith(`${task}[`);
}

export async function* remoteLogs(backend: RemoteBackend, store: RunReader, run: RunRecord, task: string | undefined, options: LogOptions): AsyncGenerator<LogChunk> {
  if (task !== undefined && ![...run.spec.tasks, ...(run.spec.finally ?? [])].some((t) => t.name === task || task.startsWith(`${t.name}[`))) {
    throw new NotFoundError('task', task);
  }
  const read = new Set<string>();
  for (;;) {
    const current = (await store.getRun(run.id)) ?? run;
    const ended = isTerminalRunStatus(current.status);
    const attempts = (await store.listTaskRuns(run.id)).filter((a) => belongs(a.task, task) && !read.has(`${a.task}#${a.attempt}`));
    for (const attempt of attempts) {
      if (!current.remote || attempt.status === 'Pending' || attempt.status === 'Skipped' || attempt.status === 'Omitted') continue;
      read.add(`${attempt.task}#${attempt.attempt}`);
      yield* attemptLog(backend, current, attempt, options.follow === true && !ended);
    }
    if (options.follow !== true || ended) return;
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
  }
}

async function* attemptLog(backend: RemoteBackend, run: RunRecord, attempt: TaskRunRecord, follow: boolean): AsyncGenerator<LogChunk> {
  try {
    for await (const line of backend.logs(run.remote!, run, attempt.task, attempt.attempt, { follow })) {
      yield { task: attempt.task, attempt: attempt.attempt, stream: line.stream, text: line.text };
    }
  } catch (error) {
    // A pod already garbage-collected has no log left to read; the other attempts still do.
    if (!(error instanceof RemoteNotFoundError)) throw error;
  }
}
