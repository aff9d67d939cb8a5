// Synthetic workflow specs for the router tests: small builders so each test states only the
// parts of a workflow that matter to the decision.
import type { TaskSpec, WorkflowSpec } from '../../src/spec/schema.js';

/** A task with a trivial runner; `extra` adds what the test is about. */
export function task(name: string, extra: Partial<TaskSpec> = {}): TaskSpec {
  return { name, script: { source: 'true' }, ...extra };
}

/** A chain a -> b -> c ... of `n` tasks named t1..tn. */
export function chain(n: number, extra: Partial<TaskSpec> = {}): TaskSpec[] {
  return Array.from({ length: n }, (_, i) => task(`t${i + 1}`, { ...(i > 0 ? { dependsOn: [`t${i}`] } : {}), ...extra }));
}

export function workflow(tasks: TaskSpec[], extra: Partial<WorkflowSpec> = {}): WorkflowSpec {
  return { name: 'synthetic', tasks, ...extra };
}

/** The smallest ML pipeline: cached training that outputs a Model, then an evaluation. */
export function mlTasks(): TaskSpec[] {
  return [
    task('train', { cache: { enabled: true }, outputs: { model: { type: 'Model', path: 'model.json' } } }),
    task('evaluate', { inputs: { model: '{{ tasks.train.outputs.model }}' }, outputs: { accuracy: { type: 'number' } } }),
  ];
}
