// Validation of a sensor document: structure against the JSON Schema (ajv, every error at once),
// then the checks a schema cannot express — condition syntax and names, param sources, CEL,
// regular expressions, time windows, time zones, cron schedules, subject patterns. Every issue
// carries a JSON pointer (and line:column when positions are known), as workflow validation does.
import { Ajv, type ValidateFunction } from 'ajv';
import { SpecValidationError, type SpecIssue } from '../../errors.js';
import { compileCel } from '../../expr/cel.js';
import { parseTemplate } from '../../expr/template.js';
import { ajvIssues } from '../../spec/ajv-issues.js';
import { pointer } from '../../spec/positions.js';
import { describeValue, didYouMean } from '../../spec/value-types.js';
import { locate } from '../../spec/positions.js';
import type { ValidateOptions } from '../../spec/validate.js';
import { ConditionError, conditionReferences, defaultCondition, parseDependencyExpression } from './conditions.js';
import { errorText } from './context.js';
import { filterRegex, parseBool, parseNumber } from './filters.js';
import { patternProblem } from './patterns.js';
import { cronProblem } from './reset.js';
import { SensorDecl, type DataFilter, type SensorSpec, type Trigger } from './schema.js';
import { isTimeZone, parseTimeOfDay } from './time-window.js';
import { isRecord } from '../../util/is-record.js';
import { API_SOURCE_NAME } from '../model.js';

export type { ValidateOptions } from '../../spec/validate.js';

let compiled: ValidateFunction | undefined;

function structureValidator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, verbose: true, strict: true }).compile(SensorDecl);
  return compiled;
}

/** Every issue in a sensor document; an empty list means it is a valid sensor. Never throws. */
export function sensorIssues(doc: unknown, options: ValidateOptions = {}): SpecIssue[] {
  let issues: SpecIssue[];
  try {
    const validate = structureValidator();
    const structural = validate(doc) ? [] : ajvIssues(validate.errors ?? []);
    issues = [...structural, ...semanticIssues(doc, structural)];
  } catch (error) {
    issues = [{ path: '', message: `cannot validate the sensor: ${errorText(error)}` }];
  }
  const located = issues.map((issue) => locate(issue, options));
  return options.positions ? located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)) : located;
}

/**
 * The checks beyond the schema, for a sensor whose structural issues are already known (a project
 * file validates its sensors' structure with the rest of the file). Never throws.
 */
export function sensorSemanticIssues(doc: unknown, structural: readonly SpecIssue[]): SpecIssue[] {
  try {
    return semanticIssues(doc, structural);
  } catch (error) {
    return [{ path: '', message: `cannot validate the sensor: ${errorText(error)}` }];
  }
}

/** Validates a sensor document and returns it typed; throws SpecValidationError listing every issue. */
export function validateSensor(doc: unknown, options: ValidateOptions = {}): SensorSpec {
  const issues = sensorIssues(doc, options);
  if (issues.length > 0) throw new SpecValidationError(issues);
  return doc as SensorSpec;
}

// --- semantic checks -----------------------------------------------------------------------
// They read the document defensively (it may be structurally broken), skip anything of the wrong
// shape (the structural issues already say so) and drop issues inside a structurally broken part.

type Obj = Record<string, unknown>;


function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.map((item) => (isRecord(item) ? item : {})) : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function semanticIssues(doc: unknown, structural: readonly SpecIssue[]): SpecIssue[] {
  if (!isRecord(doc)) return [];
  const issues: SpecIssue[] = [];
  const deps = list(doc.dependencies);
  const names = deps.map((d) => str(d.name)).filter((n): n is string => n !== undefined);
  duplicates(deps, '/dependencies', 'dependency', issues);
  deps.forEach((dep, i) => checkDependency(dep, pointer('dependencies', i), issues));
  checkConditions(doc, names, issues);
  list(doc.conditionsReset).forEach((rule, i) => checkReset(rule, pointer('conditionsReset', i, 'byTime'), issues));
  const triggers = list(doc.triggers);
  duplicates(triggers, '/triggers', 'trigger', issues);
  triggers.forEach((trigger, i) => checkTrigger(trigger, pointer('triggers', i), names, issues));
  const broken = structural.map((issue) => issue.path);
  const overlaps = (path: string) => broken.some((b) => path === b || path.startsWith(`${b}/`));
  return issues.filter((issue) => !overlaps(issue.path));
}

/** Flags a repeated `name` among items listed at `base` (a JSON pointer). */
function duplicates(items: Obj[], base: string, what: string, issues: SpecIssue[]): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const name = str(item.name);
    if (name === undefined) return;
    const first = seen.get(name);
    if (first !== undefined) issues.push({ path: `${base}/${i}/name`, message: `duplicate ${what} name ${JSON.stringify(name)} (also at ${base}/${first})` });
    else seen.set(name, i);
  });
}

function checkDependency(dep: Obj, path: string, issues: SpecIssue[]): void {
  if (dep.eventSource === API_SOURCE_NAME) {
    // The name is taken by the HTTP API's own events, which start the workflow a call names and are
    // never offered to sensors: a dependency on it would load and then never be satisfied.
    issues.push({
      path: `${path}/eventSource`,
      message: `"${API_SOURCE_NAME}" is the HTTP API, not an event source sensors can depend on: its calls start the workflow they name; declare a webhook source to trigger sensors over HTTP`,
      found: describeValue(dep.eventSource),
    });
  }
  for (const field of ['eventType', 'subject'] as const) {
    const pattern = str(dep[field]);
    const problem = pattern === undefined ? undefined : patternProblem(pattern);
    if (problem) issues.push({ path: `${path}/${field}`, message: `invalid pattern: ${problem}`, found: describeValue(pattern) });
  }
  const filters = dep.filters;
  if (!isRecord(filters)) return;
  list(filters.data).forEach((filter, i) => checkDataFilter(filter as Partial<DataFilter>, `${path}/filters/data/${i}`, issues));
  list(filters.exprs).forEach((filter, i) => {
    checkCel(filter.expr, `${path}/filters/exprs/${i}/expr`, 'invalid filter expression', issues);
    duplicates(list(filter.fields), `${path}/filters/exprs/${i}/fields`, 'field', issues);
  });
  if (isRecord(filters.time)) checkTime(filters.time, `${path}/filters/time`, issues);
}

function checkDataFilter(filter: Partial<DataFilter>, path: string, issues: SpecIssue[]): void {
  const values = Array.isArray(filter.value) ? filter.value : [];
  const comparator = filter.comparator ?? '=';
  if ((filter.type === 'string' || filter.type === 'bool') && comparator !== '=' && comparator !== '!=') {
    issues.push({ path: `${path}/comparator`, message: `comparator ${JSON.stringify(comparator)} does not apply to ${filter.type} values`, expected: '"=" or "!="' });
  }
  values.forEach((value, i) => {
    if (typeof value !== 'string') return;
    const at = `${path}/value/${i}`;
    if (filter.type === 'string') {
      const regex = filterRegex(value);
      if (regex instanceof Error) issues.push({ path: at, message: `invalid regular expression: ${errorText(regex)}`, found: describeValue(value) });
    } else if (filter.type === 'number' && parseNumber(value) === undefined) {
      issues.push({ path: at, message: 'not a number', expected: 'a decimal number such as "50" or "0.5"', found: describeValue(value) });
    } else if (filter.type === 'bool' && parseBool(value) === undefined) {
      issues.push({ path: at, message: 'not a bool', expected: '"true" or "false"', found: describeValue(value) });
    }
  });
  if (typeof filter.template === 'string') checkTemplate(filter.template, `${path}/template`, issues);
}

function checkTime(time: Obj, path: string, issues: SpecIssue[]): void {
  const start = parseTimeOfDay(str(time.start) ?? '');
  const stop = parseTimeOfDay(str(time.stop) ?? '');
  if (start !== undefined && start === stop) {
    issues.push({ path: `${path}/stop`, message: 'start and stop are equal, so the window is empty or the whole day; give different times' });
  }
  checkZone(time.timezone, `${path}/timezone`, issues);
}

function checkZone(zone: unknown, path: string, issues: SpecIssue[]): void {
  if (typeof zone === 'string' && zone !== '' && !isTimeZone(zone)) {
    issues.push({ path, message: `unknown time zone ${JSON.stringify(zone)}`, expected: 'an IANA time zone such as "UTC" or "Europe/Paris"' });
  }
}

function checkReset(rule: Obj, path: string, issues: SpecIssue[]): void {
  const byTime = rule.byTime;
  if (!isRecord(byTime)) return;
  const zone = str(byTime.timezone);
  checkZone(zone, `${path}/timezone`, issues);
  const expression = str(byTime.cron);
  if (expression === undefined || expression === '') return;
  const problem = cronProblem(expression, zone !== undefined && isTimeZone(zone) ? zone : undefined);
  if (problem) issues.push({ path: `${path}/cron`, message: `invalid cron schedule: ${problem}`, found: describeValue(expression) });
}

function checkConditions(doc: Obj, names: readonly string[], issues: SpecIssue[]): void {
  const condition = str(doc.conditions);
  if (condition === undefined) return;
  const path = '/conditions';
  try {
    const tree = parseDependencyExpression(condition);
    const known = new Set(names);
    const reported = new Set<string>();
    for (const ref of conditionReferences(tree)) {
      if (known.has(ref.name) || reported.has(ref.name)) continue;
      reported.add(ref.name);
      issues.push({
        path,
        message: `unknown dependency ${JSON.stringify(ref.name)} at column ${ref.offset + 1}${didYouMean(ref.name, names)}`,
        ...(names.length > 0 ? { expected: `one of ${names.join(', ')}` } : {}),
      });
    }
  } catch (error) {
    const reason = error instanceof ConditionError ? error.reason : errorText(error);
    issues.push({ path, message: `invalid condition: ${reason}`, expected: `dependency names with &&, || and parentheses, e.g. "${defaultCondition([...new Set(names)].slice(0, 2)) || 'a && b'}"` });
  }
}

function checkTrigger(trigger: Obj, path: string, names: readonly string[], issues: SpecIssue[]): void {
  list(trigger.params).forEach((param, i) => {
    if (isRecord(param.src)) checkParamSource(param.src, `${path}/params/${i}/src`, names, issues);
  });
  duplicates(list(trigger.params), `${path}/params`, 'param', issues);
  if (trigger.dedupKey !== undefined) checkCel(trigger.dedupKey, `${path}/dedupKey`, 'invalid dedup key expression', issues);
  const deadLetter = trigger.deadLetter;
  if (isRecord(deadLetter) && typeof deadLetter.subject === 'string') {
    const problem = patternProblem(deadLetter.subject);
    const wildcard = deadLetter.subject.split('.').some((t) => t === '*' || t === '>');
    if (problem || wildcard) {
      issues.push({ path: `${path}/deadLetter/subject`, message: `invalid subject: ${problem ?? 'a dead-letter subject cannot hold wildcards'}`, found: describeValue(deadLetter.subject) });
    }
  }
  const retry = trigger.retry;
  if (isRecord(retry)) checkRetry(retry as Partial<NonNullable<Trigger['retry']>>, `${path}/retry`, issues);
}

function checkRetry(retry: Partial<NonNullable<Trigger['retry']>>, path: string, issues: SpecIssue[]): void {
  const seconds = (d: unknown) => (typeof d === 'number' ? d : undefined);
  const duration = seconds(retry.duration);
  const max = seconds(retry.maxDuration);
  if (duration !== undefined && max !== undefined && max < duration) {
    issues.push({ path: `${path}/maxDuration`, message: 'maxDuration is shorter than duration' });
  }
}

function checkParamSource(src: Obj, path: string, names: readonly string[], issues: SpecIssue[]): void {
  const dependencyName = str(src.dependencyName);
  if (dependencyName !== undefined && !names.includes(dependencyName)) {
    issues.push({ path: `${path}/dependencyName`, message: `unknown dependency ${JSON.stringify(dependencyName)}${didYouMean(dependencyName, names)}`, expected: `one of ${names.join(', ')}` });
  }
  const given = (['dataKey', 'dataTemplate', 'expr'] as const).filter((key) => src[key] !== undefined);
  if (given.length > 1) {
    issues.push({ path, message: `give one of ${given.join(', ')}, not ${given.length}`, expected: 'exactly one of dataKey, dataTemplate or expr (value is the default)' });
  }
  if (given.length === 0 && src.value === undefined) {
    issues.push({ path, message: 'the param has no source', expected: 'one of dataKey, dataTemplate, expr or value' });
  }
  if (src.dataKey !== undefined && dependencyName === undefined && names.length > 1) {
    issues.push({ path: `${path}/dependencyName`, message: 'a dataKey needs dependencyName when the sensor has more than one dependency', expected: `one of ${names.join(', ')}` });
  }
  if (typeof src.dataTemplate === 'string') checkTemplate(src.dataTemplate, `${path}/dataTemplate`, issues);
  if (src.expr !== undefined) checkCel(src.expr, `${path}/expr`, 'invalid expression', issues);
}

function checkCel(source: unknown, path: string, message: string, issues: SpecIssue[]): void {
  if (typeof source !== 'string' || source === '') return;
  try {
    compileCel(source);
  } catch (error) {
    issues.push({ path, message: `${message}: ${errorText(error).replace(/^in expression .*?: /, '')}`, found: describeValue(source) });
  }
}

function checkTemplate(text: string, path: string, issues: SpecIssue[]): void {
  try {
    for (const part of parseTemplate(text)) if (part.kind === 'expr') compileCel(part.source);
  } catch (error) {
    issues.push({ path, message: `invalid template: ${errorText(error).replace(/^in expression .*?: /, '')}`, found: describeValue(text) });
  }
}
