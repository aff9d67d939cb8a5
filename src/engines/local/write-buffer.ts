// Batches store writes. What the engine records within a short window (a few
// milliseconds, or a few thousand writes) goes to the store in one transaction, in order, so a
// crash always leaves a prefix of the history and a commit is paid per batch, not per task.
// A task's final status is committed at the end of the current turn of the event loop instead:
// what finished is what a resume must not run again, so its window of loss is kept smallest.
// Flushing is off the scheduling path: a task's dependants start without waiting for it.
import type { RunWriter, StoreWrite } from '../../store/ports/runs.js';
import { TandemError } from '../../errors.js';
import { TERMINAL_TASK_STATUSES } from '../model.js';
import { backoffDelay } from '../../util/backoff.js';

/** How long a write may wait for companions before the batch is committed. */
const FLUSH_DELAY_MS = 5;
/** A batch this large is committed at once. */
const MAX_BATCH = 4096;

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

export class WriteBuffer {
  private queue: StoreWrite[] = [];
  /** Index in `queue` of the pending write for each task attempt, so a newer row replaces it. */
  private taskRunSlots = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  /** Set while a failed batch waits to be tried again. */
  private retryTimer: NodeJS.Timeout | undefined;
  private immediate = false;
  private flushing: Promise<void> | undefined;
  private waiters: Waiter[] = [];
  private failures = 0;
  private closed = false;

  constructor(
    // Of the runs role the buffer needs only the batch write.
    private readonly store: Pick<RunWriter, 'applyWrites'>,
    private readonly onError: (error: unknown) => void,
  ) {}

  push(write: StoreWrite): void {
    // After close, runs left in flight stop recording: their last committed state is what a
    // resume starts from.
    if (this.closed) return;
    if (write.kind === 'taskRun') {
      // A task run row is an upsert of the whole record: within one transaction only the last
      // version of a row matters, so an unflushed older version is replaced where it stands.
      const key = `${write.record.runId}\u0000${write.record.task}\u0000${write.record.attempt}`;
      const slot = this.taskRunSlots.get(key);
      if (slot !== undefined) {
        this.queue[slot] = write;
        this.schedule(isFinalTaskRun(write));
        return;
      }
      this.taskRunSlots.set(key, this.queue.length);
    }
    this.queue.push(write);
    this.schedule(this.queue.length >= MAX_BATCH || isFinalTaskRun(write));
  }

  /**
   * Commits everything queued, including what is pushed while a batch commits, then takes no
   * more writes. Whatever still fails to commit is dropped with the buffer: nothing retries
   * against a store its owner is about to close.
   */
  async close(): Promise<void> {
    try {
      while (this.queue.length > 0 || this.flushing) await this.flushed();
    } finally {
      this.abandon();
    }
  }

  /** Resolves once everything pushed so far is committed. */
  flushed(): Promise<void> {
    if (this.queue.length === 0 && !this.flushing) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.schedule(true);
    });
  }

  private schedule(now: boolean): void {
    if (this.closed) return;
    if (now && !this.immediate) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.immediate = true;
      setImmediate(() => void this.flush());
      return;
    }
    if (this.timer || this.immediate) return;
    this.timer = setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    this.immediate = false;
    // One batch at a time, and none while a failed one waits out its pause: the running commit,
    // or the retry, schedules what was queued meanwhile.
    if (this.flushing || this.retryTimer || this.closed) return;
    const batch = this.queue;
    const waiters = this.waiters;
    this.queue = [];
    this.taskRunSlots = new Map();
    this.waiters = [];
    if (batch.length === 0) {
      // Only waiters, for writes an earlier batch committed: nothing to apply.
      for (const waiter of waiters) waiter.resolve();
      return;
    }
    this.flushing = this.commit(batch, waiters);
    await this.flushing;
    this.flushing = undefined;
    if (!this.retryTimer && (this.queue.length > 0 || this.waiters.length > 0)) this.schedule(this.waiters.length > 0);
  }

  /** Applies one batch; never rejects (a failure is retried, or ends the buffer). */
  private async commit(batch: StoreWrite[], waiters: Waiter[]): Promise<void> {
    try {
      await this.store.applyWrites(batch);
    } catch (error) {
      this.failed(error, batch, waiters);
      return;
    }
    this.failures = 0;
    for (const waiter of waiters) waiter.resolve();
  }

  private failed(error: unknown, batch: StoreWrite[], waiters: Waiter[]): void {
    this.onError(error);
    if (error instanceof TandemError && !error.retryable) {
      // A closed or unusable store fails the same way every time: stop, rather than spin.
      for (const waiter of [...waiters, ...this.waiters]) waiter.reject(error);
      this.waiters = [];
      this.abandon();
      return;
    }
    // Keep the batch: it goes again, ahead of anything newer, after a pause. Rows of the failed
    // batch are not replaced in place any more; later versions simply follow them.
    this.queue = [...batch, ...this.queue];
    this.taskRunSlots = new Map();
    this.waiters = [...waiters, ...this.waiters];
    this.failures += 1;
    if (this.failures >= 5) {
      const failed = this.waiters;
      this.waiters = [];
      for (const waiter of failed) waiter.reject(error);
    }
    const pause = backoffDelay({ initialMs: 100, maxMs: 1000 }, this.failures - 1);
    // Unref'd: a store that keeps failing does not keep the process alive by itself.
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.schedule(true);
    }, pause).unref();
  }

  /** Takes no more writes and drops what is queued; timers stop. */
  private abandon(): void {
    this.closed = true;
    this.queue = [];
    this.taskRunSlots = new Map();
    if (this.timer) clearTimeout(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.timer = undefined;
    this.retryTimer = undefined;
  }
}

function isFinalTaskRun(write: StoreWrite): boolean {
  return write.kind === 'taskRun' && TERMINAL_TASK_STATUSES.has(write.record.status);
}
