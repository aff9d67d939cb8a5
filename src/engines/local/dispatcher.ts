// Decides when a ready task may start. A task waits for: its run's parallelism, its forEach
// parallelism, its mutex or semaphore, and a slot of the engine-wide concurrency limit. A waiting
// task sits in the list of the one limit that held it back, and is tried again when that limit
// frees up, so starting and finishing a task costs O(1) however many tasks wait.
import { Queue } from './queue.js';

/** A limit on how many tasks of a group run at once (a run, or one forEach task). */
export class Gate {
  running = 0;
  readonly waiters = new Queue<Schedulable>();
  constructor(readonly limit: number) {}
}

export interface Schedulable {
  readonly gates: readonly Gate[];
  readonly lock?: { name: string; limit: number };
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

  constructor(readonly concurrency: number) {
    this.free = concurrency;
  }

  /** Starts nothing more (the engine is closing); tasks already running finish. */
  pause(): void {
    this.paused = true;
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
    task.start();
  }

  /** Called once when a started task finishes; wakes one waiter of each limit it held. */
  release(task: Schedulable): void {
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
