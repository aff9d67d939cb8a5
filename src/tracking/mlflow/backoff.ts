// When a failed export is tried again: exponential backoff from `baseMs`, doubling per attempt up
// to `capMs`, with jitter so that many runs queued during one outage do not all hit the server in
// the same second when it returns. After `maxAttempts` tries the export is given up (failed).
import { backoffDelay as exponentialDelay, withJitter } from '../../util/backoff.js';

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
  /** 0..1; the delay is drawn from [delay * (1 - jitter), delay]. */
  jitter: number;
}

/** 5 s, 10 s, 20 s ... 15 min, 15 min: about 11 hours of outage before giving up. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, capMs: 15 * 60_000, maxAttempts: 50, jitter: 0.2 };

/** Delay before try number `attempts + 1`, after `attempts` (>= 1) tries failed. */
export function backoffDelay(attempts: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const delay = exponentialDelay({ initialMs: policy.baseMs, maxMs: policy.capMs }, attempts - 1);
  return withJitter(delay, { below: policy.jitter }, random);
}
