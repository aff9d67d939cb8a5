// A sensor's condition as Argo Events trigger `conditions`, and its resets as `conditionsReset`.
// The grammar is the same (names, &&, ||, parentheses); what changes is the names: a tandem
// dependency that became several Argo dependencies (a cron source with several schedules) stands
// for their ||. tandem keeps one condition per sensor and Argo Events one per trigger, so every
// trigger gets the same one. Without a condition, reset or expansion nothing is written: Argo
// Events' default is tandem's, every dependency ANDed.
import { parseDependencyExpression, type DependencyExpression } from '../sensors/conditions.js';
import type { SensorSpec } from '../sensors/schema.js';

export interface CompiledConditions {
  conditions?: string;
  conditionsReset?: Array<{ byTime: { cron: string; timezone?: string } }>;
}

export function compileConditions(sensor: SensorSpec, names: ReadonlyMap<string, string[]>): CompiledConditions {
  const expanded = [...names.values()].some((list) => list.length !== 1);
  const out: CompiledConditions = {};
  if (sensor.conditions !== undefined || expanded || sensor.conditionsReset !== undefined) {
    const tree = sensor.conditions !== undefined ? parseDependencyExpression(sensor.conditions) : allOf(sensor.dependencies.map((dep) => dep.name));
    out.conditions = render(tree, names);
  }
  if (sensor.conditionsReset !== undefined) {
    out.conditionsReset = sensor.conditionsReset.map(({ byTime }) => ({ byTime: { cron: byTime.cron, ...(byTime.timezone !== undefined ? { timezone: byTime.timezone } : {}) } }));
  }
  return out;
}

function allOf(names: readonly string[]): DependencyExpression {
  const nodes: DependencyExpression[] = names.map((name) => ({ kind: 'dep', name, offset: 0 }));
  return nodes.reduce((left, right) => ({ kind: 'and', left, right }));
}

function render(node: DependencyExpression, names: ReadonlyMap<string, string[]>): string {
  if (node.kind === 'dep') {
    const list = names.get(node.name) ?? [node.name];
    return list.length === 1 ? list[0]! : `(${list.join(' || ')})`;
  }
  const side = (child: DependencyExpression): string => {
    const text = render(child, names);
    return node.kind === 'and' && child.kind === 'or' ? `(${text})` : text;
  };
  return `${side(node.left)} ${node.kind === 'and' ? '&&' : '||'} ${side(node.right)}`;
}
