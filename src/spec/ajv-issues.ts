// Turns ajv's raw errors into issues a person can act on: an unknown key names the allowed keys,
// a union (anyOf) reports the branch the value was evidently meant for instead of every branch.
import type { ErrorObject } from 'ajv';
import type { SpecIssue } from '../errors.js';
import { escapePointerSegment } from './positions.js';
import { DURATION_PATTERN, IDENTIFIER_PATTERN, INHERITED_ENV_PATTERN, NON_BLANK_PATTERN, WORKFLOW_NAME_PATTERN } from './schema.js';
import { describeValue, didYouMean, listWords } from './value-types.js';

interface SchemaLike {
  type?: string;
  items?: SchemaLike;
  const?: unknown;
  description?: string;
  properties?: Record<string, unknown>;
  patternProperties?: Record<string, unknown>;
  anyOf?: SchemaLike[];
  pattern?: string;
}

const PATTERN_WORDS: Record<string, string> = {
  [IDENTIFIER_PATTERN]: 'a CEL identifier (letters, digits and _, not starting with a digit)',
  [WORKFLOW_NAME_PATTERN]: 'a lowercase name of letters, digits and "-" that starts and ends with a letter or digit',
  [DURATION_PATTERN]: 'a duration such as "30s", "5m", "1h30m" or "250ms"',
  [NON_BLANK_PATTERN]: 'a non-blank string',
  [INHERITED_ENV_PATTERN]:
    'an environment variable name (letters, digits and _) that does not start with TANDEM_ (tandem sets the task variables itself and never passes its own settings or secrets to a task)',
};

/** Objects with at most this many fields name them when a value of another type is found. */
const LISTED_FIELDS_MAX = 10;

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

/** Converts ajv errors (collected with allErrors and verbose) into issues, one per real problem. */
export function ajvIssues(errors: readonly ErrorObject[]): SpecIssue[] {
  const issues = reduce(errors, undefined);
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function owns(outer: ErrorObject, inner: ErrorObject): boolean {
  return (
    inner !== outer &&
    inner.schemaPath.startsWith(`${outer.schemaPath}/`) &&
    (inner.instancePath === outer.instancePath || inner.instancePath.startsWith(`${outer.instancePath}/`))
  );
}

function reduce(errors: readonly ErrorObject[], hint: string | undefined): SpecIssue[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf');
  const outermost = unions.filter((u) => !unions.some((other) => owns(other, u)));
  const issues: SpecIssue[] = [];
  const handled = new Set<ErrorObject>();
  for (const error of errors) {
    if (handled.has(error)) continue;
    const union = outermost.find((u) => u === error || owns(u, error));
    if (union) {
      const children = errors.filter((e) => owns(union, e));
      for (const child of children) handled.add(child);
      handled.add(union);
      issues.push(...unionIssues(union, children));
    } else {
      handled.add(error);
      issues.push(simpleIssue(error, hint));
    }
  }
  return issues;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(schema: SchemaLike, value: unknown): boolean {
  if (schema.type === undefined) return true;
  const actual = jsonType(value);
  return schema.type === actual || (schema.type === 'number' && actual === 'integer');
}

function unionIssues(union: ErrorObject, children: readonly ErrorObject[]): SpecIssue[] {
  const parent = union.parentSchema as SchemaLike | undefined;
  const branches = parent?.anyOf ?? [];
  const value: unknown = union.data;
  const path = union.instancePath;
  // A nullable value (`engine:` with every key commented out is null) that is not null is judged
  // by its one other branch alone, as if the union were not there.
  const nonNull = branches.map((b, i) => ({ b, i })).filter(({ b }) => b.type !== 'null');
  if (value !== null && branches.length === 2 && nonNull.length === 1) {
    const prefix = `${union.schemaPath}/${nonNull[0]!.i}/`;
    const inBranch = children.filter((e) => e.schemaPath.startsWith(prefix));
    if (inBranch.length > 0) return reduce(inBranch, undefined);
  }
  if (branches.length > 0 && branches.every((b) => b.const !== undefined)) {
    const allowed = branches.map((b) => String(b.const));
    const named = typeof value === 'string' ? ` ${JSON.stringify(value)}${didYouMean(value, allowed)}` : '';
    return [{ path, message: `invalid value${named}`, expected: `one of ${allowed.join(', ')}`, found: describeValue(value) }];
  }
  let candidates = branches.map((b, i) => ({ b, i })).filter(({ b }) => typeMatches(b, value));
  if (candidates.length > 1 && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const scored = candidates.map((c) => ({ ...c, score: keys.filter((k) => c.b.properties?.[k] !== undefined).length }));
    const best = Math.max(...scored.map((s) => s.score));
    candidates = best > 0 ? scored.filter((s) => s.score === best) : candidates;
  }
  if (candidates.length === 1) {
    const prefix = `${union.schemaPath}/${candidates[0]!.i}/`;
    const inBranch = children.filter((e) => e.schemaPath.startsWith(prefix));
    if (inBranch.length > 0) return reduce(inBranch, parent?.description);
  }
  const expected = parent?.description ?? listWords(branches.map(describeSchema));
  return [{ path, message: candidates.length === 0 ? 'wrong type' : 'invalid value', expected, found: describeValue(value) }];
}

function describeSchema(schema: SchemaLike): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.type === 'object' && schema.properties) return `an object with ${listWords(Object.keys(schema.properties))}`;
  if (schema.type === 'string' && schema.pattern) return PATTERN_WORDS[schema.pattern] ?? `a string matching ${schema.pattern}`;
  return schema.type ? (TYPE_WORDS[schema.type] ?? schema.type) : 'any value';
}

/** The fields of an object schema, as words, when there are few enough to name. */
function listedFields(schema: SchemaLike | undefined): string | undefined {
  const fields = Object.keys(schema?.type === 'object' ? (schema.properties ?? {}) : {});
  return fields.length > 0 && fields.length <= LISTED_FIELDS_MAX ? listWords(fields) : undefined;
}

function simpleIssue(error: ErrorObject, hint: string | undefined): SpecIssue {
  const path = error.instancePath;
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as SchemaLike;
  const found = describeValue(error.data);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const child = `${path}/${escapePointerSegment(key)}`;
      if (!parent.properties) {
        const pattern = Object.keys(parent.patternProperties ?? {})[0];
        const expected = pattern === undefined ? 'no fields' : (PATTERN_WORDS[pattern] ?? `a name matching ${pattern}`);
        return { path: child, message: `invalid name ${JSON.stringify(key)}`, expected };
      }
      const allowed = Object.keys(parent.properties);
      return { path: child, message: `unknown field ${JSON.stringify(key)}${didYouMean(key, allowed)}`, expected: `one of ${allowed.join(', ')}` };
    }
    case 'required': {
      const key = String(params.missingProperty);
      return { path: `${path}/${escapePointerSegment(key)}`, message: `missing required field ${JSON.stringify(key)}` };
    }
    case 'type': {
      const types = String(params.type).split(',');
      const only = types.length === 1 ? types[0] : undefined;
      const fields = listedFields(only === 'object' ? parent : only === 'array' ? parent.items : undefined);
      const shaped = fields === undefined ? undefined : only === 'object' ? `an object with ${fields}` : `a list of objects with ${fields}`;
      const expected = hint ?? shaped ?? listWords(types.map((t) => TYPE_WORDS[t] ?? t));
      return { path, message: 'wrong type', expected, found };
    }
    case 'const':
      return { path, message: 'invalid value', expected: JSON.stringify(params.allowedValue), found };
    case 'enum':
      return { path, message: 'invalid value', expected: `one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`, found };
    case 'pattern': {
      const pattern = String(params.pattern);
      return { path, message: 'invalid value', expected: PATTERN_WORDS[pattern] ?? hint ?? parent.description ?? `a string matching ${pattern}`, found };
    }
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum':
      return { path, message: 'out of range', expected: `a number ${String(params.comparison)} ${String(params.limit)}`, found };
    case 'minItems':
      return { path, message: 'too few items', expected: `at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`, found };
    case 'minLength':
      return { path, message: 'too short', expected: params.limit === 1 ? 'a non-empty string' : `at least ${String(params.limit)} characters`, found };
    case 'maxLength':
      return { path, message: 'too long', expected: `at most ${String(params.limit)} characters`, found };
    default:
      return { path, message: error.message ?? `fails ${error.keyword}`, found };
  }
}
