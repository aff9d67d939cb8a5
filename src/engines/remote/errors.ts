// Typed errors of the remote API clients (Argo Server, KFP). Every message, cause and field is
// built from text the Redactor has already cleaned: a bearer token never reaches an error, even
// when a server echoes it back in its body.
import { NotFoundError, TandemError } from '../../errors.js';

/** What a request was: enough to find it in a server's log, nothing secret. */
export interface RemoteRequest {
  /** Which API: `Argo Server`, `KFP API`. */
  service: string;
  method: string;
  /** The path without the query string (queries can carry selectors, never needed in a message). */
  path: string;
}

/** Whether a response status is worth trying again: the server's trouble, or too many requests. */
function retryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/**
 * A request the server answered with an error status, or that failed after it reached the server
 * (a timeout, a connection reset): `status` is undefined when no response came.
 */
export class RemoteApiError extends TandemError {
  readonly code: string = 'REMOTE_API';
  override readonly retryable: boolean;
  readonly service: string;
  readonly method: string;
  readonly path: string;
  constructor(
    request: RemoteRequest,
    readonly status: number | undefined,
    /** The server's own message (already redacted), or what went wrong on the way. */
    readonly serverMessage: string,
    options: { retryable?: boolean; cause?: Error } = {},
  ) {
    super(`${request.service}: ${request.method} ${request.path}: ${status === undefined ? '' : `${status} `}${serverMessage}`, { cause: options.cause });
    this.name = 'RemoteApiError';
    this.service = request.service;
    this.method = request.method;
    this.path = request.path;
    this.retryable = options.retryable ?? (status === undefined ? true : retryableStatus(status));
  }
}

/** 409 on a create: the object exists. Idempotent submitters read this as success. */
export class AlreadyExistsError extends RemoteApiError {
  override readonly code = 'REMOTE_ALREADY_EXISTS';
  constructor(request: RemoteRequest, serverMessage: string) {
    super(request, 409, serverMessage, { retryable: false });
    this.name = 'AlreadyExistsError';
  }
}

/** The server could not be reached at all: DNS, refused connection, TLS handshake. Retryable. */
export class RemoteUnreachableError extends RemoteApiError {
  override readonly code = 'REMOTE_UNREACHABLE';
  constructor(request: RemoteRequest, reason: string, cause?: Error) {
    super(request, undefined, `unreachable: ${reason}`, { retryable: true, cause });
    this.name = 'RemoteUnreachableError';
  }
}

/**
 * 404: what the request named does not exist. A NotFoundError, so the CLI and the HTTP API treat it
 * as they treat a missing local run; it keeps the request and the server's message.
 */
export class RemoteNotFoundError extends NotFoundError {
  readonly service: string;
  readonly method: string;
  readonly path: string;
  readonly status = 404;
  constructor(request: RemoteRequest, readonly serverMessage: string, what?: { kind: string; id: string }) {
    super(what?.kind ?? `${request.service} resource`, what?.id ?? request.path);
    this.name = 'RemoteNotFoundError';
    this.service = request.service;
    this.method = request.method;
    this.path = request.path;
  }
}

/** A remote endpoint's settings that cannot work: a base URL that is not http(s), an unreadable CA file. */
export class RemoteConfigError extends TandemError {
  readonly code = 'REMOTE_CONFIG';
  override readonly exitCode = 2;
  constructor(service: string, message: string) {
    super(`${service}: ${message}`);
    this.name = 'RemoteConfigError';
  }
}

/**
 * The remote object exists but will never finish: a KFP run left Running after its Argo Workflow
 * was deleted is the known case. The run ends Lost with this reason, as it does when the object
 * itself is gone (RemoteNotFoundError).
 */
export class RemoteRunLostError extends TandemError {
  readonly code = 'REMOTE_RUN_LOST';
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RemoteRunLostError';
  }
}
