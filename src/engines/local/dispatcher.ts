// Decides when a ready task may start. A task waits for: its run's parallelism, its forEach
// parallelism, its mutex or semaphore, and a slot of the engine-wide concurrency limit. A waiting
// task sits in the list of the one limit that held it back, and is tried again when that limit
// frees up, so starting and finishing a task costs O(1) however many tasks wait.
//
// A mutex or semaphore also binds other processes sharing the store (SharedLocks): once every
// limit of this engine admits the task, the store is asked too. Another process's task holding
// the lock cannot wake us, so a task refused there is offered again after LOCK_POLL_MS.
import { Queue } from './queue.js';
import type { LockRequest, SharedLocks } from './sync-locks.js';

/** How soon a task refused a lock held by another process asks again. */
export const LOCK_POLL_MS = 100;

/** A limit on how many tasks of a group run at once (a run, or one forEach task). */
export class Gate {
  running = 0;
  readonly waiters = new Queue<Schedulable>();
  constructor(readonly limit: number) {}
}

export interface Schedulable {
  readonly gates: readonly Gate[];
  readonly lock?: LockRequest;
  /** Set when the task was withdrawn (cancelled, omitted) while waiting. */
  withdrawn: boolean;
  /**
   * False for a task that only waits on a child run (a `workflow` task): it takes no slot of the
   * engine-wide limit, or parents holding every slot would wait forever for children that need one.
   */
  readonly takesSlot: boolean;
  start(): void;
}

interface LockState {
  holders: number;
  waiters: Queue<Schedulable>;
}

export class Dispatcher {
  private free: number;
  private readonly ready = new Queue<Schedulable>();
  private readonly locks = new Map<string, LockState>();

  private paused = false;
  /** Tasks refused by another process's lock holders, waiting to ask again. */
  private readonly polls = new Set<NodeJS.Timeout>();

  constructor(
    readonly concurrency: number,
    private readonly shared?: SharedLocks,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.free = concurrency;
  }

  /** Starts nothing more (the engine is closing); tasks already running finish. */
  pause(): void {
    this.paused = true;
    for (const poll of this.polls) clearTimeout(poll);
    this.polls.clear();
  }

  /** Starts the task now if every limit allows, or parks it where it waits. */
  submit(task: Schedulable): void {
    if (task.withdrawn || this.paused) return;
    for (const gate of task.gates) {
      if (gate.running >= gate.limit) {
        gate.waiters.push(task);
        return;
      }
    }
    let lock: LockState | undefined;
    if (task.lock) {
      lock = this.lockState(task.lock.name);
      if (lock.holders >= task.lock.limit) {
        lock.waiters.push(task);
        return;
      }
    }
    if (task.takesSlot) {
      if (this.free <= 0) {
        this.ready.push(task);
        return;
      }
      this.free -= 1;
    }
    for (const gate of task.gates) gate.running += 1;
    if (lock) lock.holders += 1;
    if (task.lock && this.shared) this.startWhenShared(task, task.lock, this.shared);
    else task.start();
  }

  /** Called once when a started task finishes; wakes one waiter of each limit it held. */
  release(task: Schedulable): void {
    if (task.lock && this.shared) this.shared.release(task.lock).catch(this.onError);
    this.giveBack(task);
  }

  /** The task holds every limit of this engine; it starts once the store grants the lock too. */
  private startWhenShared(task: Schedulable, lock: LockRequest, shared: SharedLocks): void {
    shared.acquire(lock).then(
      (acquired) => {
        if (acquired && !task.withdrawn && !this.paused) return task.start();
        if (acquired) shared.release(lock).catch(this.onError);
        this.giveBack(task);
        if (!acquired) this.askAgainLater(task);
      },
      (error: unknown) => {
        this.onError(error);
        this.giveBack(task);
        this.askAgainLater(task);
      },
    );
  }

  private askAgainLater(task: Schedulable): void {
    if (task.withdrawn || this.paused) return;
    const poll = setTimeout(() => {
      this.polls.delete(poll);
      this.submit(task);
    }, LOCK_POLL_MS);
    this.polls.add(poll);
  }

  /** Frees what the task held in this engine and wakes one waiter of each of those limits. */
  private giveBack(task: Schedulable): void {
    if (task.takesSlot) this.free += 1;
    for (const gate of task.gates) gate.running -= 1;
    let lock: LockState | undefined;
    if (task.lock) {
      lock = this.lockState(task.lock.name);
      lock.holders -= 1;
    }
    for (const gate of task.gates) this.wake(gate.waiters);
    if (lock) {
      this.wake(lock.waiters);
      if (lock.holders === 0 && lock.waiters.length === 0) this.locks.delete(task.lock!.name);
    }
    while (this.free > 0 && this.ready.length > 0) this.wake(this.ready);
  }

  private wake(queue: Queue<Schedulable>): void {
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (next.withdrawn) continue;
      this.submit(next);
      return;
    }
  }

  private lockState(name: string): LockState {
    let state = this.locks.get(name);
    if (!state) {
      state = { holders: 0, waiters: new Queue() };
      this.locks.set(name, state);
    }
    return state;
  }
}
