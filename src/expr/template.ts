// `{{ expr }}` templates inside strings. Each placeholder holds a CEL expression (usually a plain
// reference such as `tasks.prepare.outputs.rows`). A string that is exactly one placeholder keeps
// the value's type (a list stays a list); anything else is rendered as text.
import { ExpressionError } from '../errors.js';
import { limitText, limits } from '../util/limits.js';
import { compileCel, isPreparedContext } from './cel.js';

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expr'; source: string; offset: number };

const templateCache = new Map<string, TemplatePart[]>();

/** Splits a string into text and `{{ }}` expressions. Throws ExpressionError on an unclosed `{{`. */
export function parseTemplate(text: string): TemplatePart[] {
  const cached = templateCache.get(text);
  if (cached) return cached;
  const parts: TemplatePart[] = [];
  let cursor = 0;
  while (cursor < text.length) {
    const open = text.indexOf('{{', cursor);
    if (open < 0) break;
    const close = text.indexOf('}}', open + 2);
    if (close < 0) throw new ExpressionError(text, `"{{" at offset ${open} is never closed with "}}"`);
    if (open > cursor) parts.push({ kind: 'text', text: text.slice(cursor, open) });
    const source = text.slice(open + 2, close).trim();
    if (source === '') throw new ExpressionError(text, `empty "{{ }}" at offset ${open}`);
    parts.push({ kind: 'expr', source, offset: open });
    cursor = close + 2;
  }
  if (cursor < text.length) parts.push({ kind: 'text', text: text.slice(cursor) });
  templateCache.set(text, parts);
  return parts;
}

export function hasTemplate(text: string): boolean {
  return text.includes('{{');
}

const MEMBER_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * The value a plain reference (`tasks.list.outputs.files`) names in a context of plain data, or
 * undefined when it is not one or names nothing (CEL then evaluates it and says why). Evaluating
 * through CEL would convert the whole context to CEL values and the answer back: for an upstream
 * output of a million items, that is a million conversions each way to read one list.
 */
function plainReference(source: string, context: Record<string, unknown>): { value: unknown } | undefined {
  if (!MEMBER_PATH.test(source) || isPreparedContext(context)) return undefined;
  let value: unknown = context;
  for (const key of source.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
    if (!Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  // Whole numbers cross into CEL as ints and back as numbers: a plain number is already that.
  return value === undefined || typeof value === 'bigint' ? undefined : { value };
}

function evaluatePart(source: string, context: Record<string, unknown>): unknown {
  return (plainReference(source, context) ?? { value: compileCel(source).evaluate(context) }).value;
}

/** Renders a string template; a lone placeholder returns the typed value. */
export function renderString(text: string, context: Record<string, unknown>): unknown {
  if (!hasTemplate(text)) return text;
  const parts = parseTemplate(text);
  if (parts.length === 1 && parts[0]?.kind === 'expr') return evaluatePart(parts[0].source, context);
  // Text is bounded as it grows (limits.templateBytes): "{{ s }}{{ s }}..." over a large s would
  // otherwise build a string of the product of their sizes.
  const max = limits().templateBytes;
  let length = 0;
  const rendered: string[] = [];
  for (const part of parts) {
    const piece = part.kind === 'text' ? part.text : stringify(evaluatePart(part.source, context));
    length += piece.length;
    if (length > max) throw new ExpressionError(text, `renders to more than ${max} characters; ${limitText('templateBytes', max)}`);
    rendered.push(piece);
  }
  return rendered.join('');
}

/** Renders every string inside a JSON value (arrays and objects recursively). */
export function renderValue(value: unknown, context: Record<string, unknown>): unknown {
  if (typeof value === 'string') return renderString(value, context);
  if (Array.isArray(value)) return value.map((item) => renderValue(item, context));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = renderValue(inner, context);
    return out;
  }
  return value;
}

/** Renders a template that must produce text (command arguments, env values, script source). */
export function renderText(text: string, context: Record<string, unknown>): string {
  return stringify(renderString(text, context));
}

/** Text form of a value inside a larger string: strings as-is, everything else as JSON. */
export function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}
