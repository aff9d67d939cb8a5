// How deep a decoded JSON (or MessagePack) value nests, measured without recursion so a value
// nested 100,000 deep costs a loop, not the stack. Request bodies and event payloads deeper than
// MAX_JSON_DEPTH are refused before anything walks them recursively (validators, serialisers,
// templates): such a body can never succeed, so it gets a 4xx that names where, never a 5xx.

/** Objects and arrays inside one another that a request body or event payload may hold. */
const MAX_JSON_DEPTH = 100;

export interface TooDeep {
  /** JSON pointer of the first container found at `limit + 1` levels, cut to its first segments. */
  at: string;
  limit: number;
}

const SHOWN_SEGMENTS = 6;

/** Undefined when `value` nests at most `limit` levels; else where it went deeper first. */
export function findTooDeep(value: unknown, limit = MAX_JSON_DEPTH): TooDeep | undefined {
  const stack: Array<{ value: unknown; depth: number; path: string[] }> = [{ value, depth: 0, path: [] }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (item.value === null || typeof item.value !== 'object' || ArrayBuffer.isView(item.value) || item.value instanceof Date) continue;
    const depth = item.depth + 1;
    if (depth > limit) return { at: pointer(item.path), limit };
    // Paths are kept only as deep as they are shown: memory stays linear in the value's size.
    const keep = item.path.length < SHOWN_SEGMENTS;
    const entries = Array.isArray(item.value) ? item.value.map((v, i) => [String(i), v] as const) : Object.entries(item.value);
    for (const [key, child] of entries) {
      if (child !== null && typeof child === 'object' && !ArrayBuffer.isView(child)) stack.push({ value: child, depth, path: keep ? [...item.path, key] : item.path.length === SHOWN_SEGMENTS ? [...item.path, '…'] : item.path });
    }
  }
  return undefined;
}

function pointer(path: readonly string[]): string {
  return path.map((segment) => `/${segment.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
