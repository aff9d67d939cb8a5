// A bound on deliveries handed to the pipeline and not yet settled. The intake loop waits for a
// slot before it takes the next message from the client, so a burst waits in the server (or, in
// core mode, in the client's subscription buffer) instead of as thousands of pending promises.

export class InFlight {
  private readonly running = new Set<Promise<void>>();
  private waiters: Array<() => void> = [];
  private opened = true;

  constructor(readonly limit: number) {}

  get size(): number {
    return this.running.size;
  }

  /** Resolves once a slot is free (at once after close(), so a stopping intake loop never hangs). */
  async acquire(): Promise<void> {
    while (this.opened && this.running.size >= this.limit) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Counts a delivery until it settles; `work` must not reject (handlers catch their own errors). */
  track(work: Promise<void>): void {
    const settled: Promise<void> = work.then(
      (): void => this.release(settled),
      (): void => this.release(settled),
    );
    this.running.add(settled);
  }

  /** Stops holding callers of acquire(). */
  close(): void {
    this.opened = false;
    this.wake();
  }

  private release(settled: Promise<void>): void {
    this.running.delete(settled);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves true when every delivery settled within `timeoutMs`, false when time ran out first. */
  async idle(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      while (this.running.size > 0) {
        const done = await Promise.race([Promise.allSettled([...this.running]).then(() => true as const), timeout]);
        if (!done) return false;
      }
      return true;
    } finally {
      clearTimeout(timer);
    }
  }
}
