// How an error that ends a task's attempt is classified. Two notions meet here and stay apart:
//
// - `status`, whose fault it is, in the task taxonomy Argo's retryPolicy reads: `Failed` when the
//   task itself is at fault (its inputs do not resolve, its outputs are missing or malformed),
//   `Error` when it could not be run at all (no runner, the process could not be spawned, the
//   child workflow does not load). A task's `retry.policy` chooses by this status which failures
//   it retries (on-failure, on-error, always; see retry.ts).
// - `retryable`, TandemError's "trying the same thing again may succeed", for whoever sees the
//   error outside a retry policy. It is true for every error that ends an attempt: the engine
//   leaves the choice to the task's policy, as Argo does, even for a failure that will likely
//   repeat (a user who asks for retries of Failed attempts gets them). It is false for an error
//   that fails the task before any attempt exists (a forEach that does not expand).
import { ExpressionError, TandemError } from '../../errors.js';
import type { FailedStatus } from './retry.js';

/** The status of an attempt that threw: the task's fault, or could not run. */
export type AttemptFailureStatus = Extract<FailedStatus, 'Failed' | 'Error'>;

export abstract class TaskFailureError extends TandemError {
  /** What the task (or its attempt) becomes; the status retry policies read. */
  abstract readonly status: AttemptFailureStatus;
  override readonly retryable: boolean = true;
}

/**
 * The status of an attempt ended by `error`. The engine's own errors carry it; an expression that
 * does not evaluate (a template in an input, an argument, a path) is the task's definition at
 * fault; anything else unforeseen means the attempt could not run.
 */
export function attemptFailureStatus(error: unknown): AttemptFailureStatus {
  if (error instanceof TaskFailureError) return error.status;
  if (error instanceof ExpressionError) return 'Failed';
  return 'Error';
}
