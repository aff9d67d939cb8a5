// The locks role: holders of workflow mutexes and semaphores, shared by every process using the
// store so a limit holds across a server and `tandem run`s (the engine's StoreLocks).

/** A task holding a mutex or semaphore (see SyncLocks in the engine). */
export interface LockHolderRecord {
  /** `mutex/NAME` or `semaphore/NAME`. */
  lock: string;
  /** The task holding it: `RUN/TASK`. */
  holder: string;
  /** The process running that task (`host:pid:start`) and its pid. */
  owner: string;
  ownerPid: number;
  acquiredAt: number;
}

export interface LockAcquisition {
  acquired: boolean;
  /** When not acquired: who holds the lock now. */
  holders: LockHolderRecord[];
}

export interface LockStore {
  /**
   * Adds `request.holder` to the lock's holders when fewer than `limit` hold it, atomically across
   * every process using the store. A holder already there keeps its place (its owner is updated).
   * Not acquired: the current holders come back, so the caller can drop those whose process died.
   */
  acquireLock(request: LockHolderRecord, limit: number): Promise<LockAcquisition>;
  /** Removes a holder; a no-op when it holds nothing. */
  releaseLock(lock: string, holder: string): Promise<void>;
  /** Every holder of every lock, by lock, then oldest first. */
  listLocks(): Promise<LockHolderRecord[]>;
}
