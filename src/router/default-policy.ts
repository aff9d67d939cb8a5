// The built-in routing rules: the lane matrix of the design, written as data in the same form a
// project writes its own rules, so `tandem route --print-policy` shows exactly what decides.
// Order matters (first match wins): explicit marks, then the declared type, then what the tasks
// do, then the catch-all.
import type { RoutingRule } from './types.js';

/** A dependency chain longer than this counts as complex orchestration for an untyped workflow. */
export const DEEP_CHAIN_THRESHOLD = 5;

const UNTYPED = 'features.declaredType == null';
/** ML signals: caching together with metrics or ML artifacts. */
const ML_WORK = 'features.usesCaching && (features.emitsMetrics || size(features.mlArtifacts) > 0)';
/** What Argo orchestrates better than a KFP pipeline: run-time fan-out, branches, exit handlers, deep chains. */
const ORCHESTRATION = `(features.dynamicFanOut || features.conditions || features.exitHandler || features.depth > ${DEEP_CHAIN_THRESHOLD})`;

export const DEFAULT_RULES: readonly RoutingRule[] = [
  {
    name: 'mixed-task-lanes',
    when: 'size(features.taskLanes) > 1',
    lane: 'hybrid',
    reason: 'Tasks marked for different lanes make a hybrid: Argo orchestrates the workflow and runs the kubeflow tasks as KFP pipelines.',
  },
  {
    name: 'declared-ml',
    when: "features.declaredType in ['ml-training', 'model-evaluation']",
    lane: 'kubeflow',
    reason: 'ML training and model evaluation run on Kubeflow Pipelines, which caches components and tracks metrics.',
  },
  {
    name: 'declared-hybrid',
    when: "features.declaredType == 'hybrid'",
    lane: 'hybrid',
    reason: 'A hybrid workflow is orchestrated by Argo, with its ML steps run as KFP pipelines.',
  },
  {
    name: 'declared-orchestration',
    when: "features.declaredType in ['batch', 'ingestion', 'dag']",
    lane: 'argo',
    reason: 'Batch jobs, document ingestion and DAGs run on Argo Workflows.',
  },
  {
    name: 'ml-in-orchestration',
    when: `${UNTYPED} && ${ML_WORK} && ${ORCHESTRATION}`,
    lane: 'hybrid',
    reason: 'ML work inside complex orchestration is a hybrid: Argo orchestrates the workflow and the ML steps run as KFP pipelines.',
  },
  {
    name: 'ml-pipeline',
    when: `${UNTYPED} && ${ML_WORK}`,
    lane: 'kubeflow',
    reason: 'ML work (caching, with metrics or ML artifacts) runs on Kubeflow Pipelines.',
  },
  {
    name: 'everything-else',
    when: 'true',
    lane: 'argo',
    reason: 'No earlier rule matched, so Argo Workflows, the general-purpose engine, runs it.',
  },
];
