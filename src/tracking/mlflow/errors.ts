// Failures talking to an MLflow tracking server. Whether a retry can help lives on the error:
// an unreachable server, a timeout, 429 and 5xx are retryable; a 4xx means MLflow refused what
// tandem sent (or the credentials) and sending it again will not change that.
import { TandemError } from '../../errors.js';

export class MlflowError extends TandemError {
  readonly code = 'MLFLOW';
  override readonly retryable: boolean;
  override readonly exitCode = 1;
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** MLflow's error_code (RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE...), when it sent one. */
  readonly errorCode: string | undefined;

  constructor(message: string, options: { status?: number; errorCode?: string; retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MlflowError';
    this.status = options.status;
    this.errorCode = options.errorCode;
    this.retryable = options.retryable;
  }

  get notFound(): boolean {
    return this.errorCode === 'RESOURCE_DOES_NOT_EXIST' || (this.errorCode === undefined && this.status === 404);
  }
}

/** Whether an HTTP status is worth retrying: the server is overloaded, restarting or timed out. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
