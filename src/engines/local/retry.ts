// Whether and when a failed attempt is tried again. Policies follow Argo's retryStrategy:
// on-failure (the default) retries the task's own failures, on-error retries attempts that could
// not run, always retries both. An attempt cut short by an engine crash (Interrupted) is not the
// task's fault, so every policy retries it while attempts remain.
import { backoffDelayMs } from '../../spec/duration.js';
import type { Retry } from '../../spec/schema.js';
import type { TaskStatus } from '../model.js';

export type FailedStatus = Extract<TaskStatus, 'Failed' | 'Error' | 'Interrupted'>;

export function shouldRetry(retry: Retry | undefined, status: FailedStatus, attemptsMade: number): boolean {
  if (!retry || attemptsMade >= retry.limit + 1) return false;
  if (status === 'Interrupted') return true;
  const policy = retry.policy ?? 'on-failure';
  if (policy === 'always') return true;
  return policy === 'on-failure' ? status === 'Failed' : status === 'Error';
}

/** Delay before the attempt after `attemptsMade` attempts: duration * factor^(n-1), capped. */
export function retryDelayMs(retry: Retry | undefined, attemptsMade: number): number {
  const backoff = retry?.backoff;
  if (!backoff?.duration) return 0;
  return backoffDelayMs({ ...backoff, duration: backoff.duration }, attemptsMade);
}
