// What a server's refusal says, in words: the JSON bodies tandem's server and webhook sources
// answer with ({ error, message }, { error, limit }), Fastify's own ({ statusCode, error, message }),
// or plain text. Never `[object Object]`.
import { isRecord } from '../../util/is-record.js';

const MAX_TEXT = 300;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** "401 unauthorized", "413 payload too large (limit 1024 bytes)", "400 bad request: ...". */
export function answerText(status: number, body: unknown): string {
  if (isRecord(body)) {
    // { error: { code, message } } as well as { error: "...", message: "..." }.
    const nested = isRecord(body.error) ? body.error : undefined;
    const error = text(nested?.code) ?? text(body.error);
    const message = text(nested?.message) ?? text(body.message);
    // The limit, unless the message already names it (tandem's webhook sources do).
    const limit = typeof body.limit === 'number' && !(message ?? '').includes(String(body.limit)) ? ` (limit ${body.limit} bytes)` : '';
    if (error !== undefined || message !== undefined) {
      const words = [error, message].filter((w): w is string => w !== undefined && w !== '');
      // Fastify repeats itself: error "Payload Too Large", message "Request body is too large".
      return `${status} ${words.join(': ')}${limit}`;
    }
    return `${status} ${clip(JSON.stringify(body))}`;
  }
  const plain = text(body);
  return plain === undefined ? `${status} (no body)` : `${status} ${clip(plain)}`;
}

function clip(value: string): string {
  return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}...` : value;
}

/** What a refused `tandem events post` can do about it, for the refusals the sender can fix. */
export function postRefusalHint(status: number, sent: { bytes: number; signed: boolean; token: boolean }): string | undefined {
  if (status === 401 || status === 403) {
    if (sent.signed) {
      return "the signature was not accepted: check that --hmac-secret-env names a variable holding the source's secret, and that --header-name, --prefix and --timestamp-header match the source";
    }
    if (sent.token) return "the token was not accepted: check that --token-env names a variable holding the source's bearer token";
    return 'the webhook wants a signature or a token: give --hmac-secret-env or --token-env';
  }
  if (status === 413) return `the body is ${sent.bytes} bytes: send less, or raise the source's maxBodyBytes`;
  return undefined;
}
