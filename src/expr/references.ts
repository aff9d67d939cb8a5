// Finds what an expression or template refers to: params, task outputs, the forEach item, run
// fields. Validation checks these references and the graph derives implied dependencies from them.
import { compileCel, type CelNode } from './cel.js';
import { celMemberPath } from './cel-ast.js';
import { parseTemplate } from './template.js';

export interface Reference {
  /** The root variable: params, tasks, item, run, inputs... */
  root: string;
  /** Member path after the root, e.g. ['prepare', 'outputs', 'rows']. Stops at the first computed member. */
  path: string[];
  /** The expression the reference appeared in. */
  expression: string;
}

/** References in one CEL expression. Throws ExpressionError if it does not parse. */
export function referencesInExpression(source: string): Reference[] {
  const found: Reference[] = [];
  walk(compileCel(source).ast, new Set(), source, found);
  return found;
}

/** References in every `{{ }}` of every string inside a JSON value. */
export function referencesInValue(value: unknown): Reference[] {
  const found: Reference[] = [];
  visitStrings(value, (text) => {
    for (const part of parseTemplate(text)) {
      if (part.kind === 'expr') found.push(...referencesInExpression(part.source));
    }
  });
  return found;
}

export function visitStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) for (const item of value) visitStrings(item, visit);
  else if (value !== null && typeof value === 'object') for (const inner of Object.values(value)) visitStrings(inner, visit);
}

function isNode(value: unknown): value is CelNode {
  return value !== null && typeof value === 'object' && 'op' in value;
}

function walk(node: unknown, bound: ReadonlySet<string>, source: string, found: Reference[]): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, bound, source, found);
    return;
  }
  if (!isNode(node)) return;
  const path = celMemberPath(node, { index: true });
  if (path && path[0] !== undefined) {
    if (!bound.has(path[0])) found.push({ root: path[0], path: path.slice(1), expression: source });
    return;
  }
  if (node.op === 'rcall' && Array.isArray(node.args)) {
    // Macros such as list.map(x, expr) bind x inside expr.
    const [, target, callArgs] = node.args as [unknown, unknown, unknown];
    walk(target, bound, source, found);
    if (Array.isArray(callArgs)) {
      const first = callArgs[0];
      const isMacroVariable = isNode(first) && first.op === 'id' && typeof first.args === 'string' && callArgs.length >= 2;
      const inner = isMacroVariable ? new Set([...bound, first.args as string]) : bound;
      for (const arg of isMacroVariable ? callArgs.slice(1) : callArgs) walk(arg, inner, source, found);
    }
    return;
  }
  if (node.op === '.' || node.op === '.?' || node.op === '[]') {
    // A member access on a computed value: only the target can hold references.
    walk((node.args as unknown[])[0], bound, source, found);
    if (node.op === '[]') walk((node.args as unknown[])[1], bound, source, found);
    return;
  }
  if (node.op === 'value' || node.op === 'id') return;
  walk(node.args, bound, source, found);
}
