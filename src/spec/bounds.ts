// Size and nesting bounds of a workflow document, checked before anything walks it recursively:
// the YAML composer, ajv, JSON.stringify and the template walkers all recurse per level, so a
// file nested 100,000 deep would otherwise end the process with a stack overflow, and a module
// exporting a shared-subtree "bomb" would make JSON.stringify run for ever. Every walk here is
// iterative and stops at the first excess.
import { CST, Lexer } from 'yaml';
import type { SpecIssue } from '../errors.js';
import { limitText, limits } from '../util/limits.js';
import { pointer } from './positions.js';

/** An issue when the text is larger than limits.documentBytes. */
export function textSizeIssue(text: string): SpecIssue | undefined {
  const max = limits().documentBytes;
  // Cheap first: UTF-8 takes at least one byte per UTF-16 unit, at most three.
  if (text.length <= max / 3) return undefined;
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > max ? sizeIssue(bytes, max) : undefined;
}

export function sizeIssue(bytes: number, max = limits().documentBytes): SpecIssue {
  return { path: '', message: `the document is ${bytes} bytes; ${limitText('documentBytes', max)}` };
}

export function depthIssue(path: string, max: number): SpecIssue {
  return { path, message: `nested more than ${max} levels deep; ${limitText('nestingDepth', max)}` };
}

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | undefined;
  key: string;
}

function framePath(frame: Frame): string {
  const segments: string[] = [];
  for (let at: Frame | undefined = frame; at?.parent; at = at.parent) segments.push(at.key);
  return pointer(...segments.reverse());
}

/**
 * Checks a plain value (a module's export, a parsed document) for nesting deeper than
 * limits.nestingDepth and for a JSON form larger than limits.documentBytes. Shared subtrees are
 * counted every time they appear, as JSON.stringify would write them, so the walk stops as soon as
 * the text it stands for would be too big: it never runs longer than that text would take to write.
 */
export function valueBoundsIssue(value: unknown): SpecIssue | undefined {
  const { nestingDepth, documentBytes } = limits();
  const stack: Frame[] = [{ value, depth: 0, parent: undefined, key: '' }];
  let bytes = 0;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const current = asStringified(frame.value);
    if (current === undefined || typeof current === 'function' || typeof current === 'symbol') continue;
    if (typeof current === 'string') bytes += current.length + 2;
    else if (current === null || typeof current !== 'object') bytes += 1;
    else {
      if (frame.depth >= nestingDepth) return depthIssue(framePath(frame), nestingDepth);
      bytes += 2;
      const entries: Array<[string, unknown]> = Array.isArray(current) ? current.map((item, i) => [String(i), item]) : Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, inner] = entries[i]!;
        if (!Array.isArray(current)) bytes += key.length + 3;
        stack.push({ value: inner, depth: frame.depth + 1, parent: frame, key });
      }
    }
    if (bytes > documentBytes) return { path: framePath(frame), message: `the document's JSON form is larger than ${documentBytes} bytes; ${limitText('documentBytes', documentBytes)}` };
  }
  return undefined;
}

/** What JSON.stringify writes for a value: the result of its toJSON (the SDK's references have one). */
function asStringified(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON !== 'function') return value;
  try {
    return (toJSON as () => unknown).call(value);
  } catch {
    return undefined; // JSON.stringify reports it, with its own words
  }
}

/**
 * A first, cheap bound on YAML nesting, on the lexer's tokens: flow collections (`[[[...`) and
 * block items opened on one line (`- - - ...`). The parser that yamlTooDeep reads takes tens of
 * microseconds per level, so a file nested hundreds of thousands deep is refused here, in a
 * fraction of that, before it is parsed at all.
 */
export function yamlLexedTooDeep(text: string): { offset: number; max: number } | undefined {
  const max = limits().nestingDepth;
  let offset = 0;
  let flow = 0;
  let sameLine = 0;
  for (const token of new Lexer().lex(text)) {
    switch (CST.tokenType(token)) {
      case 'flow-map-start':
      case 'flow-seq-start':
        flow += 1;
        break;
      case 'flow-map-end':
      case 'flow-seq-end':
        flow = Math.max(0, flow - 1);
        break;
      case 'newline':
        sameLine = 0;
        break;
      case 'seq-item-ind':
      case 'explicit-key-ind':
        if (flow === 0) sameLine += 1;
        break;
      default:
        break;
    }
    if (flow + sameLine > max) return { offset, max };
    // The lexer's own markers (document, scalar, flow-end) are not text of the source.
    if (token !== CST.DOCUMENT && token !== CST.SCALAR && token !== CST.FLOW_END) offset += token.length;
  }
  return undefined;
}

/** A CST token, its nesting level and how it was reached, for the iterative walk over a YAML file's tokens. */
interface TokenFrame {
  token: CST.Token;
  depth: number;
  parent: TokenFrame | undefined;
  key: string;
}

function tokenPath(frame: TokenFrame): string {
  const segments: string[] = [];
  for (let at: TokenFrame | undefined = frame; at?.parent; at = at.parent) segments.push(at.key);
  return pointer(...segments.reverse());
}

function keyText(token: CST.Token | null | undefined, index: number): string {
  if (token && 'source' in token && typeof token.source === 'string' && token.type !== 'block-scalar') {
    return token.source.replace(/^["']|["']$/g, '');
  }
  return String(index);
}

/**
 * The first YAML collection nested deeper than limits.nestingDepth: where it starts and its JSON
 * pointer. It runs on the parser's tokens (the yaml library parses without recursion; composing
 * the document recurses per level, so this check comes before it).
 */
export function yamlTooDeep(tokens: readonly CST.Token[]): { offset: number; path: string; max: number } | undefined {
  const max = limits().nestingDepth;
  const stack: TokenFrame[] = tokens.map((token) => ({ token, depth: 0, parent: undefined, key: '' }));
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { token, depth } = frame;
    switch (token.type) {
      case 'document':
        if (token.value) stack.push({ token: token.value, depth, parent: undefined, key: '' });
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (depth >= max) return { offset: token.offset, path: tokenPath(frame), max };
        const isMap = token.type === 'block-map' || (token.type === 'flow-collection' && token.start.source === '{');
        token.items.forEach((item, index) => {
          const entry = item as CST.CollectionItem;
          const key = isMap ? keyText(entry.key, index) : String(index);
          if (entry.key) stack.push({ token: entry.key, depth: depth + 1, parent: frame, key });
          if (entry.value) stack.push({ token: entry.value, depth: depth + 1, parent: frame, key });
        });
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}
