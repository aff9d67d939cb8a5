// Whether an event satisfies a dependency: its source, type and subject, then the filter groups
// (expressions, data, time, in Argo Events' order) combined by filtersLogicalOperator. Never
// throws: a filter that cannot be evaluated (a bad regex, a CEL error, a malformed definition)
// makes the dependency fail with a reason saying which filter and why.
import { evaluateCondition } from '../../expr/cel.js';
import { renderString } from '../../expr/template.js';
import type { IncomingEvent } from '../model.js';
import { errorText, eventView } from './context.js';
import { lookupPath } from './path.js';
import { matchesPattern } from './patterns.js';
import type { Comparator, DataFilter, Dependency, DependencyFilters, ExprFilter, LogicalOperator, TimeFilter } from './schema.js';
import { formatSeconds, inWindow, parseTimeOfDay, secondsOfDay } from './time-window.js';

export interface MatchResult {
  ok: boolean;
  /** Why the event does not satisfy the dependency (which check or filter failed). */
  reason?: string;
}

/** A failing check's reason, or undefined when it passes. */
type Check = string | undefined;

export function matchesDependency(dep: Dependency, event: IncomingEvent, now: Date): MatchResult {
  try {
    const reason = identityCheck(dep, event) ?? filtersCheck(dep.filters, dep.filtersLogicalOperator, event, now);
    return reason === undefined ? { ok: true } : { ok: false, reason };
  } catch (error) {
    return { ok: false, reason: `cannot evaluate the dependency: ${errorText(error)}` };
  }
}

function identityCheck(dep: Dependency, event: IncomingEvent): Check {
  if (event.sourceName !== dep.eventSource) {
    return `event source ${JSON.stringify(event.sourceName)} is not ${JSON.stringify(dep.eventSource)}`;
  }
  if (dep.eventType !== undefined && !matchesPattern(dep.eventType, String(event.type))) {
    return `type ${JSON.stringify(event.type)} does not match ${JSON.stringify(dep.eventType)}`;
  }
  if (dep.subject !== undefined) {
    if (typeof event.subject !== 'string') return `the event has no subject (expected one matching ${JSON.stringify(dep.subject)})`;
    if (!matchesPattern(dep.subject, event.subject)) return `subject ${JSON.stringify(event.subject)} does not match ${JSON.stringify(dep.subject)}`;
  }
  return undefined;
}

function filtersCheck(filters: DependencyFilters | undefined, operator: LogicalOperator | undefined, event: IncomingEvent, now: Date): Check {
  if (!filters) return undefined;
  const groups: Array<() => Check> = [];
  if (filters.exprs !== undefined) groups.push(() => combine('exprs', filters.exprs!, filters.exprLogicalOperator, (f, i) => exprCheck(f, i, event)));
  if (filters.data !== undefined) groups.push(() => combine('data', filters.data!, filters.dataLogicalOperator, (f, i) => dataCheck(f, i, event)));
  if (filters.time !== undefined) groups.push(() => timeCheck(filters.time!, event, now));
  if (groups.length === 0) return undefined;
  return combineChecks(groups, operator, (reasons) => `no filter group passed: ${reasons.join('; ')}`);
}

function combine<T>(kind: string, filters: readonly T[], operator: LogicalOperator | undefined, check: (filter: T, index: number) => Check): Check {
  if (filters.length === 0) return undefined;
  return combineChecks(
    filters.map((filter, index) => () => check(filter, index)),
    operator,
    (reasons) => `none of the ${kind} filters passed: ${reasons.join('; ')}`,
  );
}

/** "and" stops at the first failure and reports it; "or" stops at the first pass, else reports every failure. */
function combineChecks(checks: ReadonlyArray<() => Check>, operator: LogicalOperator | undefined, none: (reasons: string[]) => string): Check {
  if (operator === 'or') {
    const reasons: string[] = [];
    for (const check of checks) {
      const reason = guarded(check);
      if (reason === undefined) return undefined;
      reasons.push(reason);
    }
    return reasons.length === 1 ? reasons[0] : none(reasons);
  }
  for (const check of checks) {
    const reason = guarded(check);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

function guarded(check: () => Check): Check {
  try {
    return check();
  } catch (error) {
    return errorText(error);
  }
}

// --- expression filters --------------------------------------------------------------------

function exprCheck(filter: ExprFilter, index: number, event: IncomingEvent): Check {
  const label = `exprs[${index}] ${JSON.stringify(filter.expr)}`;
  const view = eventView(event);
  const context: Record<string, unknown> = { event: view, data: view.data };
  for (const field of filter.fields ?? []) {
    const found = lookupPath(view.data, field.path);
    if (!found.found) return `${label}: field ${field.name}: ${found.missing}`;
    context[field.name] = found.value ?? null;
  }
  let result: boolean;
  try {
    result = evaluateCondition(filter.expr, context);
  } catch (error) {
    return `${label}: ${errorText(error)}`;
  }
  return result ? undefined : `${label} is false`;
}

// --- data filters --------------------------------------------------------------------------

const regexCache = new Map<string, RegExp | Error>();

/** The compiled form of a string filter value, or the error compiling it. Argo matches unanchored. */
export function filterRegex(source: string): RegExp | Error {
  let compiled = regexCache.get(source);
  if (compiled === undefined) {
    try {
      compiled = new RegExp(source);
    } catch (error) {
      compiled = error instanceof Error ? error : new Error(String(error));
    }
    if (regexCache.size > 10_000) regexCache.clear();
    regexCache.set(source, compiled);
  }
  return compiled;
}

/** Go's strconv.ParseBool spellings, which Argo Events uses for bool filter values. */
export function parseBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text)) return false;
  return undefined;
}

/** A decimal number written as text (as strconv.ParseFloat takes it); undefined otherwise. */
export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function dataCheck(filter: DataFilter, index: number, event: IncomingEvent): Check {
  const comparator: Comparator = filter.comparator ?? '=';
  const label = `data[${index}] ${filter.path}`;
  if (event.data === undefined || event.data === null) return `${label}: the event has no data`;
  const found = lookupPath(event.data, filter.path);
  if (!found.found) return `${label}: path not found (${found.missing})`;
  let value = found.value;
  if (filter.template !== undefined) {
    const view = eventView(event);
    try {
      value = renderString(filter.template, { value: value ?? null, event: view, data: view.data });
    } catch (error) {
      return `${label}: template: ${errorText(error)}`;
    }
  }
  if (value === null || value === undefined) return `${label}: the value is null`;
  if (!Array.isArray(filter.value) || filter.value.length === 0) return `${label}: the filter lists no values`;
  switch (filter.type) {
    case 'number':
      return numberCheck(label, value, comparator, filter.value);
    case 'bool':
      return boolCheck(label, value, comparator, filter.value);
    case 'string':
      return stringCheck(label, value, comparator, filter.value);
    default:
      return `${label}: unsupported type ${show(filter.type)} (expected string, number or bool)`;
  }
}

function compare(a: number, comparator: Comparator, b: number): boolean {
  switch (comparator) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
  }
}

/** `!=` passes when the value differs from every listed value; every other comparator when any listed value satisfies it. */
function verdict(label: string, shown: string, comparator: Comparator, values: readonly string[], results: readonly boolean[]): Check {
  const wanted = values.length === 1 ? show(values[0]) : `one of ${values.map(show).join(', ')}`;
  if (comparator === '!=') {
    const hit = results.findIndex((equal) => equal);
    return hit < 0 ? undefined : `${label}: ${shown} equals ${show(values[hit])}`;
  }
  return results.some(Boolean) ? undefined : `${label}: ${shown} is not ${comparator} ${wanted}`;
}

function numberCheck(label: string, value: unknown, comparator: Comparator, values: readonly string[]): Check {
  const actual = typeof value === 'number' ? value : typeof value === 'string' ? parseNumber(value) : undefined;
  if (actual === undefined || !Number.isFinite(actual)) return `${label}: expected a number, found ${show(value)}`;
  const wanted: number[] = [];
  for (const text of values) {
    const parsed = typeof text === 'string' ? parseNumber(text) : undefined;
    if (parsed === undefined) return `${label}: filter value ${show(text)} is not a number`;
    wanted.push(parsed);
  }
  const results = wanted.map((w) => compare(actual, comparator === '!=' ? '=' : comparator, w));
  return verdict(label, String(actual), comparator, values, results);
}

function boolCheck(label: string, value: unknown, comparator: Comparator, values: readonly string[]): Check {
  if (comparator !== '=' && comparator !== '!=') return `${label}: comparator ${comparator} does not apply to bools`;
  const actual = typeof value === 'boolean' ? value : typeof value === 'string' ? parseBool(value) : undefined;
  if (actual === undefined) return `${label}: expected true or false, found ${show(value)}`;
  const results: boolean[] = [];
  for (const text of values) {
    const parsed = typeof text === 'string' ? parseBool(text) : undefined;
    if (parsed === undefined) return `${label}: filter value ${show(text)} is not true or false`;
    results.push(parsed === actual);
  }
  return verdict(label, String(actual), comparator, values, results);
}

function stringCheck(label: string, value: unknown, comparator: Comparator, values: readonly string[]): Check {
  if (comparator !== '=' && comparator !== '!=') return `${label}: comparator ${comparator} does not apply to strings`;
  const actual = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const results: boolean[] = [];
  for (const source of values) {
    const regex = filterRegex(String(source));
    if (regex instanceof Error) return `${label}: filter value ${show(source)} is not a valid regular expression (${errorText(regex)})`;
    results.push(regex.test(actual));
  }
  const shown = show(actual);
  if (comparator === '!=') {
    const hit = results.findIndex(Boolean);
    return hit < 0 ? undefined : `${label}: ${shown} matches ${show(values[hit])}`;
  }
  return results.some(Boolean) ? undefined : `${label}: ${shown} matches none of ${values.map(show).join(', ')}`;
}

// --- time filter ---------------------------------------------------------------------------

/** The instant the time window judges: the event's own time (as Argo Events does), else now. */
function eventInstant(event: IncomingEvent, now: Date): Date {
  const parsed = typeof event.time === 'string' ? Date.parse(event.time) : Number.NaN;
  return Number.isNaN(parsed) ? now : new Date(parsed);
}

function timeCheck(filter: TimeFilter, event: IncomingEvent, now: Date): Check {
  const start = parseTimeOfDay(filter.start);
  const stop = parseTimeOfDay(filter.stop);
  if (start === undefined || stop === undefined) return `time: window ${show(filter.start)}-${show(filter.stop)} is not HH:MM:SS-HH:MM:SS`;
  const zone = filter.timezone ?? 'UTC';
  let seconds: number;
  try {
    seconds = secondsOfDay(eventInstant(event, now), zone);
  } catch {
    return `time: unknown time zone ${show(zone)}`;
  }
  if (inWindow(seconds, start, stop)) return undefined;
  return `time: ${formatSeconds(seconds)} ${zone} is outside ${filter.start}-${filter.stop}`;
}
