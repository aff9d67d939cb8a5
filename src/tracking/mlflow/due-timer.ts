// One timer armed for the next due time, never a busy poll: after each firing (and whenever the
// owner says something changed) it asks when the next work is due and sleeps until then, at most
// `maxSleepMs` (work queued by another process sharing the store is found that way). The timer is
// unref'd: it never keeps a process alive on its own.
import { MAX_TIMER_DELAY_MS } from '../../util/timers.js';

export interface DueTimerOptions {
  /** When the next work is due (epoch ms), undefined when there is none. */
  next(): Promise<number | undefined>;
  fire(): Promise<void>;
  now(): number;
  maxSleepMs: number;
  onError(error: unknown): void;
}


export class DueTimer {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private firing: Promise<void> | undefined;
  /** Bumped by every arm, so a stale lookup never overrides a newer one. */
  private generation = 0;

  constructor(private readonly options: DueTimerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.rearm();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.generation += 1;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.firing;
  }

  /** Looks up the next due time again and re-arms; a no-op while stopped or firing. */
  rearm(): void {
    if (!this.running || this.firing !== undefined) return;
    const generation = ++this.generation;
    this.options.next().then(
      (due) => this.arm(generation, due === undefined ? Infinity : Math.max(0, due - this.options.now())),
      (error: unknown) => {
        // Look again later rather than stall for good.
        this.options.onError(error);
        this.arm(generation, this.options.maxSleepMs);
      },
    );
  }

  private arm(generation: number, delay: number): void {
    if (!this.running || generation !== this.generation) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), Math.min(delay, this.options.maxSleepMs, MAX_TIMER_DELAY_MS));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    if (!this.running) return;
    this.firing = this.options
      .fire()
      .catch((error: unknown) => this.options.onError(error))
      .finally(() => {
        this.firing = undefined;
        this.rearm();
      });
  }
}
