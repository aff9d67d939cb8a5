// Task policies as Argo template fields: retry → retryStrategy, timeout → activeDeadlineSeconds,
// cache → memoize, synchronization → mutexes/semaphores, resources → container resources. A
// task's own setting wins over `defaults`, as on the embedded engine. What Argo cannot express
// (a fractional backoff factor, gpu requests, caching with artifact inputs) is a CompileError.
import { createHash } from 'node:crypto';
import { durationMs } from '../../../spec/duration.js';
import { CompileError } from '../../../errors.js';
import type { Duration, TaskSpec, WorkflowSpec } from '../../../spec/schema.js';
import type { CompileContext } from './context.js';
import { objectName } from './names.js';
import { NO_EXPIRY, type ResolvedOptions } from './options.js';
import type { TemplateScope } from './scope.js';
import { tagsToExpr } from './tag-expr.js';

type Json = Record<string, unknown>;

const RETRY_POLICIES = { always: 'Always', 'on-failure': 'OnFailure', 'on-error': 'OnError' } as const;

/** A Go duration ("90s", "250ms") as Argo parses it; tandem's "1d" has no Go unit. */
function goDuration(duration: Duration): string {
  const ms = durationMs(duration);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${Math.round(ms)}ms`;
}

export function retryStrategy(ctx: CompileContext, task: TaskSpec): Json | undefined {
  const retry = task.retry ?? ctx.spec.defaults?.retry;
  if (!retry) return undefined;
  const backoff = retry.backoff;
  if (backoff?.factor !== undefined && !Number.isInteger(backoff.factor)) {
    ctx.fail('retry.backoff.factor', task.name, 'retry.backoff.factor', `Argo's backoff factor is an integer, found ${backoff.factor}`);
  }
  const argoBackoff: Json = {};
  if (backoff?.duration !== undefined) argoBackoff.duration = goDuration(backoff.duration);
  if (backoff?.factor !== undefined) argoBackoff.factor = backoff.factor;
  // tandem's maxDuration caps one delay, which is Argo's `cap` (Argo's maxDuration bounds all retries).
  if (backoff?.maxDuration !== undefined) argoBackoff.cap = goDuration(backoff.maxDuration);
  return {
    limit: retry.limit,
    retryPolicy: RETRY_POLICIES[retry.policy ?? 'on-failure'],
    ...(Object.keys(argoBackoff).length > 0 ? { backoff: argoBackoff } : {}),
  };
}

/** Per attempt, in whole seconds rounded up (Argo counts seconds). */
export function activeDeadlineSeconds(ctx: CompileContext, task: TaskSpec): number | undefined {
  const timeout = task.timeout ?? ctx.spec.defaults?.timeout;
  return timeout === undefined ? undefined : Math.max(1, Math.ceil(durationMs(timeout) / 1000));
}

export function synchronization(ctx: CompileContext, task: TaskSpec): Json | undefined {
  const sync = task.synchronization;
  if (!sync) return undefined;
  if ('mutex' in sync) return { mutexes: [{ name: sync.mutex }] };
  // Argo reads a semaphore's limit from a ConfigMap key; semaphoreConfigMaps() emits that ConfigMap.
  return { semaphores: [{ configMapKeyRef: { name: semaphoreConfigMapName(ctx.options, sync.semaphore.name), key: SEMAPHORE_LIMIT_KEY } }] };
}

const SEMAPHORE_LIMIT_KEY = 'limit';

/**
 * One ConfigMap per semaphore name, holding its limit. A semaphore binds every workflow that names
 * it (as on the embedded engine), so each workflow using it carries the same object: applying them
 * all leaves one ConfigMap, where a single shared ConfigMap of all limits would be overwritten by
 * each workflow's partial copy.
 */
function semaphoreConfigMapName(options: ResolvedOptions, semaphore: string): string {
  return objectName(options.semaphoreConfigMapPrefix, semaphore);
}

/** The ConfigMaps the workflow's semaphores read their limits from, sorted by name. */
export function semaphoreConfigMaps(spec: WorkflowSpec, options: ResolvedOptions): Json[] {
  const limits = new Map<string, number>();
  for (const task of [...spec.tasks, ...(spec.finally ?? [])]) {
    const sync = task.synchronization;
    if (!sync || !('semaphore' in sync)) continue;
    const known = limits.get(sync.semaphore.name);
    if (known !== undefined && known !== sync.semaphore.limit) {
      throw new CompileError('argo', 'synchronization', `workflow ${spec.name}, task ${task.name}, synchronization.semaphore`, `semaphore ${sync.semaphore.name} is declared with limits ${known} and ${sync.semaphore.limit}; Argo reads one limit per semaphore`);
    }
    limits.set(sync.semaphore.name, sync.semaphore.limit);
  }
  return [...limits]
    .map(([name, limit]) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: semaphoreConfigMapName(options, name),
        ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
        labels: { 'app.kubernetes.io/managed-by': 'tandem' },
        annotations: { 'tandem.dev/semaphore': name },
      },
      data: { [SEMAPHORE_LIMIT_KEY]: String(limit) },
    }))
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

export function containerResources(ctx: CompileContext, task: TaskSpec): Json | undefined {
  const resources = task.resources ?? ctx.spec.defaults?.resources;
  if (!resources) return undefined;
  if (resources.requests?.gpu !== undefined) {
    ctx.fail('resources.requests.gpu', task.name, 'resources.requests.gpu', 'nvidia.com/gpu is an extended resource set as a limit only; use resources.limits.gpu');
  }
  const out: Json = {};
  const requests = quantities(resources.requests);
  const limits = quantities(resources.limits);
  if (resources.limits?.gpu !== undefined) limits['nvidia.com/gpu'] = String(resources.limits.gpu);
  if (Object.keys(limits).length > 0) out.limits = limits;
  if (Object.keys(requests).length > 0) out.requests = requests;
  return Object.keys(out).length > 0 ? out : undefined;
}

function quantities(values: { cpu?: string; memory?: string } | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (values?.cpu !== undefined) out.cpu = values.cpu;
  if (values?.memory !== undefined) out.memory = values.memory;
  return out;
}

/**
 * memoize: the key is the task's definition (hashed), its cache version and extra key values,
 * every parameter input and every workflow param its runner reads. Artifact inputs cannot be
 * part of an Argo key (only their names are known), so caching such a task is refused.
 *
 * Argo's ConfigMap cache takes keys matching `[a-zA-Z0-9][-a-zA-Z0-9]*` only ("invalid cache
 * key" otherwise), and the values are known at run time only: the key is therefore a fixed hash
 * of what the compiler knows, then an expression hashing the values (sha256 of their JSON list).
 */
export function memoize(ctx: CompileContext, scope: TemplateScope): Json | undefined {
  const task = scope.task;
  const cache = task.cache ?? ctx.spec.defaults?.cache;
  if (!cache || cache.enabled === false) return undefined;
  const artifact = scope.args.find((arg) => arg.artifact);
  if (artifact) {
    ctx.fail('cache', task.name, `inputs.${artifact.name}`, 'an Argo memoization key cannot include the content of an artifact input, so a cached result could be stale');
  }
  const definition = JSON.stringify([ctx.spec.name, task.name, { ...task, cache: undefined }, cache.version ?? null]);
  const fixed = createHash('sha256').update(definition).digest('hex').slice(0, 32);
  const values = [
    ...(cache.key ?? []).map((value, i) => scope.text(`cache.key.${i}`, value)),
    ...[...scope.paramsRead].sort().map((name) => `{{workflow.parameters.${name}}}`),
    ...scope.args.map((arg) => `{{inputs.parameters.${arg.name}}}`),
  ];
  const dynamic = values.length > 0 ? `-{{=sprig.sha256sum(toJson([${values.map(tagsToExpr).join(', ')}]))}}` : '';
  return {
    key: `tandem-${fixed}${dynamic}`,
    maxAge: cache.maxAge !== undefined ? goDuration(cache.maxAge) : NO_EXPIRY,
    cache: { configMap: { name: ctx.options.cacheConfigMap } },
  };
}
