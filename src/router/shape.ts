// The shape of a workflow's main task graph, for routing: the longest dependency chain (depth)
// and the largest set of tasks at one level (width). A task's level is one more than its deepest
// upstream, so tasks on the same level never depend on each other and could run side by side.
import { buildGraph } from '../spec/graph.js';
import type { TaskSpec } from '../spec/schema.js';

export interface DagShape {
  /** Task names along one longest chain, from a root to a leaf. */
  longestChain: string[];
  /** Task names on the most populated level (the first such level on a tie). */
  widestLevel: string[];
}

export function dagShape(tasks: readonly TaskSpec[]): DagShape {
  if (tasks.length === 0) return { longestChain: [], widestLevel: [] };
  const graph = buildGraph(tasks);
  const level = new Map<string, number>();
  const via = new Map<string, string>();
  // The topological order visits every upstream first; a cycle (rejected by validation anyway)
  // only makes a level too small, never loops.
  for (const name of graph.order) {
    let best = 0;
    for (const up of graph.upstreams.get(name) ?? []) {
      const upLevel = level.get(up) ?? 0;
      if (upLevel > best) {
        best = upLevel;
        via.set(name, up);
      }
    }
    level.set(name, best + 1);
  }

  let deepest = graph.order[0] ?? '';
  for (const name of graph.order) if ((level.get(name) ?? 0) > (level.get(deepest) ?? 0)) deepest = name;
  const longestChain: string[] = [];
  for (let at: string | undefined = deepest; at !== undefined; at = via.get(at)) longestChain.unshift(at);

  const levels = new Map<number, string[]>();
  for (const task of tasks) {
    const n = level.get(task.name) ?? 1;
    const members = levels.get(n) ?? [];
    members.push(task.name);
    levels.set(n, members);
  }
  let widestLevel: string[] = [];
  for (const n of [...levels.keys()].sort((a, b) => a - b)) {
    const members = levels.get(n) ?? [];
    if (members.length > widestLevel.length) widestLevel = members;
  }
  return { longestChain, widestLevel };
}
