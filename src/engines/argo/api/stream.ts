// Reads Argo Server's server-sent-event streams (workflow watches, pod logs), hand-written because
// generators make one JSON read of a streaming response. grpc-gateway frames every message as
// `data: {"result": ...}` followed by a blank line, and an error inside the stream as
// `data: {"error": {...}}`; an `event: error` frame is read as an error too. Comment lines
// (`: keep-alive`) are skipped, and a line longer than the bound ends the stream with an error
// rather than growing a buffer without limit.
import { RemoteApiError, type RemoteRequest } from '../../remote/errors.js';
import type { Redactor } from '../../remote/redact.js';

/** One server-sent event: its `event` field (absent for the default `message`) and its data lines joined. */
export interface ServerSentEvent {
  event?: string;
  data: string;
}

/**
 * A 1,200-node workflow's status can be several megabytes on one `data:` line; more than this is a
 * broken stream, not a workflow.
 */
export const DEFAULT_MAX_LINE_CHARS = 64 * 1024 * 1024;

/** The events of an SSE body, as the HTML standard parses them (fields data, event; comments; CR/LF/CRLF). */
export async function* readServerSentEvents(
  body: AsyncIterable<Uint8Array>,
  request: RemoteRequest,
  maxLineChars = DEFAULT_MAX_LINE_CHARS,
): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event: string | undefined;
  // A CR ending a chunk may be the first half of a CRLF: the next chunk's leading LF is dropped.
  let afterCr = false;
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    if (afterCr && buffer.startsWith('\n')) buffer = buffer.slice(1);
    afterCr = false;
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = buffer.slice(start, i);
      if (c === 13) {
        if (i + 1 < buffer.length) {
          if (buffer.charCodeAt(i + 1) === 10) i++;
        } else afterCr = true;
      }
      start = i + 1;
      if (line === '') {
        if (data.length > 0) yield event === undefined ? { data: data.join('\n') } : { event, data: data.join('\n') };
        data = [];
        event = undefined;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
      // id and retry concern reconnecting browsers; the watch resumes by resourceVersion instead.
    }
    buffer = buffer.slice(start);
    if (buffer.length > maxLineChars) {
      throw new RemoteApiError(request, undefined, `stream line longer than ${maxLineChars} characters`, { retryable: false });
    }
  }
  // An event not closed by a blank line when the stream ends is incomplete: dropped, as the standard says.
}

/** grpc-gateway's StreamError, in its v1 (snake case) and v2 (`code`) spellings. */
interface StreamError {
  grpc_code?: number;
  http_code?: number;
  code?: number;
  message?: string;
}

/** gRPC codes as HTTP statuses (grpc-gateway's own table), for an error that arrives inside a stream. */
const GRPC_TO_HTTP: Readonly<Record<number, number>> = { 1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429, 9: 400, 10: 409, 11: 400, 12: 501, 13: 500, 14: 503, 15: 500, 16: 401 };

function streamError(request: RemoteRequest, error: StreamError, redactor: Redactor): RemoteApiError {
  const status = error.http_code ?? GRPC_TO_HTTP[error.grpc_code ?? error.code ?? 2] ?? 500;
  return new RemoteApiError(request, status, `in stream: ${redactor.redact(error.message ?? 'error')}`);
}

/** The `result` of every frame; an error frame throws a RemoteApiError with the status it carries. */
export async function* readResults<T>(events: AsyncIterable<ServerSentEvent>, request: RemoteRequest, redactor: Redactor): AsyncGenerator<T> {
  for await (const frame of events) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(frame.data);
    } catch {
      if (frame.event === 'error') throw new RemoteApiError(request, undefined, `in stream: ${redactor.redact(frame.data)}`);
      throw new RemoteApiError(request, undefined, `stream frame is not JSON: ${redactor.redact(frame.data.slice(0, 200))}`, { retryable: false });
    }
    const message = (parsed ?? {}) as { result?: T; error?: StreamError };
    if (message.error !== undefined) throw streamError(request, message.error, redactor);
    if (frame.event === 'error') throw streamError(request, (parsed ?? {}) as StreamError, redactor);
    if (message.result !== undefined) yield message.result;
  }
}
