// Batches store writes. What the engine records within a short window (a few
// milliseconds, or a few thousand writes) goes to the store in one transaction, in order, so a
// crash always leaves a prefix of the history and a commit is paid per batch, not per task.
// A task's final status is committed at the end of the current turn of the event loop instead:
// what finished is what a resume must not run again, so its window of loss is kept smallest.
// Flushing is off the scheduling path: a task's dependants start without waiting for it.
import type { RunWriter, StoreWrite } from '../../store/ports/runs.js';
import { TERMINAL_TASK_STATUSES } from '../model.js';
import { backoffDelay } from '../../util/backoff.js';

/** How long a write may wait for companions before the batch is committed. */
const FLUSH_DELAY_MS = 5;
/** A batch this large is committed at once. */
const MAX_BATCH = 4096;

export class WriteBuffer {
  private queue: StoreWrite[] = [];
  /** Index in `queue` of the pending write for each task attempt, so a newer row replaces it. */
  private taskRunSlots = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private immediate = false;
  private flushing: Promise<void> | undefined;
  private waiters: Array<{ resolve(): void; reject(error: unknown): void }> = [];
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

  /** Commits what is queued, then takes no more writes. */
  async close(): Promise<void> {
    await this.flushed();
    this.closed = true;
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
    if (this.flushing) {
      await this.flushing;
      if (this.queue.length > 0 || this.waiters.length > 0) this.schedule(this.waiters.length > 0);
      return;
    }
    const batch = this.queue;
    const waiters = this.waiters;
    this.queue = [];
    this.taskRunSlots = new Map();
    this.waiters = [];
    this.flushing = batch.length > 0 ? this.store.applyWrites(batch) : Promise.resolve();
    try {
      await this.flushing;
      this.failures = 0;
      for (const waiter of waiters) waiter.resolve();
    } catch (error) {
      // Keep the batch: it goes again, ahead of anything newer, after a short pause. Rows of the
      // failed batch are not replaced in place any more; later versions simply follow them.
      this.queue = [...batch, ...this.queue];
      this.taskRunSlots = new Map();
      this.waiters = [...waiters, ...this.waiters];
      this.failures += 1;
      this.onError(error);
      if (this.failures >= 5) {
        const failed = this.waiters;
        this.waiters = [];
        for (const waiter of failed) waiter.reject(error);
      }
      setTimeout(() => this.schedule(false), backoffDelay({ initialMs: 100, maxMs: 1000 }, this.failures - 1)).unref();
    } finally {
      this.flushing = undefined;
    }
    if (this.queue.length > 0) this.schedule(this.waiters.length > 0);
  }
}

function isFinalTaskRun(write: StoreWrite): boolean {
  return write.kind === 'taskRun' && TERMINAL_TASK_STATUSES.has(write.record.status);
}
