// HTTP-facing errors and the mapping of every error to a status and a body that names the field
// at fault and leaks nothing else (no stack, no secret, no internal path). The `error` label is
// always the status's own reason phrase (a 415 says "unsupported media type", not "bad request").
import { STATUS_CODES } from 'node:http';
import { ConflictError, NotFoundError, SpecValidationError, TandemError, UsageError } from '../errors.js';
import { IdempotencyKeyReusedError } from '../events/api-runs.js';
import { errorMessage } from '../util/error-message.js';
import { describeValidation, type ValidationDetail, type ValidationInput } from './validation-message.js';

export class UnauthorizedError extends TandemError {
  readonly code = 'UNAUTHORIZED';
  constructor() {
    super('a valid bearer token is required');
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends TandemError {
  readonly code = 'FORBIDDEN';
  constructor(namespace: string) {
    super(`the token may not act in namespace "${namespace}"`);
    this.name = 'ForbiddenError';
  }
}

/** A request the server refuses before validation (a body nested too deep), with the field at fault. */
export class BadRequestError extends TandemError {
  readonly code = 'BAD_REQUEST';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'BadRequestError';
  }
}

export interface ErrorBody {
  error: string;
  message: string;
  /** JSON pointer of the field at fault, for 400s. */
  field?: string;
}

/** The reason phrase of a status, lower-cased: the `error` label of every answer. */
export function errorLabel(status: number): string {
  return (STATUS_CODES[status] ?? 'error').toLowerCase();
}

const answer = (status: number, message: string, field?: string): { status: number; body: ErrorBody } => ({
  status,
  body: { error: errorLabel(status), message, ...(field !== undefined ? { field } : {}) },
});

/** The status and body for an error; `input` (the request) lets a validation message quote the value refused. */
export function errorResponse(error: unknown, input?: ValidationInput): { status: number; body: ErrorBody } {
  const validation = (error as { validation?: ValidationDetail[] }).validation;
  if (Array.isArray(validation)) {
    const context = (error as { validationContext?: string }).validationContext ?? 'body';
    const { field, message } = describeValidation(validation, context, input);
    return answer(400, message, field);
  }
  if (error instanceof BadRequestError) return answer(400, error.message, error.field);
  if (error instanceof UnauthorizedError) return answer(401, error.message);
  if (error instanceof ForbiddenError) return answer(403, error.message);
  if (error instanceof NotFoundError) return answer(404, error.message);
  if (error instanceof ConflictError) return answer(409, error.message);
  if (error instanceof IdempotencyKeyReusedError) return answer(422, error.message, '/headers/idempotency-key');
  if (error instanceof SpecValidationError) return answer(400, error.message, error.issues[0]?.path ?? '/');
  if (error instanceof UsageError) return answer(400, error.message);
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return answer(status, errorMessage(error));
  return answer(500, 'the server could not complete the request; see its log');
}
