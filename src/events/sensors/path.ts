// Dot paths into event data, as Argo Events' dataKey and filter paths: `body.items.0.size` walks
// objects by key and arrays by index; `\.` is a literal dot inside a key (`labels.app\.kubernetes\.io/name`).

export type PathLookup = { found: true; value: unknown } | { found: false; missing: string };

const splitCache = new Map<string, string[]>();

/** Splits a dot path into keys, honouring `\.` (and `\\`) escapes. */
export function splitPath(path: string): string[] {
  const cached = splitCache.get(path);
  if (cached) return cached;
  const keys: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const char = path[i];
    if (char === '\\' && i + 1 < path.length) {
      current += path[i + 1];
      i++;
    } else if (char === '.') {
      keys.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  keys.push(current);
  if (splitCache.size > 10_000) splitCache.clear();
  splitCache.set(path, keys);
  return keys;
}

/**
 * The value at a path. A key that is absent (or a step into something that is not an object or
 * list) is reported by naming the part of the path that was found and the key that was not.
 */
export function lookupPath(root: unknown, path: string): PathLookup {
  let value = root;
  const keys = splitPath(path);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const next = step(value, key);
    if (next === undefined) {
      const at = i === 0 ? 'the event data' : JSON.stringify(keys.slice(0, i).join('.'));
      return { found: false, missing: `no ${JSON.stringify(key)} in ${at}${describeContainer(value)}` };
    }
    value = next.value;
  }
  return { found: true, value };
}

function step(value: unknown, key: string): { value: unknown } | undefined {
  if (Array.isArray(value)) {
    if (!/^(0|[1-9][0-9]*)$/.test(key)) return undefined;
    const index = Number(key);
    return index < value.length ? { value: value[index] as unknown } : undefined;
  }
  if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, key)) {
    return { value: (value as Record<string, unknown>)[key] };
  }
  return undefined;
}

function describeContainer(value: unknown): string {
  if (Array.isArray(value)) return ` (a list of ${value.length})`;
  if (value === null || value === undefined) return ' (it is null)';
  if (typeof value !== 'object') return ` (it is a ${typeof value})`;
  return '';
}
