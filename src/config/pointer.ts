// JSON pointers into the parsed tandem.yaml: what sits at one, and whether one lies under another.
import { splitPointer } from '../spec/positions.js';
import { isRecord } from '../util/is-record.js';

/** The value at a JSON pointer; undefined when the document has nothing there. */
export function valueAt(document: unknown, pointer: string): unknown {
  let node = document;
  for (const segment of splitPointer(pointer)) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isRecord(node)) node = node[segment];
    else return undefined;
  }
  return node;
}

/** Whether `path` is `pointer` or lies under it. */
export function within(path: string, pointer: string): boolean {
  return path === pointer || path.startsWith(`${pointer}/`);
}
