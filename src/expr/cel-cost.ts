// An upper estimate of the work one CEL evaluation does, so that an expression which would run
// for hours (comprehensions nested over lists: `l.map(a, l.map(b, l.map(c, ...)))`) or build a
// huge string (`s + s + s + ...`) is refused before it starts. The CEL library bounds the size of
// an expression's syntax tree but not the work of evaluating it, and evaluation cannot be
// interrupted once it runs. The idea is CEL-Go's cost estimation, in a small form of our own:
// every node costs 1, a comprehension costs its range's size times its body, and concatenation
// costs the size of what it builds. Sizes come from the values the expression refers to (at run
// time) or count as 0 (at validation, where only the expression's own literals are known).
import type { CelNode } from './cel.js';
import { celMemberPath, viewCel } from './cel-ast.js';

/** A value's size (list items, map entries, string characters) and the largest size nested inside it. */
export interface Sized {
  size: number;
  inner: number;
}

/** The size of the value a member path names, or undefined when it names nothing. */
export type SizeOf = (path: readonly string[]) => Sized | undefined;

interface Estimate extends Sized {
  cost: number;
}

const NOTHING: Sized = { size: 0, inner: 0 };
const COMPREHENSIONS: ReadonlySet<string> = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
/** Keeps sums and products finite, so a bomb compares as large rather than as NaN. */
const CAP = Number.MAX_SAFE_INTEGER;

const add = (...values: number[]): number => Math.min(CAP, values.reduce((a, b) => a + b, 0));
const times = (a: number, b: number): number => Math.min(CAP, a * b);
const outer = (sized: Sized): number => Math.max(sized.size, sized.inner);

/** Whether an expression has the constructs whose cost depends on data: comprehensions and `+`. */
export function costDependsOnData(node: CelNode): boolean {
  const view = viewCel(node);
  if (view.kind === 'call' && COMPREHENSIONS.has(view.name)) return true;
  if (view.kind === 'binary' && view.op === '+') return true;
  return children(node).some(costDependsOnData);
}

/** Whether an expression has a comprehension (the only construct that needs inner sizes). */
export function hasComprehension(node: CelNode): boolean {
  const view = viewCel(node);
  if (view.kind === 'call' && COMPREHENSIONS.has(view.name)) return true;
  return children(node).some(hasComprehension);
}

export function estimateCelCost(node: CelNode, sizeOf: SizeOf): number {
  return estimate(node, new Map(), sizeOf).cost;
}

function children(node: CelNode): CelNode[] {
  const view = viewCel(node);
  switch (view.kind) {
    case 'select':
      return [view.target];
    case 'index':
      return [view.target, view.index];
    case 'not':
    case 'negate':
      return [view.operand];
    case 'binary':
      return [view.left, view.right];
    case 'conditional':
      return [view.condition, view.then, view.otherwise];
    case 'list':
      return view.items;
    case 'map':
      return view.entries.flat();
    case 'call':
      return view.target ? [view.target, ...view.args] : view.args;
    default:
      return [];
  }
}

function estimate(node: CelNode, scope: ReadonlyMap<string, Sized>, sizeOf: SizeOf): Estimate {
  const view = viewCel(node);
  switch (view.kind) {
    case 'literal':
      return { cost: 1, size: typeof view.value === 'string' ? view.value.length : 0, inner: 0 };
    case 'identifier':
    case 'select':
    case 'index': {
      const path = celMemberPath(node, { index: true });
      if (path) {
        const bound = scope.get(path[0]!);
        // Below a comprehension variable, any value is at most as large as its largest part.
        const sized = bound ? (path.length === 1 ? bound : { size: bound.inner, inner: bound.inner }) : (sizeOf(path) ?? NOTHING);
        return { cost: path.length, ...sized };
      }
      const parts = children(node).map((child) => estimate(child, scope, sizeOf));
      const target = parts[0] ?? { cost: 0, ...NOTHING };
      return { cost: add(1, ...parts.map((p) => p.cost)), size: target.inner, inner: target.inner };
    }
    case 'binary': {
      const left = estimate(view.left, scope, sizeOf);
      const right = estimate(view.right, scope, sizeOf);
      const base = add(1, left.cost, right.cost);
      if (view.op === '+') {
        // Concatenating strings or lists copies both.
        const size = add(left.size, right.size);
        return { cost: add(base, size), size, inner: Math.max(left.inner, right.inner) };
      }
      if (view.op === 'in' || view.op === '==' || view.op === '!=') return { cost: add(base, Math.max(left.size, right.size)), ...NOTHING };
      return { cost: base, ...NOTHING };
    }
    case 'conditional': {
      const [condition, then, otherwise] = [view.condition, view.then, view.otherwise].map((child) => estimate(child, scope, sizeOf)) as [Estimate, Estimate, Estimate];
      return {
        cost: add(1, condition.cost, Math.max(then.cost, otherwise.cost)),
        size: Math.max(then.size, otherwise.size),
        inner: Math.max(then.inner, otherwise.inner),
      };
    }
    case 'list':
    case 'map': {
      const parts = (view.kind === 'list' ? view.items : view.entries.map(([, value]) => value)).map((child) => estimate(child, scope, sizeOf));
      const keys = view.kind === 'map' ? view.entries.map(([key]) => estimate(key, scope, sizeOf).cost) : [];
      return { cost: add(1, ...keys, ...parts.map((p) => p.cost)), size: parts.length, inner: Math.max(0, ...parts.map(outer)) };
    }
    case 'call': {
      if (COMPREHENSIONS.has(view.name) && view.target && view.args.length >= 2) return comprehension(view.name, view.target, view.args, scope, sizeOf);
      // Other functions (size, contains, startsWith, join...) do work linear in what they are given.
      const parts = children(node).map((child) => estimate(child, scope, sizeOf));
      return {
        cost: add(1, ...parts.map((p) => p.cost), ...parts.map((p) => p.size)),
        size: Math.max(0, ...parts.map(outer)),
        inner: Math.max(0, ...parts.map(outer)),
      };
    }
    default:
      return { cost: add(1, ...children(node).map((child) => estimate(child, scope, sizeOf).cost)), ...NOTHING };
  }
}

/** `range.map(x, body)` and its kin: the body runs once per item of the range. */
function comprehension(name: string, target: CelNode, args: CelNode[], scope: ReadonlyMap<string, Sized>, sizeOf: SizeOf): Estimate {
  const range = estimate(target, scope, sizeOf);
  const variables: string[] = [];
  for (const arg of args.slice(0, args.length - 1)) {
    const view = viewCel(arg);
    if (view.kind !== 'identifier' || variables.length === 2) break;
    variables.push(view.name);
  }
  const inner = new Map(scope);
  for (const variable of variables) inner.set(variable, { size: range.inner, inner: range.inner });
  const bodies = args.slice(variables.length).map((arg) => estimate(arg, inner, sizeOf));
  const perItem = add(1, ...bodies.map((b) => b.cost));
  const cost = add(1, range.cost, times(range.size, perItem));
  const last = bodies[bodies.length - 1];
  if (name === 'map') return { cost, size: range.size, inner: last ? outer(last) : 0 };
  if (name === 'filter') return { cost, size: range.size, inner: range.inner };
  return { cost, ...NOTHING };
}
