// Run params: defaults applied, required params checked, CLI strings (`-p n=5`) coerced to the
// declared type, enums enforced, unknown names rejected. Every problem is reported at once.
import { UsageError } from '../errors.js';
import type { ParamDecl, WorkflowSpec } from './schema.js';
import { describeValue, didYouMean, matchesParamType } from './value-types.js';
import { errorMessage } from '../util/error-message.js';

export interface ResolveParamsOptions {
  /** Values are command-line strings to coerce to each param's type (`"5"` → 5 for an integer). */
  fromStrings?: boolean;
}

/** The params of one run: every declared param, from the given values or the defaults. */
export function resolveParams(
  spec: WorkflowSpec,
  given: Record<string, unknown>,
  options: ResolveParamsOptions = {},
): Record<string, unknown> {
  const declared = spec.params ?? {};
  const problems: string[] = [];
  const resolved: Record<string, unknown> = {};
  for (const name of Object.keys(given)) {
    if (Object.hasOwn(declared, name)) continue;
    const names = Object.keys(declared);
    problems.push(
      `unknown param "${name}"${didYouMean(name, names)}: workflow "${spec.name}" ${names.length ? `takes ${names.join(', ')}` : 'takes no params'}`,
    );
  }
  for (const [name, decl] of Object.entries(declared)) {
    if (!Object.hasOwn(given, name) || given[name] === undefined) {
      if (decl.default === undefined) problems.push(`missing required param "${name}" (${decl.type})${describeDecl(decl)}`);
      else resolved[name] = structuredClone(decl.default);
      continue;
    }
    const raw = given[name];
    const value = options.fromStrings && typeof raw === 'string' ? coerce(raw, decl) : { value: raw };
    if ('problem' in value) {
      problems.push(`param "${name}": ${value.problem}`);
      continue;
    }
    if (!matchesParamType(value.value, decl.type)) {
      problems.push(`param "${name}" must be ${article(decl.type)}, got ${describeValue(value.value)}`);
      continue;
    }
    if (decl.enum && !decl.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value.value))) {
      problems.push(`param "${name}" must be one of ${decl.enum.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(value.value)}`);
      continue;
    }
    resolved[name] = value.value;
  }
  if (problems.length === 1) throw new UsageError(problems[0]!);
  if (problems.length > 1) throw new UsageError(`${problems.length} problems with params:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return resolved;
}

type Coerced = { value: unknown } | { problem: string };

/** Converts a command-line string to a param's declared type. */
function coerce(text: string, decl: ParamDecl): Coerced {
  const expected = `expected ${article(decl.type)}, got ${JSON.stringify(text)}`;
  switch (decl.type) {
    case 'string':
      return { value: text };
    case 'integer': {
      const trimmed = text.trim();
      const value = Number(trimmed);
      return /^[-+]?\d+$/.test(trimmed) && Number.isSafeInteger(value) ? { value } : { problem: expected };
    }
    case 'number': {
      const trimmed = text.trim();
      const value = Number(trimmed);
      return trimmed !== '' && Number.isFinite(value) ? { value } : { problem: expected };
    }
    case 'boolean': {
      const lower = text.trim().toLowerCase();
      if (lower === 'true') return { value: true };
      if (lower === 'false') return { value: false };
      return { problem: `expected true or false, got ${JSON.stringify(text)}` };
    }
    case 'json':
      try {
        return { value: JSON.parse(text) as unknown };
      } catch (error) {
        return { problem: `expected JSON, got ${JSON.stringify(text)} (${errorMessage(error)})` };
      }
  }
}

function article(type: string): string {
  return type === 'integer' ? 'an integer' : type === 'json' ? 'JSON' : type === 'boolean' ? 'true or false' : `a ${type}`;
}

function describeDecl(decl: ParamDecl): string {
  const parts = [decl.description, decl.enum ? `one of ${decl.enum.map((v) => JSON.stringify(v)).join(', ')}` : undefined].filter(Boolean);
  return parts.length ? `: ${parts.join('; ')}` : '';
}

/** Parses `name=value` strings (from repeated `-p` flags); the value may itself contain `=`. */
export function parseParamAssignments(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(`invalid param ${JSON.stringify(item)}: expected name=value${eq === 0 ? ' with a name before "="' : ''}`);
    }
    const name = item.slice(0, eq).trim();
    if (Object.hasOwn(out, name)) throw new UsageError(`param "${name}" is given twice`);
    out[name] = item.slice(eq + 1);
  }
  return out;
}
