// Group commit: the writes callers start in the same turn of the event loop are applied in one
// IMMEDIATE transaction, each inside its own savepoint, and every caller's promise settles only
// after that transaction has committed. Under load (hundreds of NATS deliveries in flight, each
// recording its event, claiming its trigger and creating its run) the cost of a commit — the WAL
// append and the lock hand-off — is paid once per batch instead of once per write; a lone write
// waits for one setImmediate, a fraction of a millisecond.
//
// A write that throws rolls back to its savepoint only: the others in the batch still commit, and
// the thrower's caller gets its own error. If the commit itself fails, every caller in the batch
// gets that error and nothing of the batch is stored.
import type { SqliteDatabase } from './connection.js';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly applyBatch: (batch: readonly Pending[]) => Outcome[];

  /** `onCommit` runs after each batch that committed (the store starts WAL checkpoints from it). */
  constructor(
    db: SqliteDatabase,
    private readonly onCommit: () => void = () => undefined,
  ) {
    // A function run by db.transaction() inside another transaction gets a savepoint.
    const isolated = db.transaction((work: () => unknown) => work());
    const batch = db.transaction((pending: readonly Pending[]): Outcome[] =>
      pending.map((entry): Outcome => {
        try {
          return { ok: true, value: isolated(entry.work) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
    // IMMEDIATE: the write lock is taken before the first read, as each write's own
    // transaction used to (trigger claims read then write and rely on it).
    this.applyBatch = (pending) => batch.immediate(pending);
  }

  /** Queues `work` (synchronous SQL) for the next batch; resolves with its result once committed. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Applies whatever is queued now; close() calls it so no queued write is dropped. */
  flush(): void {
    this.scheduled = false;
    const pending = this.queue;
    this.queue = [];
    if (pending.length === 0) return;
    let outcomes: Outcome[];
    try {
      outcomes = this.applyBatch(pending);
    } catch (error) {
      for (const entry of pending) entry.reject(error);
      return;
    }
    this.onCommit();
    pending.forEach((entry, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) entry.resolve(outcome.value);
      else entry.reject(outcome.error);
    });
  }
}
