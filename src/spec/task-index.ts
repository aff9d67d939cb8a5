// Every task of a workflow indexed once by name, with its group and JSON pointer, so semantic
// checks look names up in constant time even in a workflow of ten thousand tasks.
import { pointer } from './positions.js';
import type { TaskSpec, WorkflowSpec } from './schema.js';

export type TaskGroup = 'main' | 'finally';

export interface IndexedTask {
  task: TaskSpec;
  group: TaskGroup;
  /** JSON pointer of the task: `/tasks/3` or `/finally/0`. */
  path: string;
}

export interface TaskIndex {
  /** First definition of each name. */
  byName: Map<string, IndexedTask>;
  /** Every task in document order (duplicates included). */
  all: IndexedTask[];
  /** Later definitions of an already used name. */
  duplicates: IndexedTask[];
}

export function indexTasks(spec: WorkflowSpec): TaskIndex {
  const byName = new Map<string, IndexedTask>();
  const all: IndexedTask[] = [];
  const duplicates: IndexedTask[] = [];
  const add = (tasks: readonly TaskSpec[], group: TaskGroup, field: string): void => {
    tasks.forEach((task, i) => {
      const entry = { task, group, path: pointer(field, i) };
      all.push(entry);
      if (byName.has(task.name)) duplicates.push(entry);
      else byName.set(task.name, entry);
    });
  };
  add(spec.tasks, 'main', 'tasks');
  add(spec.finally ?? [], 'finally', 'finally');
  return { byName, all, duplicates };
}
