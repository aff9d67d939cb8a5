// Which engine executes a lane, from the `lanes` configuration: the kubeflow lane runs on `local`
// or `kfp`, the argo lane on `local` or `argo`, and the hybrid lane is orchestrated by the argo
// lane's engine while its ML steps go to the kubeflow lane's engine.
import type { Lane } from '../spec/schema.js';
import type { EngineName, LanesConfig } from './types.js';

export const DEFAULT_LANES: LanesConfig = { kubeflow: { engine: 'local' }, argo: { engine: 'local' } };

/** In a hybrid workflow, Argo orchestrates and the ML steps are KFP pipelines. */
export type LaneStep = 'orchestration' | 'ml';

/** The engine that executes `lane` (for hybrid: the given step of it). */
export function resolveEngine(lane: Lane, config: { lanes: LanesConfig }, step: LaneStep = 'orchestration'): EngineName {
  switch (lane) {
    case 'kubeflow':
      return config.lanes.kubeflow.engine;
    case 'argo':
      return config.lanes.argo.engine;
    case 'hybrid':
      return step === 'ml' ? config.lanes.kubeflow.engine : config.lanes.argo.engine;
  }
}

/** Both engines of a lane: the orchestrating one, and the one its ML steps run on. */
export function laneEngines(lane: Lane, config: { lanes: LanesConfig }): { orchestration: EngineName; ml: EngineName } {
  return { orchestration: resolveEngine(lane, config, 'orchestration'), ml: resolveEngine(lane, config, 'ml') };
}
