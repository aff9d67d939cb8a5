// Typed errors. Every error a user can cause carries a reason they can act on; retry semantics
// live on the error itself (as Temporal's failure classes do), so callers never guess from text.

export abstract class TandemError extends Error {
  abstract readonly code: string;
  /** Whether trying the same thing again may succeed. */
  readonly retryable: boolean = false;
  /** Process exit code the CLI uses when this error ends a command. */
  readonly exitCode: number = 1;
}

/** One problem found in a definition: where it is and what was expected there. */
export interface SpecIssue {
  file?: string;
  /**
   * Where the problem is when it has no place inside a file: an environment variable
   * (`TANDEM_CONCURRENCY`), a flag (`--concurrency`), or a whole file that cannot be read.
   */
  origin?: string;
  /** JSON pointer into the document, e.g. `/tasks/2/when`. */
  path: string;
  line?: number;
  column?: number;
  message: string;
  expected?: string;
  found?: string;
}

export function formatIssue(issue: SpecIssue): string {
  const details = [
    issue.expected !== undefined ? `expected ${issue.expected}` : undefined,
    issue.found !== undefined ? `found ${issue.found}` : undefined,
  ].filter(Boolean);
  // An issue with no message of its own is all expectation: "expected X, found Y".
  const text = issue.message === '' ? details.join(', ') : `${issue.message}${details.length ? ` (${details.join(', ')})` : ''}`;
  if (issue.origin !== undefined) return `${issue.origin}: ${text}`;
  const where = [issue.file ?? '<input>', issue.line !== undefined ? `${issue.line}:${issue.column ?? 1}` : undefined]
    .filter(Boolean)
    .join(':');
  return `${where} ${issue.path || '/'}: ${text}`;
}

/** A definition that does not validate; holds every issue found, not just the first. */
export class SpecValidationError extends TandemError {
  readonly code = 'SPEC_INVALID';
  override readonly exitCode = 2;
  constructor(readonly issues: SpecIssue[]) {
    super(`${issues.length} problem${issues.length === 1 ? '' : 's'}:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
    this.name = 'SpecValidationError';
  }
}

/** A file that cannot be read or parsed at all. */
export class SpecLoadError extends TandemError {
  readonly code = 'SPEC_LOAD';
  override readonly exitCode = 2;
  constructor(readonly file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'SpecLoadError';
  }
}

/** An expression that fails to parse or evaluate. */
export class ExpressionError extends TandemError {
  readonly code = 'EXPRESSION';
  constructor(readonly expression: string, reason: string) {
    // A long expression is quoted by its start: the message stays one readable line.
    super(`in expression ${JSON.stringify(expression.length > 200 ? `${expression.slice(0, 200)}...` : expression)}: ${reason}`);
    this.name = 'ExpressionError';
  }
}

/** A user-supplied value (a -p param, a flag) of the wrong shape. */
export class UsageError extends TandemError {
  readonly code = 'USAGE';
  override readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export class NotFoundError extends TandemError {
  readonly code = 'NOT_FOUND';
  override readonly exitCode = 3;
  constructor(readonly kind: string, readonly id: string) {
    super(`${kind} ${JSON.stringify(id)} not found`);
    this.name = 'NotFoundError';
  }
}

/** The store could not be opened or written: the data directory is unusable. */
export class StoreError extends TandemError {
  readonly code = 'STORE';
  override readonly retryable: boolean = true;
  override readonly exitCode = 4;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** A write or read on a store that was closed: it fails the same way however often it is tried. */
export class StoreClosedError extends StoreError {
  override readonly retryable = false;
  constructor(path: string, action: string) {
    super(`${action} (${path}): the store is closed`);
    this.name = 'StoreClosedError';
  }
}

/**
 * A definition that a compile target cannot express (a feature Argo, KFP or Argo Events has no
 * field for, an expression outside the translatable subset). Names the feature, where it is used
 * and the target, so nothing is ever dropped silently.
 */
export class CompileError extends TandemError {
  readonly code = 'COMPILE';
  override readonly exitCode = 2;
  constructor(
    readonly target: string,
    readonly feature: string,
    /** Where: e.g. `workflow ingest, task parse` or `sensor on-upload, dependency a`. */
    readonly where: string,
    reason: string,
  ) {
    super(`cannot compile to ${target}: ${where}: ${feature}: ${reason}`);
    this.name = 'CompileError';
  }
}

/**
 * A request that contradicts the state of what it names and would fail the same way if repeated:
 * cancelling a run that already finished, reusing an Idempotency-Key for a different request.
 */
export class ConflictError extends TandemError {
  readonly code = 'CONFLICT';
  override readonly exitCode = 5;
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}
