// HTTP-facing errors and the mapping of every error to a status and a body that names the field
// at fault and leaks nothing else (no stack, no secret, no internal path).
import { NotFoundError, SpecValidationError, TandemError, UsageError } from '../errors.js';
import { errorMessage } from '../util/error-message.js';

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

export interface ErrorBody {
  error: string;
  message: string;
  /** JSON pointer of the field at fault, for 400s. */
  field?: string;
}

interface ValidationDetail {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  const validation = (error as { validation?: ValidationDetail[]; validationContext?: string }).validation;
  if (Array.isArray(validation)) {
    const first = validation[0];
    const context = (error as { validationContext?: string }).validationContext ?? 'body';
    const missing = first?.params?.missingProperty;
    const extra = first?.params?.additionalProperty;
    const field = `/${context}${first?.instancePath ?? ''}${typeof missing === 'string' ? `/${missing}` : typeof extra === 'string' ? `/${extra}` : ''}`;
    const message = typeof extra === 'string' ? `unknown field "${extra}"` : (first?.message ?? 'invalid request');
    return { status: 400, body: { error: 'bad request', field, message } };
  }
  if (error instanceof UnauthorizedError) return { status: 401, body: { error: 'unauthorized', message: error.message } };
  if (error instanceof ForbiddenError) return { status: 403, body: { error: 'forbidden', message: error.message } };
  if (error instanceof NotFoundError) return { status: 404, body: { error: 'not found', message: error.message } };
  if (error instanceof SpecValidationError) {
    return { status: 400, body: { error: 'bad request', field: error.issues[0]?.path ?? '/', message: error.message } };
  }
  if (error instanceof UsageError) return { status: 400, body: { error: 'bad request', message: error.message } };
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { error: status === 413 ? 'payload too large' : 'bad request', message: errorMessage(error) } };
  }
  return { status: 500, body: { error: 'internal error', message: 'the server could not complete the request; see its log' } };
}
