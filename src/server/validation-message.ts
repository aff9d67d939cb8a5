// Turns the schema validator's (ajv's) findings into one sentence a caller can act on: the field
// by name, what it must be, and what was sent — `status must be one of Pending, Running, …
// (got "bogus")` instead of `must be equal to constant`.

export interface ValidationDetail {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
  /** The schema of the keyword that failed (the validator runs verbose): for `anyOf`, its branches. */
  schema?: unknown;
}

/** The parts of a request a refused value is read back from. */
export interface ValidationInput {
  url?: string;
  body?: unknown;
  params?: unknown;
  headers?: unknown;
}

const SHOWN_CHARS = 60;

export function describeValidation(details: readonly ValidationDetail[], context: string, input?: ValidationInput): { field: string; message: string } {
  const first = pickFirst(details);
  const path = first?.instancePath ?? '';
  const missing = first?.params?.missingProperty;
  const extra = first?.params?.additionalProperty;
  const child = typeof missing === 'string' ? missing : typeof extra === 'string' ? extra : undefined;
  const field = `/${context}${path}${child !== undefined ? `/${child}` : ''}`;
  const name = fieldName(context, singleQueryValue(context, path, input) ? path.replace(/\/\d+$/, '') : path);
  if (first === undefined) return { field, message: `${name} is invalid` };
  const got = gotSuffix(valueAt(context, path, input));
  switch (first.keyword) {
    case 'additionalProperties':
      return { field, message: `unknown field "${String(extra)}"${context === 'body' && path === '' ? '' : ` in ${name}`}` };
    case 'required':
      return { field, message: `${fieldName(context, `${path}/${String(missing)}`)} is required` };
    case 'const':
    case 'enum':
    case 'anyOf': {
      const allowed = allowedValues(details, path);
      if (allowed.length > 0) return { field, message: `${name} must be one of ${allowed.join(', ')}${got}` };
      break;
    }
    case 'type':
      return { field, message: `${name} must be ${article(String(first.params?.type))}${got}` };
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum':
      return { field, message: `${name} must be ${bound(first)}${got}` };
    case 'minLength':
      return { field, message: `${name} must be at least ${String(first.params?.limit)} character${first.params?.limit === 1 ? '' : 's'} long${got}` };
    case 'maxLength':
      return { field, message: `${name} must be at most ${String(first.params?.limit)} characters long (got ${lengthOf(valueAt(context, path, input))})` };
    case 'minItems':
      return { field, message: `${name} must hold at least ${String(first.params?.limit)} item${first.params?.limit === 1 ? '' : 's'}` };
    case 'maxItems':
      return { field, message: `${name} must hold at most ${String(first.params?.limit)} items` };
    case 'pattern':
      return { field, message: `${name} must match ${String(first.params?.pattern)}${got}` };
    default:
      break;
  }
  return { field, message: `${name} ${first.message ?? 'is invalid'}${got}` };
}

/** A union reports each branch's finding (`type`, `const`) before its own: the union is what to name. */
function pickFirst(details: readonly ValidationDetail[]): ValidationDetail | undefined {
  const first = details[0];
  if (first === undefined) return undefined;
  return details.find((d) => d.keyword === 'anyOf' && d.instancePath === first.instancePath) ?? first;
}

function allowedValues(details: readonly ValidationDetail[], path: string): string[] {
  const values: string[] = [];
  for (const detail of details) {
    if (detail.instancePath !== path) continue;
    if (detail.keyword === 'anyOf' && Array.isArray(detail.schema)) {
      const branches = detail.schema as Array<{ const?: unknown }>;
      if (branches.every((branch) => branch !== null && typeof branch === 'object' && 'const' in branch)) values.push(...branches.map((branch) => String(branch.const)));
    }
    if (detail.keyword === 'const') values.push(String(detail.params?.allowedValue));
    if (detail.keyword === 'enum' && Array.isArray(detail.params?.allowedValues)) values.push(...detail.params.allowedValues.map(String));
  }
  return [...new Set(values)];
}

/** `?status=bogus` is one value, though the schema takes a list: it is named `status`, not `status[0]`. */
function singleQueryValue(context: string, path: string, input: ValidationInput | undefined): boolean {
  const segments = path.split('/').slice(1);
  if (context !== 'querystring' || segments.length !== 2 || !/^\d+$/.test(segments[1]!)) return false;
  return new URLSearchParams((input?.url ?? '').split('?').slice(1).join('?')).getAll(segments[0]!).length === 1;
}

function bound(detail: ValidationDetail): string {
  const limit = String(detail.params?.limit);
  if (detail.keyword === 'minimum') return `at least ${limit}`;
  if (detail.keyword === 'maximum') return `at most ${limit}`;
  return detail.keyword === 'exclusiveMinimum' ? `greater than ${limit}` : `less than ${limit}`;
}

function article(type: string): string {
  const names: Record<string, string> = { integer: 'an integer', object: 'an object', array: 'an array', string: 'a string', number: 'a number', boolean: 'true or false', null: 'null' };
  return type.split(',').map((t) => names[t] ?? t).join(' or ');
}

/** `status`, `params.epochs`, `status[1]`; the whole body is `the body`. */
function fieldName(context: string, path: string): string {
  const segments = path.split('/').slice(1).map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (segments.length === 0) return context === 'body' ? 'the body' : context;
  let name = '';
  for (const segment of segments) name += /^\d+$/.test(segment) && name !== '' ? `[${segment}]` : name === '' ? segment : `.${segment}`;
  return context === 'headers' ? `header ${name}` : name;
}

/**
 * The value refused, as sent. A query string is read back from the URL: the validator coerces
 * values in place (`limit=1e309` has become Infinity by now).
 */
function valueAt(context: string, path: string, input: ValidationInput | undefined): unknown {
  if (input === undefined) return undefined;
  const segments = path.split('/').slice(1);
  if (context === 'querystring') {
    const query = new URLSearchParams((input.url ?? '').split('?').slice(1).join('?'));
    const [name, index] = segments;
    if (name === undefined) return undefined;
    const values = query.getAll(name);
    return index !== undefined ? values[Number(index)] : values.length > 1 ? values : values[0];
  }
  let value: unknown = context === 'body' ? input.body : context === 'params' ? input.params : context === 'headers' ? input.headers : undefined;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return value;
}

function gotSuffix(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return ` (got ${JSON.stringify(value.length > SHOWN_CHARS ? `${value.slice(0, SHOWN_CHARS)}…` : value)})`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return ` (got ${String(value)})`;
  return ` (got ${Array.isArray(value) ? 'an array' : 'an object'})`;
}

function lengthOf(value: unknown): string {
  return typeof value === 'string' ? `${value.length}` : 'a longer value';
}
