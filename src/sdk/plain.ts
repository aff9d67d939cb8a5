// Turns SDK values (which may hold references and undefined fields) into the plain JSON data a
// YAML file would give: references become their `{{ }}` text, undefined fields disappear.
import { Ref, type AnyRef } from './refs.js';

/** A JSON value that may contain references anywhere a string may appear. */
export type Value = string | number | boolean | null | AnyRef | readonly Value[] | { readonly [key: string]: Value | undefined };

export function toPlain(value: unknown): unknown {
  if (value instanceof Ref) return value.toString();
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner !== undefined) out[key] = toPlain(inner);
    }
    return out;
  }
  return value;
}
