// Mutexes and semaphores held across processes. The dispatcher keeps the limit among the tasks of
// its own engine; this asks the store, so that the limit also holds against every other process
// sharing it (a server and `tandem run`s), as Argo's synchronization holds across a cluster.
// A holder whose process died (a crash, kill -9) is dropped when it stands in someone's way.
import type { LockStore } from '../../store/ports/locks.js';
import { OWNER_ID, ownerIsAlive } from '../owner.js';

export interface LockRequest {
  name: string;
  limit: number;
  /** The task asking: RUN/TASK. */
  holder: string;
}

export interface SharedLocks {
  /** True when the task now holds the lock in the store; false while others fill it. */
  acquire(lock: LockRequest): Promise<boolean>;
  release(lock: LockRequest): Promise<void>;
}

export class StoreLocks implements SharedLocks {
  constructor(private readonly store: LockStore) {}

  async acquire(lock: LockRequest): Promise<boolean> {
    const request = { lock: lock.name, holder: lock.holder, owner: OWNER_ID, ownerPid: process.pid, acquiredAt: Date.now() };
    const first = await this.store.acquireLock(request, lock.limit);
    if (first.acquired) return true;
    const dead = first.holders.filter((h) => !ownerIsAlive(h.owner, h.ownerPid));
    if (dead.length === 0) return false;
    for (const holder of dead) await this.store.releaseLock(lock.name, holder.holder);
    return (await this.store.acquireLock(request, lock.limit)).acquired;
  }

  async release(lock: LockRequest): Promise<void> {
    await this.store.releaseLock(lock.name, lock.holder);
  }
}
