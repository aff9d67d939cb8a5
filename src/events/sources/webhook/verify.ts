// Request authentication for webhooks, as pure functions: no I/O, the clock passed in.
//
// HMAC: the sender computes HMAC-SHA256 with a shared secret over the raw request body and sends
// it (hex or base64, optionally after a prefix such as GitHub's "sha256=") in a header. When a
// timestamp header is configured, the signed text is `${timestamp}.${body}` (Stripe's scheme; Slack
// signs `v0:${timestamp}:${body}`, which this does not cover) and the timestamp, in Unix seconds,
// must be within the tolerance of now in either direction, which bounds replays.
//
// Every failure is a typed reason for logs and metrics; the HTTP layer answers them all with the
// same 401 so that a caller learns nothing about which check failed.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type AuthFailure =
  | 'missing-signature'
  | 'bad-signature'
  | 'missing-timestamp'
  | 'stale-timestamp'
  | 'missing-token'
  | 'bad-token';

export type AuthResult = { ok: true } | { ok: false; reason: AuthFailure };

const OK: AuthResult = { ok: true };
const fail = (reason: AuthFailure): AuthResult => ({ ok: false, reason });

const SHA256_BYTES = 32;
const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export interface HmacCheck {
  secret: string;
  body: Uint8Array;
  /** The signature header's value, undefined when absent. */
  signature: string | undefined;
  /** Text the signature starts with (e.g. "sha256="), stripped before decoding. */
  prefix?: string;
  /** Set when a timestamp header is configured: its value, undefined when absent. */
  timestamp?: { value: string | undefined; toleranceMs: number; nowMs: number };
}

/** The text that is signed: the body, or `${timestamp}.${body}` when timestamps are used. */
function signedBytes(body: Uint8Array, timestamp?: string): Buffer {
  return timestamp === undefined ? Buffer.from(body) : Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), body]);
}

/** HMAC-SHA256 of the signed text, hex; what a sender puts in the header (after the prefix). */
export function computeSignature(secret: string, body: Uint8Array, timestamp?: string): string {
  return createHmac('sha256', secret).update(signedBytes(body, timestamp)).digest('hex');
}

/** Decodes a hex or base64 (standard or URL-safe) SHA-256 digest; undefined when it is neither. */
export function decodeDigest(text: string): Buffer | undefined {
  const value = text.trim();
  if (value.length === SHA256_BYTES * 2 && HEX.test(value)) return Buffer.from(value, 'hex');
  if (BASE64.test(value)) {
    const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === SHA256_BYTES) return bytes;
  }
  return undefined;
}

/** Unix seconds (an integer, optionally with a fraction) as milliseconds; undefined for anything else. */
function parseTimestamp(value: string): number | undefined {
  if (!/^[0-9]{1,12}(\.[0-9]+)?$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}

export function verifyHmac(check: HmacCheck): AuthResult {
  const header = check.signature?.trim();
  if (header === undefined || header === '') return fail('missing-signature');
  const prefix = check.prefix ?? '';
  if (!header.startsWith(prefix)) return fail('bad-signature');
  const given = decodeDigest(header.slice(prefix.length));
  if (given === undefined) return fail('bad-signature');

  let timestamp: string | undefined;
  if (check.timestamp !== undefined) {
    timestamp = check.timestamp.value?.trim();
    if (timestamp === undefined || timestamp === '') return fail('missing-timestamp');
    const at = parseTimestamp(timestamp);
    if (at === undefined || Math.abs(check.timestamp.nowMs - at) > check.timestamp.toleranceMs) return fail('stale-timestamp');
  }

  const expected = createHmac('sha256', check.secret).update(signedBytes(check.body, timestamp)).digest();
  // Both are 32 bytes by now (decodeDigest checks), but the length check stays: timingSafeEqual
  // throws on a mismatch, and a throw would be an oracle of its own.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return fail('bad-signature');
  return OK;
}

/**
 * Checks `Authorization: Bearer <token>`. Both sides are hashed before the constant-time compare,
 * so neither the comparison time nor an early length check reveals the token's length.
 */
export function verifyBearer(authorization: string | undefined, token: string): AuthResult {
  const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(authorization ?? '');
  const given = match?.[1];
  if (given === undefined) return fail('missing-token');
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(token, 'utf8').digest();
  return timingSafeEqual(a, b) ? OK : fail('bad-token');
}
