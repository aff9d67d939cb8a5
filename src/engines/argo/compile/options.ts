// Options of the Argo compiler and their defaults: which kind of manifest, where the workflow's
// files live inside the task images, the names of the cluster objects (ConfigMaps) that
// memoization and semaphores need, and the artifact repository. Resolved once so every other
// module reads plain values.
import type { ArgoArtifactRepository } from './artifacts.js';

type ArgoKind = 'Workflow' | 'WorkflowTemplate' | 'CronWorkflow';

interface ArgoSchedule {
  /** Cron expressions; compiled to CronWorkflow `spec.schedules`. */
  schedules: string[];
  timezone?: string;
  concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  startingDeadlineSeconds?: number;
}

export interface ArgoCompileOptions {
  /** Workflow (default), WorkflowTemplate, or CronWorkflow (implied by `schedule`). */
  kind?: ArgoKind;
  schedule?: ArgoSchedule;
  namespace?: string;
  serviceAccountName?: string;
  /** Image of process and script tasks without `image` or `defaults.image`; default node:20-slim (examples run `node` in process tasks). */
  defaultImage?: string;
  /** Image of `node` tasks without an image of their own; default node:20-slim. */
  nodeImage?: string;
  /** Where the workflow file's folder is inside the images (the working directory); default /workspace. */
  projectDir?: string;
  /** Memoization cache ConfigMap (for `cache`); default tandem-cache. */
  cacheConfigMap?: string;
  /** Semaphore ConfigMaps are named `<prefix>-<semaphore>`, each holding the limit under `limit`; default tandem-semaphore. */
  semaphoreConfigMapPrefix?: string;
  /** Where artifacts are kept (tandem.yaml `artifacts`); default: the controller's default artifact repository. */
  artifacts?: ArgoArtifactRepository;
}

/** Fixed places inside every task container. */
export const CONTAINER_PATHS = {
  /** $TANDEM_OUTPUTS: an emptyDir volume, so tasks can write into it without creating it. */
  outputsDir: '/tmp/tandem/outputs',
  /** $TANDEM_INPUTS: artifact inputs are placed here (one file or folder per input). */
  inputsDir: '/tmp/tandem/inputs',
  metricsFile: '/tmp/tandem/metrics.jsonl',
  /** Where the node bootstrap writes the values a node task returned, one file per output. */
  returnedDir: '/tmp/tandem/returned',
} as const;

export const OUTPUTS_VOLUME = 'tandem-outputs';
export const ENTRY_TEMPLATE = 'tandem-main';
export const EXIT_TEMPLATE = 'tandem-finally';
/** Memoize maxAge when `cache.maxAge` is absent (tandem: no expiry). */
export const NO_EXPIRY = '87600h';

export interface ResolvedOptions {
  kind: ArgoKind;
  schedule?: ArgoSchedule;
  namespace?: string;
  serviceAccountName?: string;
  defaultImage: string;
  nodeImage: string;
  projectDir: string;
  cacheConfigMap: string;
  semaphoreConfigMapPrefix: string;
  artifacts?: ArgoArtifactRepository;
}

export function resolveOptions(options: ArgoCompileOptions = {}): ResolvedOptions {
  const kind: ArgoKind = options.schedule ? 'CronWorkflow' : (options.kind ?? 'Workflow');
  return {
    kind,
    ...(options.schedule ? { schedule: options.schedule } : {}),
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    ...(options.serviceAccountName !== undefined ? { serviceAccountName: options.serviceAccountName } : {}),
    defaultImage: options.defaultImage ?? 'node:20-slim',
    nodeImage: options.nodeImage ?? 'node:20-slim',
    projectDir: (options.projectDir ?? '/workspace').replace(/\/+$/, '') || '/',
    cacheConfigMap: options.cacheConfigMap ?? 'tandem-cache',
    semaphoreConfigMapPrefix: options.semaphoreConfigMapPrefix ?? 'tandem-semaphore',
    ...(options.artifacts !== undefined ? { artifacts: options.artifacts } : {}),
  };
}
