// Drives checkpoint-worker.js: after commits, asks the worker (at most every CHECKPOINT_EVERY_MS,
// one request at a time) to checkpoint the write-ahead log, so the committing thread never pays
// for it. The writer's own auto-checkpoint stays on, raised to SAFETY_NET_PAGES, to bound the log
// when the worker cannot keep up (or a reader holds an old snapshot).
import { Worker } from 'node:worker_threads';
import type { SqliteDatabase } from './connection.js';

const CHECKPOINT_EVERY_MS = 50;
/** 20,000 pages of 4 KiB: an 80 MB log before the writer checkpoints on its own. */
const SAFETY_NET_PAGES = 20_000;

export class BackgroundCheckpointer {
  private worker: Worker | undefined;
  private busy = false;
  private dirty = false;
  private lastRequest = 0;
  private timer: NodeJS.Timeout | undefined;
  private failed = false;
  /** Set by close(): a commit that lands while the store closes must not start a new worker. */
  private closed = false;
  /** Settles when the worker thread has exited, whatever the reason. */
  private exited: Promise<void> | undefined;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly path: string,
  ) {}

  /** Called after each commit; starts the worker on the first one. */
  noteCommit(): void {
    if (this.failed || this.closed) return;
    this.dirty = true;
    if (!this.worker && !this.start()) return;
    this.maybeRequest();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const worker = this.worker;
    this.worker = undefined;
    if (!worker || !this.exited) return;
    worker.postMessage('close');
    // A worker stuck in a checkpoint is stopped after a while; nothing is lost (checkpoints are safe to cut short).
    const timeout = setTimeout(() => void worker.terminate(), 2000);
    await this.exited;
    clearTimeout(timeout);
  }

  private start(): boolean {
    try {
      this.worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: { path: this.path } });
    } catch {
      // Without a worker the writer checkpoints as SQLite always does; nothing is lost but time.
      this.failed = true;
      return false;
    }
    const worker = this.worker;
    this.exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', () => {
      this.busy = false;
      this.maybeRequest();
    });
    worker.on('error', () => {
      // Back to SQLite's own checkpoints on the writer; the store keeps working.
      this.failed = true;
      this.worker = undefined;
      if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
    });
    // After the listeners: adding a 'message' listener refs the worker's port again, and a
    // helper thread must never keep the process alive on its own.
    worker.unref();
    this.db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
    return true;
  }

  private maybeRequest(): void {
    if (!this.worker || this.busy || !this.dirty || this.timer) return;
    const wait = this.lastRequest + CHECKPOINT_EVERY_MS - Date.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.maybeRequest();
      }, wait);
      this.timer.unref();
      return;
    }
    this.busy = true;
    this.dirty = false;
    this.lastRequest = Date.now();
    this.worker.postMessage('checkpoint');
  }
}
