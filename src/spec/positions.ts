// Where a JSON pointer sits in the source text, so an issue can say line:column. For YAML the
// positions come from the yaml Document's node ranges; for JSON from a small scanner that also
// reports the offset of a syntax error and duplicate keys (JSON.parse reports neither).
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { TandemError, type SpecIssue } from '../errors.js';

export interface Position {
  line: number;
  column: number;
}

/** Maps a JSON pointer to a position; a pointer that does not exist maps to its nearest existing parent. */
export interface PositionLookup {
  position(pointer: string): Position | undefined;
}

export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointer(...segments: Array<string | number>): string {
  return segments.map((s) => `/${escapePointerSegment(String(s))}`).join('');
}

export function splitPointer(path: string): string[] {
  if (path === '') return [];
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** 1-based line and column of an offset into text. */
export function offsetPosition(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Positions from a parsed YAML document: a map entry points at its key (or, anchored at `value`,
 * at its value: where a wrong setting's value is), a list item at the item.
 */
export function yamlPositions(doc: Document, lineCounter: LineCounter, anchor: 'key' | 'value' = 'key'): PositionLookup {
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return {
    position(path) {
      let node: unknown = doc.contents;
      let offset = rangeStart(node);
      for (const segment of splitPointer(path)) {
        if (isMap(node)) {
          const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === segment);
          if (!pair) break;
          offset = (anchor === 'key' ? rangeStart(pair.key) ?? rangeStart(pair.value) : rangeStart(pair.value) ?? rangeStart(pair.key)) ?? offset;
          node = pair.value;
        } else if (isSeq(node)) {
          const item: unknown = node.items[Number(segment)];
          if (item === undefined || !/^\d+$/.test(segment)) break;
          offset = rangeStart(item) ?? offset;
          node = item;
        } else break;
      }
      return offset === undefined ? undefined : at(offset);
    },
  };
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as Node).range;
    if (range) return range[0];
  }
  return undefined;
}

/** The JSON pointer of the innermost node of a YAML document that contains an offset. */
export function yamlPointerAt(doc: Document, offset: number): string {
  const segments: string[] = [];
  let node: unknown = doc.contents;
  for (;;) {
    let next: unknown;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const start = rangeStart(pair.key);
        const end = endOf(pair.value) ?? endOf(pair.key);
        if (start !== undefined && end !== undefined && offset >= start && offset < end) {
          segments.push(isScalar(pair.key) ? String(pair.key.value) : String(pair.key));
          next = pair.value;
          break;
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const start = rangeStart(item);
        const end = endOf(item);
        if (next === undefined && start !== undefined && end !== undefined && offset >= start && offset < end) {
          segments.push(String(index));
          next = item;
        }
      });
    }
    if (next === undefined) break;
    node = next;
  }
  return pointer(...segments);
}

function endOf(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) return (node as Node).range?.[2];
  return undefined;
}

export interface JsonScan {
  /** The first syntax error, if any. */
  error?: { offset: number; message: string };
  /** Keys given twice in one object: the pointer and the offset of the second occurrence. */
  duplicates: Array<{ pointer: string; offset: number }>;
  /** Offset of every value's key (or of the item, in arrays), by pointer. */
  offsets: Map<string, number>;
  /** The first array or object nested deeper than the scan's maxDepth: where it starts, its pointer. */
  tooDeep?: { offset: number; pointer: string };
}

/** Ends a scan at its first syntax error; scanJson returns it as a value and never throws it. */
class JsonSyntax extends TandemError {
  readonly code = 'JSON_SYNTAX';
  constructor(readonly offset: number, message: string) {
    super(message);
    this.name = 'JsonSyntax';
  }
}

/** Ends a scan at the first array or object nested deeper than its maxDepth. */
class JsonTooDeep extends TandemError {
  readonly code = 'JSON_TOO_DEEP';
  constructor(readonly offset: number, readonly pointer: string) {
    super(`nested too deeply at ${pointer}`);
    this.name = 'JsonTooDeep';
  }
}

/**
 * Scans JSON text for the positions JSON.parse does not give: syntax error offset, duplicates,
 * node offsets. It recurses once per level, so it stops at `maxDepth` levels (long before the
 * stack would end) and reports where.
 */
export function scanJson(text: string, maxDepth = Number.POSITIVE_INFINITY): JsonScan {
  const offsets = new Map<string, number>();
  const duplicates: JsonScan['duplicates'] = [];
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (message: string): never => {
    throw new JsonSyntax(i, i >= text.length ? `${message}, found end of input` : `${message}, found ${JSON.stringify(text[i])}`);
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail('control character in string');
      i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      i = start;
      return fail('invalid escape in string');
    }
  };
  const value = (path: string, depth: number): void => {
    ws();
    const c = text[i];
    if ((c === '{' || c === '[') && depth >= maxDepth) throw new JsonTooDeep(i, path);
    if (c === '{') {
      i++;
      ws();
      const seen = new Set<string>();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a property name in double quotes');
        const keyOffset = i;
        const key = string();
        const child = `${path}/${escapePointerSegment(key)}`;
        if (seen.has(key)) duplicates.push({ pointer: child, offset: keyOffset });
        seen.add(key);
        offsets.set(child, keyOffset);
        ws();
        if (text[i] !== ':') fail('expected ":" after a property name');
        i++;
        value(child, depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let index = 0; ; index++) {
        ws();
        offsets.set(`${path}/${index}`, i);
        value(`${path}/${index}`, depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else fail('expected "," or "]"');
      }
    }
    if (c === '"') {
      string();
      return;
    }
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!literal) fail('expected a JSON value');
    i += literal![0].length;
  };
  try {
    offsets.set('', 0);
    value('', 0);
    ws();
    if (i < text.length) fail('unexpected text after the JSON value');
    return { duplicates, offsets };
  } catch (error) {
    if (error instanceof JsonSyntax) return { error: { offset: error.offset, message: error.message }, duplicates, offsets };
    if (error instanceof JsonTooDeep) return { tooDeep: { offset: error.offset, pointer: error.pointer }, duplicates, offsets };
    throw error;
  }
}

/** Positions from a JSON scan: the nearest scanned parent of a pointer. */
export function jsonPositions(text: string, offsets: Map<string, number>): PositionLookup {
  return {
    position(path) {
      let current = path;
      for (;;) {
        const offset = offsets.get(current);
        if (offset !== undefined) return offsetPosition(text, offset);
        if (current === '') return undefined;
        current = current.slice(0, current.lastIndexOf('/'));
      }
    },
  };
}

/** The issue with the file named and, when the lookup knows the path, its line:column. */
export function locate(issue: SpecIssue, options: { file?: string; positions?: PositionLookup }): SpecIssue {
  const located: SpecIssue = { ...issue };
  if (options.file !== undefined && located.file === undefined) located.file = options.file;
  if (located.line === undefined && options.positions) {
    const position = options.positions.position(issue.path);
    if (position) {
      located.line = position.line;
      located.column = position.column;
    }
  }
  return located;
}
