// Batches store writes. Everything the engine records in one turn of the event loop goes to
// the store in one transaction, in order, so a crash always leaves a prefix of the history.
import type { Store, StoreWrite } from '../../store/store.js';

export class WriteBuffer {
  private queue: StoreWrite[] = [];
  private scheduled = false;
  private flushing: Promise<void> | undefined;
  private waiters: Array<{ resolve(): void; reject(error: unknown): void }> = [];
  private failures = 0;

  constructor(
    private readonly store: Store,
    private readonly onError: (error: unknown) => void,
  ) {}

  push(write: StoreWrite): void {
    this.queue.push(write);
    this.schedule();
  }

  /** Resolves once everything pushed so far is committed. */
  flushed(): Promise<void> {
    if (this.queue.length === 0 && !this.flushing) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    if (this.flushing) {
      await this.flushing;
      if (this.queue.length > 0 || this.waiters.length > 0) this.schedule();
      return;
    }
    const batch = this.queue;
    const waiters = this.waiters;
    this.queue = [];
    this.waiters = [];
    this.flushing = batch.length > 0 ? this.store.applyWrites(batch) : Promise.resolve();
    try {
      await this.flushing;
      this.failures = 0;
      for (const waiter of waiters) waiter.resolve();
    } catch (error) {
      // Keep the batch: it goes again, ahead of anything newer, after a short pause.
      this.queue = [...batch, ...this.queue];
      this.waiters = [...waiters, ...this.waiters];
      this.failures += 1;
      this.onError(error);
      if (this.failures >= 5) {
        const failed = this.waiters;
        this.waiters = [];
        for (const waiter of failed) waiter.reject(error);
      }
      setTimeout(() => this.schedule(), Math.min(1000, 50 * 2 ** this.failures)).unref();
    } finally {
      this.flushing = undefined;
    }
    if (this.queue.length > 0 && !this.scheduled) this.schedule();
  }
}
