// The cron source's view of time, injectable so tests can drive it: the current instant and a
// one-shot timer that can be cancelled.
export interface CronClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` once after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** setTimeout cannot wait longer than 2^31-1 ms (~24.8 days): longer waits are chained. */
const MAX_TIMEOUT = 2 ** 31 - 1;

export const systemClock: CronClock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    let handle: NodeJS.Timeout | undefined;
    let cancelled = false;
    const due = Date.now() + Math.max(0, ms);
    const arm = (): void => {
      const left = due - Date.now();
      handle = setTimeout(() => (cancelled ? undefined : left > MAX_TIMEOUT ? arm() : fn()), Math.min(Math.max(0, left), MAX_TIMEOUT));
    };
    arm();
    return () => {
      cancelled = true;
      if (handle !== undefined) clearTimeout(handle);
    };
  },
};
