// `when` conditions in KFP's form. KFP evaluates a trigger condition with CEL over the task's
// inputs, so, as the KFP SDK does, every value the condition reads becomes an input of the
// condition sub-DAG (`pipelinechannel--…`) and the condition refers to it as
// `inputs.parameter_values['pipelinechannel--…']`, wrapped in int()/double() for numbers (KFP
// stores every number as a double). Operators, literals, lists and plain function or method calls
// carry over; macros (all, exists, map, filter) and map literals are rejected with a CompileError.
import type { CelNode } from '../../../expr/cel.js';
import { compileCel } from '../../../expr/cel.js';
import { CEL_MACROS, celSource, viewCel } from '../../../expr/cel-ast.js';
import type { CompileContext } from './context.js';
import { plainPath } from './context.js';
import { channelName, type Scope } from './scopes.js';

/** `untyped`: a loop-item field whose type the compiler cannot know, which arrives as text. */
type Kind = 'int' | 'double' | 'untyped' | 'other';
interface Printed {
  text: string;
  kind: Kind;
  atomic: boolean;
}

/** The KFP trigger condition for `expression`; binds every operand into `scope` (the condition sub-DAG). */
export function kfpCondition(ctx: CompileContext, expression: string, task: string, scope: Scope, loop: Scope | undefined): string {
  const print = (node: CelNode): Printed => {
    const view = viewCel(node);
    // A member path (`params.n`, `tasks.a.outputs["x"]`) is an operand the condition sub-DAG binds.
    if (view.kind === 'identifier' || ((view.kind === 'select' || view.kind === 'index') && !view.optional)) {
      const source = celSource(expression, node);
      if (plainPath(source) !== undefined) return operand(source);
    }
    switch (view.kind) {
      case 'literal':
        return literal(view.value);
      case 'not':
        return { text: `!${wrap(print(view.operand))}`, kind: 'other', atomic: true };
      case 'negate': {
        const inner = print(view.operand);
        return { text: `-${wrap(inner)}`, kind: inner.kind, atomic: true };
      }
      case 'conditional': {
        const [c, a, b] = [view.condition, view.then, view.otherwise].map(print) as [Printed, Printed, Printed];
        return { text: `${wrap(c)} ? ${wrap(a)} : ${wrap(b)}`, kind: a.kind, atomic: false };
      }
      case 'list':
        return { text: `[${view.items.map((n) => print(n).text).join(', ')}]`, kind: 'other', atomic: true };
      case 'call': {
        const { name, target, args } = view;
        if (CEL_MACROS.has(name)) unsupported(name);
        if (target !== undefined) {
          return { text: `${wrap(print(target))}.${name}(${args.map((n) => print(n).text).join(', ')})`, kind: name === 'size' ? 'int' : 'other', atomic: true };
        }
        const kind: Kind = name === 'int' || name === 'size' ? 'int' : name === 'double' ? 'double' : 'other';
        return { text: `${name}(${args.map((n) => print(n).text).join(', ')})`, kind, atomic: true };
      }
      case 'binary': {
        const [l, r] = [view.left, view.right].map(print) as [Printed, Printed];
        const [left, right] = alignNumbers(l, r);
        const arithmetic = ['+', '-', '*', '/', '%'].includes(view.op);
        return { text: `${wrap(left)} ${view.op} ${wrap(right)}`, kind: arithmetic ? left.kind : 'other', atomic: false };
      }
      default:
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
    if (resolved.source.kind === 'item' && resolved.source.field !== undefined && binding.def.type === 'STRING') return { text: value, kind: 'untyped', atomic: true };
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

/**
 * An int literal next to a double operand is written as a double, and an untyped item field next
 * to a number is read with double(), so no comparison mixes types (CEL has no string < number).
 */
function alignNumbers(left: Printed, right: Printed): [Printed, Printed] {
  const numeric = (p: Printed): boolean => p.kind === 'int' || p.kind === 'double';
  const parse = (p: Printed, other: Printed): Printed => (p.kind === 'untyped' && numeric(other) ? { text: `double(${p.text})`, kind: 'double', atomic: true } : p);
  [left, right] = [parse(left, right), parse(right, left)];
  const promote = (p: Printed, other: Printed): Printed =>
    p.kind === 'int' && other.kind === 'double' && /^-?[0-9]+$/.test(p.text) ? { ...p, text: `${p.text}.0`, kind: 'double' } : p;
  return [promote(left, right), promote(right, left)];
}

function wrap(p: Printed): string {
  return p.atomic ? p.text : `(${p.text})`;
}
