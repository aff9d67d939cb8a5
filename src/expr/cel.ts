// CEL conditions: compiled once, evaluated many times. JSON values cross into CEL with whole
// numbers as CEL ints (bigint) and come back as plain JSON numbers, so `params.n + 1` works
// on a YAML integer and the result is an ordinary number again.
import { parse } from '@marcbachmann/cel-js';
import { ExpressionError } from '../errors.js';
import { errorMessage } from '../util/error-message.js';
import { limitText, limits } from '../util/limits.js';
import { costDependsOnData, estimateCelCost, hasComprehension, type SizeOf, type Sized } from './cel-cost.js';

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

/** The deepest expression tree tandem evaluates: the CEL library's own bound on nesting by parentheses. */
const MAX_AST_DEPTH = 250;

/** Whether a tree is deeper than `max`, walked without recursion (it may be tens of thousands deep). */
function astDepthOver(ast: CelNode, max: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: ast, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth });
    } else if (value !== null && typeof value === 'object' && typeof (value as { op?: unknown }).op === 'string') {
      if (depth > max) return true;
      stack.push({ value: (value as CelNode).args, depth: depth + 1 });
    }
  }
  return false;
}

/** Whether a context holds CEL values already (preparedContext): its numbers are ints, not JSON numbers. */
export function isPreparedContext(context: object): boolean {
  return prepared.has(context);
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
  const ast = program.ast as unknown as CelNode;
  // The parser bounds nesting by parentheses and calls, not chains (`a || b || ...` nests one
  // level per operator), while every walker of the tree, the library's evaluator included, recurses.
  if (astDepthOver(ast, MAX_AST_DEPTH)) {
    throw new ExpressionError(source, `nested more than ${MAX_AST_DEPTH} levels deep (a chain of that many operators counts as deep); split it into parts`);
  }
  const costly = costDependsOnData(ast);
  const deep = costly && hasComprehension(ast);
  const expression: CompiledExpression = {
    source,
    ast,
    evaluate(context) {
      if (costly) checkCost(source, estimateCelCost(ast, sizesIn(context, deep)));
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

/**
 * The problem with an expression whose own literals already make it too costly (limits.celCost),
 * found without any data: what validation reports. Throws ExpressionError when it does not parse.
 */
export function celCostProblem(source: string): string | undefined {
  const cost = estimateCelCost(compileCel(source).ast, () => undefined);
  return cost > limits().celCost ? costMessage(cost) : undefined;
}

function checkCost(source: string, cost: number): void {
  if (cost > limits().celCost) throw new ExpressionError(source, costMessage(cost));
}

function costMessage(cost: number): string {
  return `evaluating it would take about ${cost >= Number.MAX_SAFE_INTEGER ? 'unboundedly many' : cost} steps; ${limitText('celCost')}`;
}

/**
 * Sizes of the values an expression names, read from its context. The largest size nested inside
 * a value (what a comprehension variable may hold) is only walked for when a comprehension needs it.
 */
function sizesIn(context: Record<string, unknown>, deep: boolean): SizeOf {
  return (path) => {
    let value: unknown = context;
    for (const key of path) {
      if (value instanceof Map) value = value.get(key);
      else if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, key)) value = (value as Record<string, unknown>)[key];
      else return undefined;
    }
    return sizeOfValue(value, deep);
  };
}

function sizeOfValue(value: unknown, deep: boolean): Sized {
  const own = directSize(value);
  if (!deep) return { size: own, inner: own };
  let inner = 0;
  const stack: unknown[] = [value];
  let first = true;
  while (stack.length > 0) {
    const current = stack.pop();
    if (!first) inner = Math.max(inner, directSize(current));
    first = false;
    // One push per child, not push(...children): a spread of a long list overflows the stack.
    for (const child of directChildren(current)) stack.push(child);
  }
  return { size: own, inner };
}

function directSize(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.length;
  if (value instanceof Map) return value.size;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return 0;
}

function directChildren(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value instanceof Map) return [...value.values()];
  if (value !== null && typeof value === 'object') return Object.values(value);
  return [];
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
