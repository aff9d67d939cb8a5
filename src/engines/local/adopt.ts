// Continues an attempt a dead engine left behind (see leftovers.ts): its process ran, or still
// runs, under a spawner helper that outlived that engine and writes the attempt's exit record.
// Adopting waits for that record instead of starting the task again, then ends the attempt as if
// this engine had run it (outcomeOfResult). A cancel or the task's timeout stops the process
// group as a running attempt's would be; a helper that dies before recording the end makes the
// attempt Interrupted, after its group is killed.
import { existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { outcomeOfResult, type AttemptOutcome, type AttemptPlan } from './attempt.js';
import type { ArtifactStore } from './artifacts.js';
import { isSameProcessAlive, readExit, readStarted, type ExitRecord } from './attempt-records.js';
import { attemptFiles } from './layout.js';
import { INTERRUPTED_MESSAGE } from './leftovers.js';
import type { RunnerResult } from './runner.js';
import { signalGroup } from './runners/spawn-task.js';

/** Checks for the exit record start this often and slow down to MAX_POLL_MS for long tasks. */
const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 200;

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name]));

interface AdoptSettings {
  killGraceMs: number;
}

export async function adoptAttempt(plan: AttemptPlan, startedAt: number, artifacts: ArtifactStore, settings: AdoptSettings): Promise<AttemptOutcome> {
  const started = readStarted(plan.attemptDir);
  if (started) plan.onStarted(started.pid);
  let timedOut = false;
  let exit = readExit(plan.attemptDir);
  if (!exit && started) {
    const deadline = plan.timeoutMs !== undefined ? startedAt + plan.timeoutMs : undefined;
    let stopAt: number | undefined;
    let poll = FIRST_POLL_MS;
    for (;;) {
      exit = readExit(plan.attemptDir);
      if (exit) break;
      if (!isSameProcessAlive(started.helper, started.helperStart)) {
        // The helper may have written the record just before it went.
        exit = readExit(plan.attemptDir);
        if (exit) break;
        signalGroup(started.pid, 'SIGKILL');
        return { status: 'Interrupted', message: INTERRUPTED_MESSAGE };
      }
      const now = Date.now();
      if (stopAt === undefined && (plan.cancelSignal.aborted || (deadline !== undefined && now >= deadline))) {
        timedOut = !plan.cancelSignal.aborted;
        signalGroup(started.pid, 'SIGTERM');
        stopAt = now + settings.killGraceMs;
      } else if (stopAt !== undefined && now >= stopAt) {
        signalGroup(started.pid, 'SIGKILL');
        stopAt = Number.POSITIVE_INFINITY;
      }
      await new Promise((resolve) => setTimeout(resolve, poll));
      poll = Math.min(MAX_POLL_MS, poll * 2);
    }
  }
  if (!exit) return { status: 'Interrupted', message: INTERRUPTED_MESSAGE };
  return outcomeOfResult(plan, resultOf(plan, exit), timedOut, artifacts);
}

function resultOf(plan: AttemptPlan, exit: ExitRecord): RunnerResult {
  const result: RunnerResult = { exitCode: exit.exitCode, logTruncated: exit.truncated };
  if (exit.signal !== 0) result.signal = SIGNAL_NAMES.get(exit.signal) ?? `signal ${exit.signal}`;
  // A node task's return value is its output params, as the node runner reads it after a clean exit.
  const resultFile = attemptFiles.nodeResult(plan.attemptDir);
  if (plan.spec.node && exit.exitCode === 0 && existsSync(resultFile)) {
    result.returned = JSON.parse(readFileSync(resultFile, 'utf8')) as Record<string, unknown>;
  }
  return result;
}
