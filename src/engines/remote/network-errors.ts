// What a failed fetch means: undici throws `TypeError: fetch failed` with the socket's or the TLS
// layer's error as its cause. This reads the cause's code and makes a typed error of it, with a
// redacted copy of the cause (never the original: it can hold the request and its headers).
import { RemoteApiError, RemoteUnreachableError, type RemoteRequest } from './errors.js';
import type { Redactor } from './redact.js';

/** Codes that mean the connection was never made: DNS, refusal, no route, no connect in time. */
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'UND_ERR_CONNECT_TIMEOUT']);
/** Codes of a connection that broke after it was made: the server may have acted on the request. */
const BROKEN = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);
const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** Raised by the transport's own timer; its name lets the mapping tell it from a caller's abort. */
export class RequestTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no response within ${timeoutMs} ms`);
    this.name = 'RequestTimeout';
  }
}

function codeOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code !== '') return code;
  }
  return undefined;
}

function innermostMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) message = e.message;
  return message;
}

/** Node's TLS codes and OpenSSL's verify codes (UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED, ...). */
function isTlsCode(code: string): boolean {
  return /^ERR_(TLS|SSL)_|CERT|^UNABLE_TO_|SELF_SIGNED|^HOSTNAME_MISMATCH$|^EPROTO$/.test(code);
}

/** A clean stand-in for the original cause: its code and redacted message only. */
function safeCause(code: string | undefined, message: string): Error {
  const cause = new Error(message);
  if (code !== undefined) Object.assign(cause, { code });
  return cause;
}

/**
 * The typed error for a request that got no (complete) response. `timeout` is the transport's own
 * timer firing; any other abort is the caller's and is rethrown by the caller of this function.
 */
export function networkError(request: RemoteRequest, error: unknown, redactor: Redactor): RemoteApiError {
  if (error instanceof RemoteApiError) return error;
  if (error instanceof RequestTimeout || (error instanceof Error && error.cause instanceof RequestTimeout)) {
    const timeout = error instanceof RequestTimeout ? error : (error.cause as RequestTimeout);
    return new RemoteApiError(request, undefined, `timed out: ${timeout.message}`, { retryable: true });
  }
  const code = codeOf(error);
  const message = redactor.redact(innermostMessage(error));
  const cause = safeCause(code, message);
  const detail = code === undefined ? message : `${code}: ${message}`;
  if (code !== undefined && (UNREACHABLE.has(code) || isTlsCode(code))) {
    return new RemoteUnreachableError(request, isTlsCode(code) ? `TLS: ${detail}` : detail, cause);
  }
  if (code !== undefined && TIMEOUTS.has(code)) return new RemoteApiError(request, undefined, `timed out: ${detail}`, { retryable: true, cause });
  if (code !== undefined && BROKEN.has(code)) return new RemoteApiError(request, undefined, `connection broken: ${detail}`, { retryable: true, cause });
  // Anything else on the wire (a malformed response, an unknown socket error) may pass: retryable.
  return new RemoteApiError(request, undefined, `request failed: ${detail}`, { retryable: true, cause });
}
