// How many items a forEach expands to, and the words for one that expands to more than
// limits.forEachItems: the same at validation (literal lists and ranges) and at run time (lists an
// upstream task produced), so both refuse with one message.
import type { ForEachRange } from './schema.js';
import { limitText, limits } from '../util/limits.js';

/** Items of a range: start..end inclusive by step, or count items from start; 0 when it never starts. */
export function rangeLength(range: ForEachRange): number {
  const step = range.step ?? 1;
  if (step === 0) return Number.POSITIVE_INFINITY;
  if (range.end === undefined) return Math.max(0, range.count ?? 0);
  const span = (range.end - (range.start ?? 0)) / step;
  return span < 0 ? 0 : Math.floor(span) + 1;
}

/** The problem with a forEach of `items` items, or undefined within limits.forEachItems. */
export function forEachSizeProblem(task: string, items: number): string | undefined {
  const max = limits().forEachItems;
  if (items <= max) return undefined;
  return `forEach of task "${task}" expands to ${items} items; ${limitText('forEachItems', max)}`;
}
