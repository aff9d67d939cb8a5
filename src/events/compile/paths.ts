// Where a tandem event's data lives in the Argo Events event that stands for it. Argo Events wraps
// what tandem calls `data`: a NATS event's data is { subject, header, body, metadata }, a webhook's
// { header(s), body, metadata }, a calendar tick's { eventTime, metadata }. Paths are gjson paths,
// in which `.`, `*`, `?` and a few other characters are special, so each key is escaped; tandem's
// own `\.` escape is undone first (src/events/sensors/path.ts splits the same way).
import { splitPath } from '../sensors/path.js';

/** gjson treats these as wildcards, separators or modifiers; a backslash makes them literal. */
const GJSON_SPECIAL = /[\\.*?|#@!=<>%]/g;

function escapeGjsonKey(key: string): string {
  return key.replace(GJSON_SPECIAL, (c) => `\\${c}`);
}

/** A gjson path from keys. */
export function gjsonPath(keys: readonly string[]): string {
  return keys.map(escapeGjsonKey).join('.');
}

/** A tandem dot path (`a.b\.c.0`) under a prefix (`body`), as a gjson path. */
export function underPrefix(prefix: string, tandemPath: string): string {
  return gjsonPath([prefix, ...splitPath(tandemPath)]);
}

/** A NATS subject pattern (`a.*.>`) as an anchored regular expression over the subject. */
export function subjectPatternRegex(pattern: string): string {
  const tokens = pattern.split('.').map((token) => {
    if (token === '*') return '[^.]+';
    if (token === '>') return '.+';
    return token.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
  });
  return `^${tokens.join('\\.')}$`;
}

/** The keys of a gjson path written by gjsonPath (the inverse: split at unescaped dots, unescape). */
export function gjsonKeys(path: string): string[] {
  const keys: string[] = [];
  let key = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '\\' && i + 1 < path.length) key += path[++i]!;
    else if (c === '.') {
      keys.push(key);
      key = '';
    } else key += c;
  }
  keys.push(key);
  return keys;
}
