// Task policies in KFP's terms: retry → retryPolicy, cache → cachingOptions, and the refusal,
// with a CompileError naming the feature, of what KFP cannot express (timeouts go to the platform
// spec, platform.ts; refused here: synchronization, workflow parallelism, failFast: false, stdout outputs, child workflows, cache
// maxAge, the on-error retry policy).
import { durationMs } from '../../../spec/duration.js';
import type { TaskSpec, WorkflowSpec } from '../../../spec/schema.js';
import { hasTemplate } from '../../../expr/template.js';
import type { CompileContext } from './context.js';

/** Throws for the first workflow-level feature KFP cannot express. */
export function checkWorkflow(ctx: CompileContext, spec: WorkflowSpec): void {
  if (spec.parallelism !== undefined) {
    ctx.fail('parallelism', undefined, 'KFP IR has no limit on the tasks of one run running at once (only a forEach parallelism)');
  }
  if (spec.failFast === false) {
    ctx.fail('failFast: false', undefined, 'KFP stops scheduling new tasks after a failure and has no field to carry on with independent branches');
  }
}

/** Throws for the first task-level feature KFP cannot express. */
export function checkTask(ctx: CompileContext, task: TaskSpec): void {
  if (task.synchronization !== undefined) {
    ctx.fail('synchronization', task.name, 'KFP IR has no mutex or semaphore');
  }
  if (task.workflow !== undefined) {
    ctx.fail('workflow runner', task.name, 'child workflows are not compiled into KFP sub-pipelines yet; run the workflow on the hybrid lane');
  }
  const retry = task.retry ?? ctx.spec.defaults?.retry;
  if (retry?.policy === 'on-error' && retry.limit > 0) {
    ctx.fail('retry policy on-error', task.name, 'KFP retries a task whenever it fails and cannot limit retries to tasks that could not start');
  }
  if (retry?.policy === 'always' && retry.limit > 0) {
    // The backend writes an Argo retryStrategy without retryPolicy, which Argo reads as
    // OnFailure: pods that could not run (Argo's Error) are not retried.
    ctx.fail('retry policy always', task.name, "KFP's retryPolicy has no policy field; the backend's Argo retryStrategy retries only failed containers, not pods that could not run");
  }
  const cache = { ...ctx.spec.defaults?.cache, ...task.cache };
  if (cache.maxAge !== undefined && cache.enabled !== false && !ctx.finallyNames.has(task.name)) {
    ctx.fail('cache maxAge', task.name, 'KFP caching options have no maximum age');
  }
  if ((cache.key ?? []).some(hasTemplate) && cache.enabled !== false && !ctx.finallyNames.has(task.name)) {
    ctx.fail('templated cache key', task.name, 'KFP cannot mix run-time values into a cache key; use literal key values');
  }
}

/**
 * retryPolicy for the task, or undefined without retries. The backend hands these fields to
 * Argo's retryStrategy as whole seconds (it reads Duration.seconds, dropping nanos), and its
 * backoffMaxDuration becomes Argo's backoff.maxDuration: a limit on the time spent retrying, not
 * tandem's cap on one delay. So a sub-second delay is refused, and tandem's maxDuration is
 * written nowhere when it never caps a delay (the last delay is within it) and refused otherwise.
 */
export function retryPolicy(ctx: CompileContext, task: TaskSpec): Record<string, unknown> | undefined {
  const retry = task.retry ?? ctx.spec.defaults?.retry;
  if (!retry || retry.limit === 0) return undefined;
  const backoff = retry.backoff ?? {};
  const factor = backoff.factor ?? 1;
  const delayMs = backoff.duration !== undefined ? durationMs(backoff.duration) : undefined;
  if (delayMs !== undefined && delayMs % 1000 !== 0) {
    ctx.fail('retry backoff below whole seconds', task.name, `retry.backoff.duration is ${String(backoff.duration)}; the KFP backend passes whole seconds of backoffDuration to Argo and would drop the rest`);
  }
  if (backoff.maxDuration !== undefined) {
    const capMs = durationMs(backoff.maxDuration);
    const lastDelayMs = (delayMs ?? 0) * factor ** Math.max(0, retry.limit - 1);
    if (lastDelayMs > capMs) {
      ctx.fail(
        'retry maxDuration',
        task.name,
        `retry.backoff.maxDuration ${String(backoff.maxDuration)} caps the delay between retries; KFP's backoffMaxDuration limits the whole time spent retrying (Argo's backoff.maxDuration), and KFP has no cap on one delay`,
      );
    }
  }
  return {
    maxRetryCount: retry.limit,
    ...(delayMs !== undefined ? { backoffDuration: `${delayMs / 1000}s` } : {}),
    // tandem's factor defaults to 1 (a fixed delay); KFP's to 2, so it is always written.
    backoffFactor: factor,
  };
}

/**
 * cachingOptions: tandem caching is opt-in (a cache block that is not `enabled: false`), KFP's is
 * on by default in the SDK, so enableCache is always written. Finally tasks are never cached.
 */
export function cachingOptions(ctx: CompileContext, task: TaskSpec): { enableCache: boolean } {
  const defaults = ctx.spec.defaults?.cache;
  if (ctx.finallyNames.has(task.name) || (task.cache === undefined && defaults === undefined)) return { enableCache: false };
  return { enableCache: { ...defaults, ...task.cache }.enabled !== false };
}

/**
 * The cache version and literal key values, as constant inputs: KFP's cache key covers a task's
 * inputs, so changing them gives a new key, as tandem's version and key do.
 */
export function cacheInputs(ctx: CompileContext, task: TaskSpec): Record<string, unknown> {
  if (!cachingOptions(ctx, task).enableCache) return {};
  const cache = { ...ctx.spec.defaults?.cache, ...task.cache };
  return {
    ...(cache.version !== undefined ? { tandem_cache_version: cache.version } : {}),
    ...(cache.key !== undefined && cache.key.length > 0 ? { tandem_cache_key: cache.key } : {}),
  };
}
