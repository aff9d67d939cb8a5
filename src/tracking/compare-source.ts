// Reads what a comparison needs from the store: the runs named, or an experiment's runs (oldest
// first, at most `limit`, the newest kept), each with its metrics and what its task runs consumed.
import { NotFoundError } from '../errors.js';
import type { RunReader, RunRecord } from '../store/ports/runs.js';
import type { TrackingStore } from '../store/ports/tracking.js';
import type { CompareInput } from './compare.js';
import { EmptyExperimentError } from './experiments.js';

export const DEFAULT_COMPARE_LIMIT = 50;

export async function loadRunsForCompare(store: RunReader, runIds: readonly string[]): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  for (const id of new Set(runIds)) {
    const run = await store.getRun(id);
    if (!run) throw new NotFoundError('run', id);
    runs.push(run);
  }
  return runs;
}

export async function loadExperimentRuns(store: RunReader & TrackingStore, experiment: string, limit = DEFAULT_COMPARE_LIMIT): Promise<RunRecord[]> {
  const runs = await store.listRuns({ experiment, limit });
  if (runs.length === 0) {
    const known = (await store.listExperiments()).slice(0, 10).map((e) => e.name);
    throw new EmptyExperimentError(experiment, known);
  }
  return runs.reverse();
}

export async function compareInputs(store: RunReader & TrackingStore, runs: readonly RunRecord[]): Promise<CompareInput[]> {
  return Promise.all(
    runs.map(async (run) => {
      const [metrics, inputs] = await Promise.all([store.listMetrics(run.id), store.listTaskInputs(run.id)]);
      return { run, metrics, inputs };
    }),
  );
}
