// Workflow specs of the benchmark shapes, built as plain objects (the engine trusts its spec).
import type { TaskSpec, WorkflowSpec } from '../../src/spec/schema.js';
import { TRUE_BIN } from './floors.js';

/** `t0001`-style task names: valid CEL identifiers that sort in creation order. */
function taskName(prefix: string, index: number, width = 4): string {
  return `${prefix}${String(index).padStart(width, '0')}`;
}

function task(name: string, dependsOn?: string[]): TaskSpec {
  const spec: TaskSpec = { name, process: { command: TRUE_BIN } };
  if (dependsOn !== undefined && dependsOn.length > 0) spec.dependsOn = dependsOn;
  return spec;
}

function workflow(name: string, tasks: TaskSpec[]): WorkflowSpec {
  return { name, tasks };
}

/** `count` tasks with no dependencies. */
export function independent(count: number): WorkflowSpec {
  return workflow(`bench-independent-${count}`, Array.from({ length: count }, (_, i) => task(taskName('t', i))));
}

/** `length` tasks, each depending on the one before. */
export function chain(length: number): WorkflowSpec {
  return workflow(
    `bench-chain-${length}`,
    Array.from({ length }, (_, i) => task(taskName('t', i), i === 0 ? undefined : [taskName('t', i - 1)])),
  );
}

/** `layers` layers of `width` tasks; every task of layer k depends on every task of layer k-1. */
export function layered(layers: number, width: number): WorkflowSpec {
  const tasks: TaskSpec[] = [];
  let previous: string[] = [];
  for (let layer = 0; layer < layers; layer++) {
    const names = Array.from({ length: width }, (_, i) => `l${String(layer).padStart(2, '0')}_${taskName('t', i, 3)}`);
    for (const name of names) tasks.push(task(name, [...previous]));
    previous = names;
  }
  return workflow(`bench-layers-${layers}x${width}`, tasks);
}

/** `chains` independent chains of `length` tasks each (task `c012_t0034`). */
export function parallelChains(chains: number, length: number): WorkflowSpec {
  const tasks: TaskSpec[] = [];
  for (let c = 0; c < chains; c++) {
    const prefix = `${taskName('c', c, 3)}_t`;
    for (let i = 0; i < length; i++) tasks.push(task(taskName(prefix, i), i === 0 ? undefined : [taskName(prefix, i - 1)]));
  }
  return workflow(`bench-chains-${chains}x${length}`, tasks);
}
