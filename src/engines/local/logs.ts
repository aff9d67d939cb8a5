// Reads task logs from the files the spawner wrote, for `tandem logs` and the API. Following
// re-reads new bytes until the run ends, so it also works for a run owned by another process.
// An unknown run, or a task the run does not have, is a NotFoundError before anything is read.
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { NotFoundError } from '../../errors.js';
import { attemptFiles } from './layout.js';
import { isTerminalRunStatus } from '../model.js';
import type { LogChunk, LogOptions } from '../engine.js';
import type { RunReader, RunRecord, TaskRunRecord } from '../../store/ports/runs.js';

const STREAMS = ['stdout', 'stderr'] as const;
const FOLLOW_INTERVAL_MS = 200;

export async function* readLogs(store: RunReader, runId: string, task: string | undefined, options: LogOptions = {}): AsyncGenerator<LogChunk> {
  const offsets = new Map<string, number>();
  const first = await store.getRun(runId);
  if (!first) throw new NotFoundError('run', runId);
  if (task !== undefined && !(await hasTask(store, first, task))) throw new NotFoundError('task', task);
  for (;;) {
    const run = await store.getRun(runId);
    const attempts = inTaskOrder((await store.listTaskRuns(runId)).filter((r) => r.logDir && matches(r, task)), first.spec);
    for (const attempt of attempts) {
      for (const stream of STREAMS) {
        const file = stream === 'stdout' ? attemptFiles.stdout(attempt.logDir!) : attemptFiles.stderr(attempt.logDir!);
        const text = readFrom(file, offsets);
        if (text) yield { task: attempt.task, attempt: attempt.attempt, stream, text };
      }
    }
    if (!options.follow || !run || isTerminalRunStatus(run.status)) return;
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS));
  }
}

/**
 * Whether `task` names a task of the run: one its workflow declares (a forEach item key,
 * `name[3]`, by its task's name), or one it has records of. A task that has not started yet
 * counts, so `--follow` can wait for it.
 */
async function hasTask(store: RunReader, run: RunRecord, task: string): Promise<boolean> {
  const name = /^(.*)\[\d+\]$/.exec(task)?.[1] ?? task;
  if ([...run.spec.tasks, ...(run.spec.finally ?? [])].some((declared) => declared.name === name)) return true;
  return (await store.listTaskRuns(run.id)).some((r) => matches(r, task));
}

/**
 * Declared order (tasks, then finally), forEach iterations by index, attempts in order: the store
 * sorts task keys as text, which puts `parse[10]` before `parse[2]`.
 */
function inTaskOrder(records: TaskRunRecord[], spec: RunRecord['spec']): TaskRunRecord[] {
  const declared = [...spec.tasks, ...(spec.finally ?? [])].map((t) => t.name);
  const rank = (key: string): [number, number] => {
    const match = /^(.*)\[(\d+)\]$/.exec(key);
    const position = declared.indexOf(match?.[1] ?? key);
    return [position === -1 ? declared.length : position, match ? Number(match[2]) : -1];
  };
  return records
    .map((record) => ({ record, rank: rank(record.task) }))
    .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.record.task.localeCompare(b.record.task) || a.record.attempt - b.record.attempt)
    .map(({ record }) => record);
}

function matches(record: TaskRunRecord, task: string | undefined): boolean {
  return task === undefined || record.task === task || record.task.startsWith(`${task}[`);
}

function readFrom(file: string, offsets: Map<string, number>): string {
  if (!existsSync(file)) return '';
  const start = offsets.get(file) ?? 0;
  const size = statSync(file).size;
  if (size <= start) return '';
  const buffer = Buffer.alloc(size - start);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, start);
  } finally {
    closeSync(fd);
  }
  offsets.set(file, size);
  return buffer.toString('utf8');
}
