// What every part of the Argo compiler shares while compiling one workflow: the spec, resolved
// options, the tasks by name, the Argo template name chosen for each task, and one way to refuse
// a feature (CompileError naming workflow, task and field).
import { CompileError } from '../../../errors.js';
import type { TaskSpec, WorkflowSpec } from '../../../spec/schema.js';
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
    // Argo template names allow letters, digits and '-' only: `load_data` becomes `load-data`.
    const used = new Set([ENTRY_TEMPLATE, EXIT_TEMPLATE]);
    for (const name of this.tasks.keys()) {
      const base = name.replace(/_/g, '-').replace(/^-+|-+$/g, '') || 'task';
      let candidate = base;
      for (let n = 2; used.has(candidate) || used.has(`${candidate}-loop`); n++) candidate = `${base}-${n}`;
      used.add(candidate);
      used.add(`${candidate}-loop`);
      this.templateNames.set(name, candidate);
    }
  }

  /** The Argo template that runs a task (a forEach with parallelism also gets `<name>-loop`). */
  templateName(task: string): string {
    return this.templateNames.get(task) ?? task;
  }

  where(task?: string, field?: string): string {
    return [`workflow ${this.spec.name}`, task !== undefined ? `task ${task}` : undefined, field].filter(Boolean).join(', ');
  }

  fail(feature: string, task: string | undefined, field: string | undefined, reason: string): never {
    throw new CompileError('argo', feature, this.where(task, field), reason);
  }
}
