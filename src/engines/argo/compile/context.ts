// What every part of the Argo compiler shares while compiling one workflow: the spec, resolved
// options, the tasks by name, the Argo name chosen for each task (its DAG task and its template
// share it), and one way to refuse a feature (CompileError naming workflow, task and field).
import { CompileError } from '../../../errors.js';
import type { TaskSpec, WorkflowSpec } from '../../../spec/schema.js';
import { argoFieldName } from './names.js';
import { ENTRY_TEMPLATE, EXIT_TEMPLATE, type ResolvedOptions } from './options.js';

export class CompileContext {
  readonly tasks = new Map<string, TaskSpec>();
  readonly finallyTasks: ReadonlySet<string>;
  private readonly templateNames = new Map<string, string>();

  constructor(
    readonly spec: WorkflowSpec,
    readonly options: ResolvedOptions,
  ) {
    for (const task of [...spec.tasks, ...(spec.finally ?? [])]) this.tasks.set(task.name, task);
    this.finallyTasks = new Set((spec.finally ?? []).map((task) => task.name));
    // Argo names allow letters, digits and '-' only: `load_data` becomes `load-data` (names.ts).
    // Tasks are taken in spec order, so the same spec always gets the same names.
    const used = new Set([ENTRY_TEMPLATE, EXIT_TEMPLATE]);
    for (const name of this.tasks.keys()) {
      const base = argoFieldName(name);
      let candidate = base;
      for (let n = 2; used.has(candidate) || used.has(`${candidate}-loop`); n++) candidate = `${base}-${n}`;
      used.add(candidate);
      used.add(`${candidate}-loop`);
      this.templateNames.set(name, candidate);
    }
  }

  /** The Argo name of a task: its DAG task and the template that runs it (a forEach with parallelism also gets `<name>-loop`). */
  templateName(task: string): string {
    return this.templateNames.get(task) ?? task;
  }

  /** tandem task names Argo knows by another name (Argo name → tandem name), to map status back. */
  renamedTasks(): Record<string, string> {
    return Object.fromEntries([...this.templateNames].filter(([tandem, argo]) => tandem !== argo).map(([tandem, argo]) => [argo, tandem]));
  }

  where(task?: string, field?: string): string {
    return [`workflow ${this.spec.name}`, task !== undefined ? `task ${task}` : undefined, field].filter(Boolean).join(', ');
  }

  fail(feature: string, task: string | undefined, field: string | undefined, reason: string): never {
    throw new CompileError('argo', feature, this.where(task, field), reason);
  }
}
