// What a dead engine left behind in one run, sorted out before anything of the run starts again.
// The store lags the truth by a few milliseconds (write-buffer.ts), so the attempt folders are
// read as well: a folder the store does not know is an attempt too (attempt numbers stay unique
// per task), and the helper's records in it (attempt-records.ts) say what really happened:
//   process.exit present             the process ran to its end: adopted, its result is recorded
//   process.started, helper alive    still supervised by its helper: adopted, waited for
//   process.started, helper dead     nobody will record its end: its group is killed, and once it
//                                    is gone the attempt is Interrupted (retried under its policy)
//   neither                          it never started: Interrupted, and run again without using up
//                                    a retry (its process never ran, see `notStarted`)
// Adopted attempts stay Running here; the execution continues them (adopt.ts).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskRunRecord } from '../../store/ports/runs.js';
import { isSameProcessAlive, readExit, readStarted } from './attempt-records.js';
import { attemptDir, parseAttemptDirName } from './layout.js';
import { signalGroup } from './runners/spawn-task.js';
import type { WriteBuffer } from './write-buffer.js';

export const INTERRUPTED_MESSAGE = 'interrupted: the engine and the helper supervising this attempt stopped while it was running';
const NOT_STARTED_MESSAGE = 'not started: the engine stopped before this attempt had a process';

/** How long a killed process group may take to be gone before resume goes on anyway (and says so). */
const KILL_WAIT_MS = 10_000;

interface LeftoverContext {
  runId: string;
  runsDir: string;
  /** True for the keys of `workflow` tasks: their attempts wait on child runs, not processes. */
  runsChild(key: string): boolean;
  writer: WriteBuffer;
  onError(error: unknown): void;
}

interface Leftovers {
  /** Every attempt of the run, the store's and the folders', ordered by attempt. */
  taskRuns: TaskRunRecord[];
  /** `key.attempt` of Interrupted attempts whose process never started. */
  notStarted: Set<string>;
}

export async function sortOutLeftovers(stored: readonly TaskRunRecord[], ctx: LeftoverContext): Promise<Leftovers> {
  const taskRuns = [...stored, ...unrecordedAttempts(stored, ctx)];
  const notStarted = new Set<string>();
  const now = Date.now();
  for (const [index, record] of taskRuns.entries()) {
    if (record.attempt === 0 || ctx.runsChild(record.task)) continue;
    const dir = attemptDir(ctx.runsDir, ctx.runId, record.task, record.attempt);
    if (record.status === 'Interrupted' && record.pid === undefined && readStarted(dir) === undefined) notStarted.add(`${record.task}.${record.attempt}`);
    if (record.status !== 'Running' && record.status !== 'Pending') continue;
    const settled = await settleOne(record, dir);
    taskRuns[index] = settled;
    if (settled.status === 'Interrupted') {
      if (settled.pid === undefined) notStarted.add(`${record.task}.${record.attempt}`);
      ctx.writer.push({ kind: 'taskRun', record: { ...settled, finishedAt: now } });
      const message = settled.message ?? INTERRUPTED_MESSAGE;
      ctx.writer.push({ kind: 'event', runId: ctx.runId, time: now, task: record.task, attempt: record.attempt, status: 'Interrupted', message });
    } else if (settled !== record) {
      ctx.writer.push({ kind: 'taskRun', record: settled });
    }
  }
  taskRuns.sort((a, b) => a.attempt - b.attempt);
  return { taskRuns, notStarted };

  async function settleOne(record: TaskRunRecord, dir: string): Promise<TaskRunRecord> {
    const started = readStarted(dir);
    const withPid = started && record.pid !== started.pid ? { ...record, pid: started.pid } : record;
    if (readExit(dir)) return withPid; // it ended: adopted, its result is read from the folder
    if (started) {
      if (isSameProcessAlive(started.helper, started.helperStart)) return withPid;
      // The helper is gone: kill what is left of the group; the helper may have recorded the end
      // just before it died.
      await killGroup(started.pid, started.start);
      if (readExit(dir)) return withPid;
      return { ...withPid, status: 'Interrupted', message: INTERRUPTED_MESSAGE };
    }
    // A pid in the store but no record in the folder: a helper older than these records ran it.
    if (record.pid !== undefined) {
      await killGroup(record.pid, undefined);
      return { ...record, status: 'Interrupted', message: INTERRUPTED_MESSAGE };
    }
    return { ...record, status: 'Interrupted', message: NOT_STARTED_MESSAGE };
  }

  async function killGroup(pid: number, start: string | undefined): Promise<void> {
    // A leader that is gone (or whose pid now names a later process) is not signalled: its pid
    // may belong to someone else's group by now.
    if (!isSameProcessAlive(pid, start)) return;
    signalGroup(pid, 'SIGKILL');
    const deadline = Date.now() + KILL_WAIT_MS;
    while (isSameProcessAlive(pid, start)) {
      if (Date.now() > deadline) {
        ctx.onError(new Error(`resume: process group ${pid} of run ${ctx.runId} is still alive ${KILL_WAIT_MS} ms after SIGKILL`));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** Attempts that have a folder but no row: started just before the engine died. */
function unrecordedAttempts(stored: readonly TaskRunRecord[], ctx: LeftoverContext): TaskRunRecord[] {
  const runDir = join(ctx.runsDir, ctx.runId);
  let names: string[];
  try {
    names = readdirSync(runDir);
  } catch {
    return []; // no attempt of the run made a folder
  }
  const known = new Set(stored.map((r) => `${r.task}\u0000${r.attempt}`));
  const found: TaskRunRecord[] = [];
  for (const name of names) {
    const parsed = parseAttemptDirName(name);
    if (!parsed || known.has(`${parsed.key}\u0000${parsed.attempt}`) || ctx.runsChild(parsed.key)) continue;
    const dir = join(runDir, name);
    const started = readStarted(dir);
    found.push({
      runId: ctx.runId,
      task: parsed.key,
      attempt: parsed.attempt,
      status: 'Running',
      ...(started ? { startedAt: started.time, pid: started.pid } : {}),
      logDir: dir,
    });
  }
  return found;
}
