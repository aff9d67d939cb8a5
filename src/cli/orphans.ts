// A run left in flight by a process that died: its record still says Pending or Running, but the
// process that owned it (on this machine) is gone, so nothing will ever move it on. The listings
// say so, with what to do, rather than show a run that seems to be running for ever.
import { isTerminalRunStatus } from '../engines/model.js';
import { ownerIsAlive } from '../engines/owner.js';
import type { RunRecord } from '../store/ports/runs.js';

/** True when the run is in flight and its owner is a process of this host that is gone. */
export function isOrphaned(run: Pick<RunRecord, 'status' | 'owner' | 'ownerPid'>): boolean {
  return !isTerminalRunStatus(run.status) && !ownerIsAlive(run.owner, run.ownerPid);
}

/** What to do about orphaned runs (one, or all when `runId` is undefined): resume here, or let `tandem serve` adopt them. */
export function orphanHint(runId?: string): string {
  const command = runId !== undefined ? `tandem resume ${runId}` : 'tandem resume';
  return `run \`${command}\` to finish ${runId !== undefined ? 'it' : 'them'} (a \`tandem serve\` on this store adopts orphaned runs within seconds)`;
}

/** Who owned it, for the message: `process 4242`, or `no process` for a run never claimed. */
export function formerOwner(run: Pick<RunRecord, 'ownerPid'>): string {
  return run.ownerPid !== undefined ? `process ${run.ownerPid}` : 'no process';
}
