// The engine-overhead baseline: a plain topological walk of a workflow's graph in memory, with no
// store and no events: Kahn's algorithm over dependsOn, at most `concurrency` tasks in flight.
import type { WorkflowSpec } from '../../src/spec/schema.js';

/** Bare bookkeeping: indegree counts, a ready queue, `concurrency` workers awaiting the no-op. */
export function topologicalWalk(
  spec: WorkflowSpec,
  concurrency: number,
  run: () => Promise<{ exitCode: number | null }>,
): Promise<number> {
  const indegree = new Map<string, number>();
  const downstream = new Map<string, string[]>();
  for (const task of spec.tasks) {
    indegree.set(task.name, task.dependsOn?.length ?? 0);
    for (const up of task.dependsOn ?? []) {
      const list = downstream.get(up);
      if (list === undefined) downstream.set(up, [task.name]);
      else list.push(task.name);
    }
  }
  const ready = spec.tasks.filter((t) => (t.dependsOn?.length ?? 0) === 0).map((t) => t.name);
  let done = 0;
  let running = 0;
  return new Promise((resolve, reject) => {
    const pump = (): void => {
      while (running < concurrency && ready.length > 0) {
        const name = ready.pop() as string;
        running++;
        run().then((result) => {
          if (result.exitCode !== 0) {
            reject(new Error(`${name} failed`));
            return;
          }
          running--;
          done++;
          for (const next of downstream.get(name) ?? []) {
            const left = (indegree.get(next) ?? 0) - 1;
            indegree.set(next, left);
            if (left === 0) ready.push(next);
          }
          if (done === spec.tasks.length) resolve(done);
          else pump();
        }, reject);
      }
    };
    pump();
  });
}
