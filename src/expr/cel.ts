// CEL conditions: compiled once, evaluated many times. JSON values cross into CEL with whole
// numbers as CEL ints (bigint) and come back as plain JSON numbers, so `params.n + 1` works
// on a YAML integer and the result is an ordinary number again.
import { parse } from '@marcbachmann/cel-js';
import { ExpressionError } from '../errors.js';
import { errorMessage } from '../util/error-message.js';

/**
 * The AST node shape of @marcbachmann/cel-js: an operator, its arguments (see cel-ast.ts for
 * their shape by operator) and where it was parsed from: `start` and `end` bound its source text,
 * `pos` is where its operator is (the field of a selection; else the start).
 */
export interface CelNode {
  op: string;
  args: unknown;
  pos: number;
  start: number;
  end: number;
}

export interface CompiledExpression {
  readonly source: string;
  readonly ast: CelNode;
  evaluate(context: Record<string, unknown>): unknown;
}

const compiled = new Map<string, CompiledExpression>();
/** Contexts already holding CEL values (see preparedContext): evaluated without converting again. */
const prepared = new WeakSet<object>();

/**
 * Converts a context to CEL values once, for many evaluations against it (the router evaluates
 * every rule, and parts of the matching one, against the same workflow). It must not change
 * afterwards; read values through evaluation only.
 */
export function preparedContext(context: Record<string, unknown>): Record<string, unknown> {
  const converted = toCelContext(context);
  prepared.add(converted);
  return converted;
}

/** Parses a CEL expression; throws ExpressionError with the parser's reason. */
export function compileCel(source: string): CompiledExpression {
  const cached = compiled.get(source);
  if (cached) return cached;
  let program: ReturnType<typeof parse>;
  try {
    program = parse(source);
  } catch (error) {
    throw new ExpressionError(source, firstLine(error));
  }
  const expression: CompiledExpression = {
    source,
    ast: program.ast as unknown as CelNode,
    evaluate(context) {
      try {
        return fromCel(program(prepared.has(context) ? context : toCelContext(context)));
      } catch (error) {
        throw new ExpressionError(source, firstLine(error));
      }
    },
  };
  compiled.set(source, expression);
  return expression;
}

/** Evaluates a condition and insists on a boolean answer. */
export function evaluateCondition(source: string, context: Record<string, unknown>): boolean {
  const result = compileCel(source).evaluate(context);
  if (typeof result !== 'boolean') {
    throw new ExpressionError(source, `a condition must be true or false, got ${describe(result)}`);
  }
  return result;
}

function toCelContext(context: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(context)) out[key] = toCel(value);
  return out;
}

function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = toCel(inner);
    return out;
  }
  return value;
}

function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of value) out[String(key)] = fromCel(inner);
    return out;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = fromCel(inner);
    return out;
  }
  return value;
}

function firstLine(error: unknown): string {
  const message = errorMessage(error);
  return message.split('\n')[0] ?? message;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
