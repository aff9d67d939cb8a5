// The CEL library's AST as the translators walk it (to govaluate for Argo, to KFP's trigger
// conditions): one typed view per operator, so a walker switches on a union instead of casting
// `args`, plus the member paths and source offsets they all need. The shapes are those of
// @marcbachmann/cel-js: `args` is a value, a name, a node or a list of them, by operator.
import type { CelNode } from './cel.js';

/** Names CEL expands as macros rather than calls; translators name them as such when they refuse them. */
export const CEL_MACROS: ReadonlySet<string> = new Set(['all', 'exists', 'exists_one', 'map', 'filter', 'has']);

export type CelBinaryOp = '&&' | '||' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | '+' | '-' | '*' | '/' | '%';

const BINARY: ReadonlySet<string> = new Set<CelBinaryOp>(['&&', '||', '==', '!=', '<', '<=', '>', '>=', 'in', '+', '-', '*', '/', '%']);

export type CelView =
  | { kind: 'literal'; value: unknown }
  | { kind: 'identifier'; name: string }
  /** `a.b` (`a.?b` when optional). */
  | { kind: 'select'; target: CelNode; field: string; optional: boolean }
  /** `a[i]` (`a[?i]` when optional). */
  | { kind: 'index'; target: CelNode; index: CelNode; optional: boolean }
  | { kind: 'not'; operand: CelNode }
  | { kind: 'negate'; operand: CelNode }
  | { kind: 'binary'; op: CelBinaryOp; left: CelNode; right: CelNode }
  | { kind: 'conditional'; condition: CelNode; then: CelNode; otherwise: CelNode }
  | { kind: 'list'; items: CelNode[] }
  | { kind: 'map'; entries: Array<[CelNode, CelNode]> }
  /** `f(x)`, or `t.f(x)` with a target; macros included (see CEL_MACROS). */
  | { kind: 'call'; name: string; target: CelNode | undefined; args: CelNode[] }
  /** An operator this view does not know (the library may grow new ones). */
  | { kind: 'other'; op: string };

/** The node as its operator's view. */
export function viewCel(node: CelNode): CelView {
  const args = node.args;
  switch (node.op) {
    case 'value':
      return { kind: 'literal', value: args };
    case 'id':
      return { kind: 'identifier', name: args as string };
    case '.':
    case '.?': {
      const [target, field] = args as [CelNode, string];
      return { kind: 'select', target, field, optional: node.op === '.?' };
    }
    case '[]':
    case '[?]': {
      const [target, index] = args as [CelNode, CelNode];
      return { kind: 'index', target, index, optional: node.op === '[?]' };
    }
    case '!_':
      return { kind: 'not', operand: args as CelNode };
    case '-_':
      return { kind: 'negate', operand: args as CelNode };
    case '?:': {
      const [condition, then, otherwise] = args as [CelNode, CelNode, CelNode];
      return { kind: 'conditional', condition, then, otherwise };
    }
    case 'list':
      return { kind: 'list', items: args as CelNode[] };
    case 'map':
      return { kind: 'map', entries: args as Array<[CelNode, CelNode]> };
    case 'call': {
      const [name, callArgs] = args as [string, CelNode[]];
      return { kind: 'call', name, target: undefined, args: callArgs };
    }
    case 'rcall': {
      const [name, target, callArgs] = args as [string, CelNode, CelNode[]];
      return { kind: 'call', name, target, args: callArgs };
    }
    default: {
      if (BINARY.has(node.op)) {
        const [left, right] = args as [CelNode, CelNode];
        return { kind: 'binary', op: node.op as CelBinaryOp, left, right };
      }
      return { kind: 'other', op: node.op };
    }
  }
}

/**
 * `a.b` as ['a', 'b'] (and, with `index`, `a["b"]` too), or undefined when any part of it is
 * computed. Optional selections are not paths: they may be absent.
 */
export function celMemberPath(node: CelNode, options: { index?: boolean } = {}): string[] | undefined {
  const view = viewCel(node);
  if (view.kind === 'identifier') return [view.name];
  if (view.kind === 'select' && !view.optional) {
    const base = celMemberPath(view.target, options);
    return base ? [...base, view.field] : undefined;
  }
  if (view.kind === 'index' && !view.optional && options.index === true) {
    const base = celMemberPath(view.target, options);
    const key = viewCel(view.index);
    return base && key.kind === 'literal' && typeof key.value === 'string' ? [...base, key.value] : undefined;
  }
  return undefined;
}

/** The text a node was parsed from. Parentheses around the whole node are not part of it. */
export function celSource(expression: string, node: CelNode): string {
  return expression.slice(node.start, node.end);
}

/**
 * Where in `expression` the operator of a node is written, for messages that point at it: the
 * method name of `t.f()`, the `.`-selected field, the `[` of an index, the operator of a binary
 * expression, the `?` of a conditional; else where the node starts.
 */
export function celOperatorOffset(expression: string, node: CelNode): number {
  const view = viewCel(node);
  const after = (text: string, from: CelNode): number => {
    const found = expression.indexOf(text, from.end);
    return found >= 0 ? found : node.start;
  };
  switch (view.kind) {
    case 'select':
      return node.pos;
    case 'index':
      return after('[', view.target);
    case 'binary':
      return after(view.op, view.left);
    case 'conditional':
      return after('?', view.condition);
    case 'call':
      return view.target ? after(view.name, view.target) : node.start;
    default:
      return node.start;
  }
}
