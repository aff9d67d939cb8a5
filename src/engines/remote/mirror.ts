// What tandem knows of a remote run, kept in step with what the remote engine reports: each
// observation (a RemoteRunState) becomes the store writes that bring the run's record, its task
// runs, outputs and events up to date — only what changed, so a run polled every few seconds for
// hours records each transition once. Loaded from the store, so a restarted tandem carries on
// where the last one stopped instead of replaying the run's history.
import type { RunReader, StoreWrite, TaskRunRecord } from '../../store/ports/runs.js';
import { isTerminalRunStatus, type RunStatus } from '../model.js';
import type { RemoteRunState, RemoteTaskAttempt } from './backend.js';

/** What was last recorded of an attempt: a stored task run or a reported attempt, compared field by field. */
type Seen = RemoteTaskAttempt;

/** A change to record, with the moment it happened so changes seen together are written in causal order. */
interface Change {
  at: number;
  writes: StoreWrite[];
}

const attemptKey = (task: string, attempt: number) => `${task}#${attempt}`;

function sameAttempt(seen: Seen | undefined, now: RemoteTaskAttempt): boolean {
  return (
    seen !== undefined &&
    seen.status === now.status &&
    seen.message === now.message &&
    seen.startedAt === now.startedAt &&
    seen.finishedAt === now.finishedAt &&
    seen.exitCode === now.exitCode
  );
}

export class RunMirror {
  private constructor(
    private readonly runId: string,
    private status: RunStatus,
    private message: string | undefined,
    private readonly attempts: Map<string, Seen>,
    private readonly outputs: Map<string, string>,
  ) {}

  /** The mirror of what the store already holds for `runId`. */
  static async load(store: RunReader, runId: string): Promise<RunMirror> {
    const run = await store.getRun(runId);
    const attempts = new Map<string, Seen>();
    for (const record of await store.listTaskRuns(runId)) attempts.set(attemptKey(record.task, record.attempt), record);
    const outputs = new Map<string, string>();
    for (const output of await store.listOutputs(runId)) outputs.set(`${output.task}.${output.name}`, JSON.stringify(output.value));
    return new RunMirror(runId, run?.status ?? 'Pending', run?.message, attempts, outputs);
  }

  get runStatus(): RunStatus {
    return this.status;
  }

  /**
   * The writes that make the store say what `state` says: a stream of the run's events shows the
   * run start before its tasks, tasks in the order they changed, and every task settled before
   * the run's own terminal event.
   */
  update(state: RemoteRunState, now: number = Date.now()): StoreWrite[] {
    const changes: Change[] = [];
    for (const task of state.tasks) {
      for (const attempt of task.attempts) changes.push(...this.attemptChange(task.task, attempt, now));
      for (const [name, value] of Object.entries(task.outputs ?? {})) {
        const key = `${task.task}.${name}`;
        const json = JSON.stringify(value);
        if (this.outputs.get(key) === json) continue;
        this.outputs.set(key, json);
        changes.push({ at: now, writes: [{ kind: 'output', record: { runId: this.runId, task: task.task, name, kind: 'param', value } }] });
      }
    }
    changes.sort((a, b) => a.at - b.at);
    const writes = changes.flatMap((change) => change.writes);
    const run = this.runChange(state, now);
    return [...run.before, ...writes, ...run.after];
  }

  /** Says the run is waiting on the remote API (an outage), keeping its status; nothing when it already says so. */
  detail(message: string, now: number = Date.now()): StoreWrite[] {
    if (this.message === message) return [];
    this.message = message;
    return [{ kind: 'run', runId: this.runId, status: this.status, time: now, message }];
  }

  /** Ends the run with `status` (Lost, Error, Cancelled) and the reason, whatever the remote engine said last. */
  end(status: RunStatus, message: string, now: number = Date.now()): StoreWrite[] {
    return this.runWrites(status, now, message, true);
  }

  private attemptChange(task: string, attempt: RemoteTaskAttempt, now: number): Change[] {
    const key = attemptKey(task, attempt.attempt);
    const seen = this.attempts.get(key);
    if (sameAttempt(seen, attempt)) return [];
    this.attempts.set(key, attempt);
    const record: TaskRunRecord = {
      runId: this.runId,
      task,
      attempt: attempt.attempt,
      status: attempt.status,
      ...(attempt.message !== undefined ? { message: attempt.message } : {}),
      ...(attempt.startedAt !== undefined ? { startedAt: attempt.startedAt } : {}),
      ...(attempt.finishedAt !== undefined ? { finishedAt: attempt.finishedAt } : {}),
      ...(attempt.exitCode !== undefined ? { exitCode: attempt.exitCode } : {}),
    };
    const writes: StoreWrite[] = [{ kind: 'taskRun', record }];
    // An event marks a new status; a task whose message or times only filled in gets none.
    const at = (attempt.status === 'Running' || attempt.status === 'Pending' ? attempt.startedAt : attempt.finishedAt) ?? now;
    if (seen?.status !== attempt.status) {
      writes.push({ kind: 'event', runId: this.runId, time: at, task, attempt: attempt.attempt, status: attempt.status, ...(attempt.message !== undefined ? { message: attempt.message } : {}) });
    }
    return [{ at, writes }];
  }

  /** The run's own writes: those that go before its tasks' (it started) and after (it ended). */
  private runChange(state: RemoteRunState, now: number): { before: StoreWrite[]; after: StoreWrite[] } {
    if (state.status === this.status && state.message === this.message) return { before: [], after: [] };
    const terminal = isTerminalRunStatus(state.status);
    if (!terminal) return { before: this.runWrites(state.status, state.startedAt ?? now, state.message, state.status !== this.status), after: [] };
    // A run seen first when it had already ended still started: record that, as every engine's runs do.
    const before = this.status === 'Pending' ? this.runWrites('Running', state.startedAt ?? now, undefined, true) : [];
    const statusChanged = state.status !== this.status;
    return { before, after: this.runWrites(state.status, state.finishedAt ?? now, state.message, statusChanged, state.outputs) };
  }

  private runWrites(status: RunStatus, time: number, message: string | undefined, withEvent: boolean, outputs?: Record<string, unknown>): StoreWrite[] {
    this.status = status;
    this.message = message;
    const text = message !== undefined ? { message } : {};
    const writes: StoreWrite[] = [{ kind: 'run', runId: this.runId, status, time, ...text, ...(outputs ? { outputs } : {}) }];
    if (withEvent) writes.push({ kind: 'event', runId: this.runId, time, status, ...text });
    return writes;
  }
}
