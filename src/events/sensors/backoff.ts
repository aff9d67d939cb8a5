// Retry delays for a trigger: retry n (1-based) waits duration * factor^(n-1), capped at
// maxDuration; there are `steps` retries after the first attempt.
import { backoffDelayMs } from '../../spec/duration.js';
import type { TriggerRetry } from './schema.js';

/** Milliseconds to wait before retry `n` (1 = the first retry). */
export function retryDelayMs(retry: TriggerRetry, n: number): number {
  return backoffDelayMs(retry, n);
}

/** Whether another attempt is due after `attemptsMade` attempts (the first attempt included). */
export function shouldRetry(retry: TriggerRetry | undefined, attemptsMade: number): boolean {
  return retry !== undefined && attemptsMade <= retry.steps;
}
