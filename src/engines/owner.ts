// Which process owns a run. A run's owner is recorded in the store as this process's identity
// (host:pid:start, see util/process-identity.ts); a run whose owner process is gone was left in
// flight by a crash and may be resumed.
import { hostname } from 'node:os';
import { PROCESS_IDENTITY } from '../util/process-identity.js';

export const OWNER_ID = PROCESS_IDENTITY;

/** True when the owner recorded for a run is a live process on this host. */
export function ownerIsAlive(owner: string | undefined, ownerPid: number | undefined): boolean {
  if (!owner || ownerPid === undefined) return false;
  if (owner === OWNER_ID) return true;
  if (owner.split(':')[0] !== hostname()) return true; // another machine's runs are never ours to take
  try {
    process.kill(ownerPid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
