// `when` conditions in KFP's form. KFP evaluates a trigger condition with CEL over the task's
// inputs, so, as the KFP SDK does, every value the condition reads becomes an input of the
// condition sub-DAG (`pipelinechannel--…`) and the condition refers to it as
// `inputs.parameter_values['pipelinechannel--…']`, wrapped in int()/double() for numbers (KFP
// stores every number as a double). Operators, literals, lists and plain function or method calls
// carry over; macros (all, exists, map, filter) and map literals are rejected with a CompileError.
import type { CelNode } from '../../../expr/cel.js';
import { compileCel } from '../../../expr/cel.js';
import type { CompileContext } from './context.js';
import { plainPath } from './context.js';
import { channelName, type Scope } from './scopes.js';

type Kind = 'int' | 'double' | 'other';
interface Printed {
  text: string;
  kind: Kind;
  atomic: boolean;
}

const BINARY = new Set(['&&', '||', '==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', 'in']);
const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter', 'has']);

/** The KFP trigger condition for `expression`; binds every operand into `scope` (the condition sub-DAG). */
export function kfpCondition(ctx: CompileContext, expression: string, task: string, scope: Scope, loop: Scope | undefined): string {
  const print = (node: CelNode): Printed => {
    const source = nodeSource(expression, node);
    if (source !== undefined && plainPath(source) !== undefined) return operand(source);
    switch (node.op) {
      case 'value':
        return literal(node.args);
      case '!_':
      case '-_': {
        const inner = print(node.args as CelNode);
        return { text: `${node.op[0]}${wrap(inner)}`, kind: node.op === '!_' ? 'other' : inner.kind, atomic: true };
      }
      case '?:': {
        const [c, a, b] = (node.args as CelNode[]).map(print) as [Printed, Printed, Printed];
        return { text: `${wrap(c)} ? ${wrap(a)} : ${wrap(b)}`, kind: a.kind, atomic: false };
      }
      case 'list':
        return { text: `[${(node.args as CelNode[]).map((n) => print(n).text).join(', ')}]`, kind: 'other', atomic: true };
      case 'call': {
        const [name, args] = node.args as [string, CelNode[]];
        if (MACROS.has(name)) unsupported(name);
        const kind: Kind = name === 'int' || name === 'size' ? 'int' : name === 'double' ? 'double' : 'other';
        return { text: `${name}(${args.map((n) => print(n).text).join(', ')})`, kind, atomic: true };
      }
      case 'rcall': {
        const [name, target, args] = node.args as [string, CelNode, CelNode[]];
        if (MACROS.has(name)) unsupported(name);
        return { text: `${wrap(print(target))}.${name}(${args.map((n) => print(n).text).join(', ')})`, kind: name === 'size' ? 'int' : 'other', atomic: true };
      }
      default:
        if (BINARY.has(node.op)) {
          const [l, r] = (node.args as CelNode[]).map(print) as [Printed, Printed];
          const [left, right] = alignNumbers(l, r);
          const arithmetic = ['+', '-', '*', '/', '%'].includes(node.op);
          return { text: `${wrap(left)} ${node.op} ${wrap(right)}`, kind: arithmetic ? left.kind : 'other', atomic: false };
        }
        return unsupported(node.op);
    }
  };

  const operand = (source: string): Printed => {
    const resolved = ctx.resolve(source, task, loop);
    if (resolved.kind !== 'source') {
      return ctx.fail('condition operand', task, `a condition can read params, task outputs and the item, not "${source}"`);
    }
    const binding = ctx.binder.bind(scope, resolved.source);
    if (binding.def.kind !== 'parameter') {
      return ctx.fail('condition on an artifact', task, `"${source}" is an artifact; KFP conditions read parameters only`);
    }
    const value = `inputs.parameter_values['${channelName(resolved.source, ctx.dagName)}']`;
    if (binding.def.type === 'NUMBER_INTEGER') return { text: `int(${value})`, kind: 'int', atomic: true };
    if (binding.def.type === 'NUMBER_DOUBLE') return { text: `double(${value})`, kind: 'double', atomic: true };
    return { text: value, kind: 'other', atomic: true };
  };

  const unsupported = (what: string): never =>
    ctx.fail('condition', task, `"${expression}" uses ${what}, which the KFP condition translation does not support`);

  return print(compileCel(expression).ast).text;
}

function literal(value: unknown): Printed {
  if (typeof value === 'bigint') return { text: value.toString(), kind: 'int', atomic: true };
  if (typeof value === 'number') {
    const text = Number.isInteger(value) ? value.toFixed(1) : String(value);
    return { text, kind: 'double', atomic: true };
  }
  if (typeof value === 'string') return { text: JSON.stringify(value), kind: 'other', atomic: true };
  if (value === null || typeof value === 'boolean') return { text: String(value), kind: 'other', atomic: true };
  return { text: JSON.stringify(String(value)), kind: 'other', atomic: true };
}

/** An int literal next to a double operand is written as a double, so no cross-type comparison is needed. */
function alignNumbers(left: Printed, right: Printed): [Printed, Printed] {
  const promote = (p: Printed, other: Printed): Printed =>
    p.kind === 'int' && other.kind === 'double' && /^-?[0-9]+$/.test(p.text) ? { ...p, text: `${p.text}.0`, kind: 'double' } : p;
  return [promote(left, right), promote(right, left)];
}

function wrap(p: Printed): string {
  return p.atomic ? p.text : `(${p.text})`;
}

/** The source text of a node, when it is a member path (the parser keeps start/end offsets). */
function nodeSource(expression: string, node: CelNode): string | undefined {
  if (node.op !== 'id' && node.op !== '.' && node.op !== '[]') return undefined;
  const { start, end } = node as CelNode & { start?: number; end?: number };
  return start !== undefined && end !== undefined ? expression.slice(start, end) : undefined;
}
