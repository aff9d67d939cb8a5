// A forEach over the artifacts of another forEach (`evaluate` over `tasks.train.outputs.model`).
// KFP IR could say this with an artifactIterator, but the open-source backend refuses one ("artifact
// iterator not implemented yet", in its Argo compiler and in the driver). So the task is placed in
// the producer's own for-loop sub-DAG instead, beside the producer: iteration i runs it on the
// artifact iteration i produced, which is the item tandem's forEach hands it (a loop's outputs are
// collected in iteration order). This iterates over the producer's items, as the KFP SDK iterates
// over indices, and both tasks' outputs are still collected by the loop for the tasks after it.
import { parseTemplate } from '../../../expr/template.js';
import type { TaskSpec } from '../../../spec/schema.js';
import type { CompileContext } from './context.js';
import type { Scope, Source } from './scopes.js';

const FEATURE = "forEach over a loop's artifacts";

export interface FusedLoop {
  /** The producer's loop scope, which the task joins. */
  loop: Scope;
  /** What `item` is for the task: the producer's artifact output in the same iteration. */
  item: Source & { kind: 'output' };
}

/** The loop `task` joins, when its forEach iterates over a looped task's artifact output; else undefined. */
export function fusedLoop(ctx: CompileContext, task: TaskSpec): FusedLoop | undefined {
  if (typeof task.forEach !== 'string') return undefined;
  const parts = parseTemplate(task.forEach);
  const [only] = parts;
  if (parts.length !== 1 || only?.kind !== 'expr') return undefined;
  const resolved = ctx.resolve(only.source, task.name, undefined);
  if (resolved.kind !== 'source' || resolved.source.kind !== 'output' || resolved.source.def.kind !== 'artifact') return undefined;
  const source = resolved.source;
  const producer = ctx.task(source.task);
  if (producer.forEach === undefined) return undefined;
  const location = ctx.locations.get(source.task);
  if (!location || location.scope.kind !== 'loop') {
    return ctx.fail(FEATURE, task.name, `${source.task} runs under a condition on its item, so its iterations do not line up with a list of its artifacts; KFP's backend has no artifact iterator`);
  }
  // Joining the producer's loop makes everything else the task waits for an input of that loop;
  // a task that itself waits for the producer's loop would then close a cycle.
  const graph = ctx.mainGraph();
  const downstream = reachable(source.task, graph.downstreams);
  for (const upstream of graph.upstreams.get(task.name) ?? []) {
    if (upstream !== source.task && downstream.has(upstream)) {
      return ctx.fail(FEATURE, task.name, `it also waits for ${upstream}, which runs after the loop of ${source.task}; KFP's backend has no artifact iterator to run it after that loop`);
    }
  }
  return { loop: location.scope, item: source };
}

/** Tightens the joined loop's parallelism to the task's own limit: both limits then hold. */
export function joinParallelism(loop: Scope, parallelism: number | undefined): void {
  if (parallelism === undefined || !loop.task) return;
  const policy = loop.task.spec.iteratorPolicy as { parallelismLimit?: number } | undefined;
  const current = policy?.parallelismLimit;
  loop.task.spec.iteratorPolicy = { parallelismLimit: current === undefined ? parallelism : Math.min(current, parallelism) };
}

function reachable(from: string, edges: ReadonlyMap<string, readonly string[]>): Set<string> {
  const seen = new Set<string>();
  const queue = [from];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const to of edges.get(next) ?? []) {
      if (!seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return seen;
}
