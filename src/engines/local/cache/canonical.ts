// Canonical JSON for cache keys: object keys sorted at every depth, absent (undefined) members
// dropped, arrays in order. Two values that mean the same thing as JSON — whatever order their
// keys were written in — give the same text, hence the same digest.
import { createHash } from 'node:crypto';
import { TandemError } from '../../../errors.js';

/** A value that cannot be part of a cache key (a function, a bigint, a cycle...). */
class CanonicalJsonError extends TandemError {
  readonly code = 'CACHE_KEY_VALUE';
  constructor(message: string) {
    super(message);
    this.name = 'CanonicalJsonError';
  }
}

export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

function write(value: unknown, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      // JSON has no NaN or Infinity; the engine's values never hold them, but keep keys total.
      return Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(String(value));
    case 'object':
      break;
    default:
      throw new CanonicalJsonError(`a ${typeof value} cannot be part of a cache key`);
  }
  const object = value as object;
  if (seen.has(object)) throw new CanonicalJsonError('a value with a cycle cannot be part of a cache key');
  seen.add(object);
  let text: string;
  if (Array.isArray(object)) {
    text = `[${object.map((item: unknown) => (item === undefined ? 'null' : write(item, seen))).join(',')}]`;
  } else {
    const entries = Object.entries(object as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    text = `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${write(inner, seen)}`).join(',')}}`;
  }
  seen.delete(object);
  return text;
}

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
