// The cron source's view of time, injectable so tests can drive it: the current instant and a
// one-shot timer that can be cancelled.
import { MAX_TIMER_DELAY_MS } from '../../../util/timers.js';

export interface CronClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` once after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** Waits longer than setTimeout's largest delay are chained. */
export const systemClock: CronClock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    let handle: NodeJS.Timeout | undefined;
    let cancelled = false;
    const due = Date.now() + Math.max(0, ms);
    const arm = (): void => {
      const left = due - Date.now();
      handle = setTimeout(() => (cancelled ? undefined : left > MAX_TIMER_DELAY_MS ? arm() : fn()), Math.min(Math.max(0, left), MAX_TIMER_DELAY_MS));
    };
    arm();
    return () => {
      cancelled = true;
      if (handle !== undefined) clearTimeout(handle);
    };
  },
};
