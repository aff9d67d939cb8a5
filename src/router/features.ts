// What the router looks at: a handful of facts computed from a workflow spec alone (no run, no
// config), each with its evidence — the tasks or places that gave it its value — so a decision can
// name them. The values are plain JSON, which is also what routing rules see as `features` in CEL.
import { referencesInValue } from '../expr/references.js';
import { isInputDecl } from '../spec/input-types.js';
import type { ArtifactType, TaskSpec, WorkflowSpec, WorkflowType } from '../spec/schema.js';
import { dagShape } from './shape.js';

/** Artifact types that mark ML work: what KFP pipelines produce and consume. */
export const ML_ARTIFACT_TYPES = ['Dataset', 'Model', 'Metrics', 'ClassificationMetrics'] as const;
type MlArtifactType = (typeof ML_ARTIFACT_TYPES)[number];
type TaskLane = 'kubeflow' | 'argo';

export const FEATURE_NAMES = [
  'declaredType',
  'taskLanes',
  'usesCaching',
  'emitsMetrics',
  'mlArtifacts',
  'dynamicFanOut',
  'conditions',
  'exitHandler',
  'parallelismLimits',
  'retryPolicies',
  'taskCount',
  'depth',
  'width',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** The values, as routing rules see them (`features.usesCaching`, `size(features.mlArtifacts) > 0`...). */
export interface FeatureValues {
  /** The workflow's `type`, or null when it declares none. */
  declaredType: WorkflowType | null;
  /** The distinct `lane` marks on tasks, sorted; two entries mean the tasks disagree. */
  taskLanes: TaskLane[];
  /** Some task caches its results (its own cache block, or defaults.cache), unless `enabled: false`. */
  usesCaching: boolean;
  /** The workflow declares `metrics`, or a task outputs Metrics or ClassificationMetrics. */
  emitsMetrics: boolean;
  /** The ML artifact types among task outputs and typed inputs, sorted. */
  mlArtifacts: MlArtifactType[];
  /** Some forEach iterates over an upstream task's output, so its width is known only at run time. */
  dynamicFanOut: boolean;
  /** Some task has a `when` condition. */
  conditions: boolean;
  /** The workflow has `finally` tasks. */
  exitHandler: boolean;
  /** Workflow or forEach `parallelism`, or a mutex/semaphore, limits concurrency. */
  parallelismLimits: boolean;
  /** Some task retries (its own retry, or defaults.retry), with a limit above 0. */
  retryPolicies: boolean;
  /** Main and finally tasks. */
  taskCount: number;
  /** Tasks on the longest dependency chain of the main tasks. */
  depth: number;
  /** The most main tasks at one level of the graph: how many can run side by side. */
  width: number;
}

/**
 * Per feature, the places that gave it its value: task names (`train`, `train (kubeflow)`,
 * `train.outputs.model (Model)`), or workflow-level places, which always hold a dot
 * (`defaults.cache`, `defaults.retry`, `metrics.accuracy`, `workflow.parallelism`, `workflow.type`).
 */
type FeatureEvidence = Record<FeatureName, string[]>;

export interface WorkflowFeatures extends FeatureValues {
  evidence: FeatureEvidence;
}

const METRIC_ARTIFACTS: ReadonlySet<string> = new Set(['Metrics', 'ClassificationMetrics']);
const ML_TYPES: ReadonlySet<string> = new Set(ML_ARTIFACT_TYPES);

/** Computes every feature of a (validated) workflow spec. Pure: the same spec gives the same features. */
export function computeFeatures(spec: WorkflowSpec): WorkflowFeatures {
  const main = spec.tasks;
  const all = [...main, ...(spec.finally ?? [])];
  const evidence = Object.fromEntries(FEATURE_NAMES.map((name) => [name, [] as string[]])) as FeatureEvidence;

  if (spec.type !== undefined) evidence.declaredType.push('workflow.type');

  const lanes = new Set<TaskLane>();
  for (const task of all) {
    if (task.lane === undefined) continue;
    lanes.add(task.lane);
    evidence.taskLanes.push(`${task.name} (${task.lane})`);
  }

  // A task that merely inherits defaults.cache is listed under `defaults.cache`, not by name.
  const defaultCache = spec.defaults?.cache;
  if (defaultCache !== undefined && defaultCache.enabled !== false && all.some((task) => task.cache === undefined)) {
    evidence.usesCaching.push('defaults.cache');
  }
  for (const task of all) if (ownCachingOn(task, spec)) evidence.usesCaching.push(task.name);

  for (const name of Object.keys(spec.metrics ?? {})) evidence.emitsMetrics.push(`metrics.${name}`);
  const artifacts = new Set<MlArtifactType>();
  for (const task of all) {
    const found = mlArtifactsOf(task);
    for (const use of found) {
      artifacts.add(use.type);
      evidence.mlArtifacts.push(`${task.name}.${use.where} (${use.type})`);
    }
    if (found.some((use) => use.where.startsWith('outputs.') && METRIC_ARTIFACTS.has(use.type))) evidence.emitsMetrics.push(task.name);
  }

  for (const task of all) {
    if (typeof task.forEach === 'string' && referencesInValue(task.forEach).some((ref) => ref.root === 'tasks')) {
      evidence.dynamicFanOut.push(task.name);
    }
    if (task.when !== undefined) evidence.conditions.push(task.name);
    if (task.parallelism !== undefined) evidence.parallelismLimits.push(task.name);
    if (task.synchronization !== undefined) evidence.parallelismLimits.push(task.name);
    if (task.retry !== undefined && task.retry.limit > 0) evidence.retryPolicies.push(task.name);
  }
  if (spec.parallelism !== undefined) evidence.parallelismLimits.unshift('workflow.parallelism');
  if (spec.defaults?.retry !== undefined && spec.defaults.retry.limit > 0) evidence.retryPolicies.unshift('defaults.retry');
  evidence.parallelismLimits = [...new Set(evidence.parallelismLimits)];
  for (const task of spec.finally ?? []) evidence.exitHandler.push(task.name);

  const shape = dagShape(main);
  evidence.depth = shape.longestChain;
  evidence.width = shape.widestLevel;

  return {
    declaredType: spec.type ?? null,
    taskLanes: [...lanes].sort(),
    usesCaching: evidence.usesCaching.length > 0,
    emitsMetrics: evidence.emitsMetrics.length > 0,
    mlArtifacts: ML_ARTIFACT_TYPES.filter((type) => artifacts.has(type)),
    dynamicFanOut: evidence.dynamicFanOut.length > 0,
    conditions: evidence.conditions.length > 0,
    exitHandler: evidence.exitHandler.length > 0,
    parallelismLimits: evidence.parallelismLimits.length > 0,
    retryPolicies: evidence.retryPolicies.length > 0,
    taskCount: all.length,
    depth: shape.longestChain.length,
    width: shape.widestLevel.length,
    evidence,
  };
}

/** The feature values alone, without evidence: what CEL rules see as `features`. */
export function featureValues(features: WorkflowFeatures): FeatureValues {
  const values: Partial<Record<FeatureName, unknown>> = {};
  for (const name of FEATURE_NAMES) values[name] = features[name];
  return values as FeatureValues;
}

/** Whether a task's own cache block turns caching on: `enabled` there, else in defaults.cache, else on. */
function ownCachingOn(task: TaskSpec, spec: WorkflowSpec): boolean {
  if (task.cache === undefined) return false;
  return (task.cache.enabled ?? spec.defaults?.cache?.enabled ?? true) !== false;
}

interface ArtifactUse {
  type: MlArtifactType;
  /** `outputs.model` or `inputs.data`. */
  where: string;
}

function mlArtifactsOf(task: TaskSpec): ArtifactUse[] {
  const uses: ArtifactUse[] = [];
  for (const [name, output] of Object.entries(task.outputs ?? {})) {
    if (isMlType(output.type)) uses.push({ type: output.type, where: `outputs.${name}` });
  }
  for (const [name, input] of Object.entries(task.inputs ?? {})) {
    if (isInputDecl(input) && isMlType(input.type)) uses.push({ type: input.type, where: `inputs.${name}` });
  }
  return uses;
}

function isMlType(type: string | undefined): type is MlArtifactType & ArtifactType {
  return type !== undefined && ML_TYPES.has(type);
}
