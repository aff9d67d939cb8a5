// Trigger conditions as the driver evaluates them (v2/expression): CEL over the task's executor
// input, so every `inputs.parameter_values['x']` must be an input the task is given, and a
// comparison must not mix a string with a number or a boolean with a number, which CEL refuses at
// run time ("no such overload"). The type of a parameter value is the one the condition's component
// declares for it (the driver converts a value to STRING for a STRING input; numbers travel as
// doubles); int(), double(), string() and size() give their own types.
import { compileCel, type CelNode } from '../../../../src/expr/cel.js';
import { viewCel } from '../../../../src/expr/cel-ast.js';
import { definitions, record, tasks, type Json, type Problem } from './ir.js';

type Kind = 'number' | 'string' | 'bool' | 'dyn';

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

export function conditionProblems(doc: Json): Problem[] {
  const problems: Problem[] = [];
  for (const { task, path, component } of tasks(doc)) {
    const condition = record(task.triggerPolicy).condition;
    if (typeof condition !== 'string' || condition === '') continue;
    const at = `${path}/triggerPolicy/condition`;
    let ast: CelNode;
    try {
      ast = compileCel(condition).ast;
    } catch (error) {
      problems.push({ path: at, message: `not CEL: ${String(error)}` });
      continue;
    }
    const given = record(record(task.inputs).parameters);
    const declared = definitions(component, 'inputDefinitions', 'parameters');
    const kindOf = (node: CelNode): Kind => {
      const view = viewCel(node);
      switch (view.kind) {
        case 'literal':
          return typeof view.value === 'string' ? 'string' : typeof view.value === 'boolean' ? 'bool' : typeof view.value === 'number' || typeof view.value === 'bigint' ? 'number' : 'dyn';
        case 'index': {
          const name = parameterName(node);
          if (name === undefined) return 'dyn';
          if (!(name in given)) problems.push({ path: at, message: `reads inputs.parameter_values['${name}'], which the task is not given` });
          return declaredKind(record(declared[name]).parameterType);
        }
        case 'call':
          view.args.forEach(kindOf);
          if (view.target) kindOf(view.target);
          return view.name === 'int' || view.name === 'double' || view.name === 'size' ? 'number' : view.name === 'string' ? 'string' : 'dyn';
        case 'not':
          kindOf(view.operand);
          return 'bool';
        case 'negate':
          return kindOf(view.operand);
        case 'binary': {
          const [left, right] = [kindOf(view.left), kindOf(view.right)];
          if (COMPARISONS.has(view.op) && clash(left, right)) {
            problems.push({ path: at, message: `"${condition}" compares a ${left} with a ${right}; CEL has no such overload` });
          }
          return COMPARISONS.has(view.op) || view.op === '&&' || view.op === '||' || view.op === 'in' ? 'bool' : left;
        }
        case 'conditional':
          kindOf(view.condition);
          kindOf(view.otherwise);
          return kindOf(view.then);
        case 'list':
          view.items.forEach(kindOf);
          return 'dyn';
        default:
          return 'dyn';
      }
    };
    kindOf(ast);
  }
  return problems;
}

/** `x` of `inputs.parameter_values['x']`. */
function parameterName(node: CelNode): string | undefined {
  const view = viewCel(node);
  if (view.kind !== 'index') return undefined;
  const target = viewCel(view.target);
  const index = viewCel(view.index);
  if (target.kind !== 'select' || target.field !== 'parameter_values') return undefined;
  const root = viewCel(target.target);
  if (root.kind !== 'identifier' || root.name !== 'inputs' || index.kind !== 'literal' || typeof index.value !== 'string') return undefined;
  return index.value;
}

function declaredKind(type: unknown): Kind {
  if (type === 'STRING') return 'string';
  if (type === 'NUMBER_INTEGER' || type === 'NUMBER_DOUBLE') return 'number';
  if (type === 'BOOLEAN') return 'bool';
  return 'dyn';
}

function clash(a: Kind, b: Kind): boolean {
  if (a === 'dyn' || b === 'dyn' || a === b) return false;
  return a === 'number' || b === 'number';
}
