// Which tasks are cached, and for how long. Caching is opt-in: a task is cached when its
// effective cache block (the task's `cache` over `defaults.cache`, field by field) exists and does
// not say `enabled: false`. Finally tasks are never cached: they report on the run they end.
import { durationMs } from '../../../spec/duration.js';
import type { Cache, TaskSpec } from '../../../spec/schema.js';

export interface CachePolicy {
  /** Entries older than this are misses (undefined: no limit). */
  maxAgeMs: number | undefined;
  /** The user's cache version, mixed into the key. */
  version: string | undefined;
  /** Extra key values (templates, rendered against the task's context). */
  extraKey: readonly string[];
}

/** The task's cache policy, or undefined when it is not cached. */
export function cachePolicy(task: TaskSpec, defaults: Cache | undefined, group: 'main' | 'finally'): CachePolicy | undefined {
  if (group === 'finally') return undefined;
  if (task.cache === undefined && defaults === undefined) return undefined;
  const merged: Cache = { ...defaults, ...task.cache };
  if (merged.enabled === false) return undefined;
  return {
    maxAgeMs: merged.maxAge === undefined ? undefined : durationMs(merged.maxAge),
    version: merged.version,
    extraKey: merged.key ?? [],
  };
}

/** Whether an entry created at `createdAt` is still young enough at `now`. */
export function isFresh(policy: CachePolicy, createdAt: number, now: number): boolean {
  return policy.maxAgeMs === undefined || now - createdAt <= policy.maxAgeMs;
}
