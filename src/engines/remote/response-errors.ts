// The typed error for an error status. Argo Server and KFP both answer errors with a gRPC status
// as JSON (`{"code": 6, "message": "...", "details": []}`); the message is what a person needs.
import { AlreadyExistsError, RemoteApiError, RemoteNotFoundError, type RemoteRequest } from './errors.js';
import type { Redactor } from './redact.js';

/** A server's body quoted in a message is cut here: an HTML error page is not a message. */
const MAX_QUOTED = 500;

/** The server's message in an error body: its `message` (or `error`) field, else the text itself. */
function serverMessage(body: string): string {
  const text = body.trim();
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed === 'object') {
      const { message, error } = parsed as { message?: unknown; error?: unknown };
      if (typeof message === 'string' && message !== '') return message;
      if (typeof error === 'string' && error !== '') return error;
    }
  } catch {
    // Not JSON: quote the text.
  }
  if (text === '') return '(empty body)';
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}...` : text;
}

export function responseError(request: RemoteRequest, status: number, body: string, redactor: Redactor): RemoteApiError | RemoteNotFoundError {
  const message = redactor.redact(serverMessage(body));
  if (status === 409) return new AlreadyExistsError(request, message);
  if (status === 404) return new RemoteNotFoundError(request, message);
  return new RemoteApiError(request, status, message);
}
