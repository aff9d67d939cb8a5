// Graph analysis of a workflow: each task's upstream tasks (declared with dependsOn, or implied
// by a `tasks.X...` reference anywhere in the task), a topological order, and cycles.
import { referencesInExpression, referencesInValue, type Reference } from '../expr/references.js';
import type { TaskSpec } from './schema.js';

/** Parts of a task that may hold `{{ }}` templates, in evaluation order. */
function templatedParts(task: TaskSpec): Array<{ field: string; value: unknown }> {
  const parts: Array<{ field: string; value: unknown }> = [];
  if (task.forEach !== undefined && typeof task.forEach === 'string') parts.push({ field: 'forEach', value: task.forEach });
  if (Array.isArray(task.forEach)) parts.push({ field: 'forEach', value: task.forEach });
  if (task.inputs !== undefined) parts.push({ field: 'inputs', value: task.inputs });
  if (task.process) parts.push({ field: 'process', value: task.process });
  if (task.script) parts.push({ field: 'script', value: task.script });
  if (task.node) parts.push({ field: 'node', value: task.node });
  return parts;
}

/** Every reference a task makes, from its templates and its `when` condition. */
export function taskReferences(task: TaskSpec): Reference[] {
  const found: Reference[] = [];
  for (const part of templatedParts(task)) found.push(...referencesInValue(part.value));
  if (task.when !== undefined) found.push(...referencesInExpression(task.when));
  return found;
}

/** Upstream task names: dependsOn plus every task whose outputs the task references. */
export function taskUpstreams(task: TaskSpec): string[] {
  const upstream = new Set(task.dependsOn ?? []);
  for (const ref of taskReferences(task)) {
    if (ref.root === 'tasks' && ref.path[0] !== undefined) upstream.add(ref.path[0]);
  }
  upstream.delete(task.name);
  return [...upstream];
}

export interface TaskGraph {
  /** Upstream names per task, restricted to tasks of the same group (main or finally). */
  upstreams: Map<string, string[]>;
  downstreams: Map<string, string[]>;
  /** A topological order, when the graph has no cycle. */
  order: string[];
  /** Each cycle found, as the list of task names around it (first name repeated at the end). */
  cycles: string[][];
}

/** Builds the graph of one group of tasks (the main tasks, or the finally tasks). */
export function buildGraph(tasks: readonly TaskSpec[]): TaskGraph {
  const names = new Set(tasks.map((t) => t.name));
  const upstreams = new Map<string, string[]>();
  const downstreams = new Map<string, string[]>();
  for (const task of tasks) downstreams.set(task.name, []);
  for (const task of tasks) {
    const ups = taskUpstreams(task).filter((name) => names.has(name));
    upstreams.set(task.name, ups);
    for (const up of ups) downstreams.get(up)?.push(task.name);
  }
  const { order, cycles } = topologicalOrder([...names], upstreams);
  return { upstreams, downstreams, order, cycles };
}

function topologicalOrder(names: string[], upstreams: Map<string, string[]>): { order: string[]; cycles: string[][] } {
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];
  const cycles: string[][] = [];
  const stack: string[] = [];
  // Iterative depth-first search, so a chain of thousands of tasks cannot overflow the call stack.
  for (const start of names) {
    if (state.has(start)) continue;
    const frames: Array<{ name: string; next: number }> = [{ name: start, next: 0 }];
    state.set(start, 'visiting');
    stack.push(start);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const ups = upstreams.get(frame.name) ?? [];
      if (frame.next < ups.length) {
        const up = ups[frame.next++]!;
        const seen = state.get(up);
        if (seen === 'visiting') {
          const from = stack.indexOf(up);
          cycles.push([...stack.slice(from), up]);
        } else if (seen === undefined) {
          state.set(up, 'visiting');
          stack.push(up);
          frames.push({ name: up, next: 0 });
        }
      } else {
        state.set(frame.name, 'done');
        stack.pop();
        frames.pop();
        order.push(frame.name);
      }
    }
  }
  return { order, cycles };
}
