// The component cache as one run uses it. Before a cacheable task (or forEach iteration) is
// queued, `lookup` computes its key and, unless the run was started with reuse off (--no-cache),
// looks for an entry: one that is fresh (maxAge) and whose artifacts pass verification is a hit,
// and the task is settled Cached with the producer's outputs. A stale entry is a miss; a broken
// one is also dropped. After a successful attempt, `remember` stores its outputs under the key.
import type { TaskSpec, WorkflowSpec } from '../../../spec/schema.js';
import type { OutputValue } from '../../model.js';
import type { ContextParts } from '../context.js';
import type { MetricLine } from '../outputs.js';
import type { WriteBuffer } from '../write-buffer.js';
import { keyIngredients, type KeyContext } from './ingredients.js';
import { cacheKey } from './key.js';
import { cachePolicy, isFresh, type CachePolicy } from './policy.js';
import type { CacheService } from './service.js';
import { verifyOutputs } from './verify.js';
import { errorMessage } from '../../../util/error-message.js';

export interface CacheHit {
  outputs: Record<string, OutputValue>;
  metrics: MetricLine[];
  /** Where the outputs came from, for the task run's message. */
  message: string;
}

export interface RunCacheInit {
  runId: string;
  spec: WorkflowSpec;
  baseDir: string;
  /** False with --no-cache: nothing is reused, but successful results are still stored. */
  reuse: boolean;
  writer: WriteBuffer;
}

export class RunCache {
  private readonly policies = new WeakMap<TaskSpec, CachePolicy | null>();
  /** Cache key of each task key looked up, for remember(). */
  private readonly keys = new Map<string, string>();
  /** Why a cacheable task was not a hit, when that is worth telling (stale, dropped, unkeyable). */
  private readonly notes = new Map<string, string>();
  private readonly keyContext: KeyContext;

  constructor(
    private readonly service: CacheService,
    private readonly init: RunCacheInit,
  ) {
    this.keyContext = { baseDir: init.baseDir, defaultImage: init.spec.defaults?.image, files: service.files };
  }

  /** The task's cache policy, or undefined when it is not cached. */
  policy(spec: TaskSpec, group: 'main' | 'finally'): CachePolicy | undefined {
    let policy = this.policies.get(spec);
    if (policy === undefined) {
      policy = cachePolicy(spec, this.init.spec.defaults?.cache, group) ?? null;
      this.policies.set(spec, policy);
    }
    return policy ?? undefined;
  }

  /** Computes the task's key and returns a verified hit, or undefined (run it). Never throws. */
  async lookup(taskKey: string, spec: TaskSpec, policy: CachePolicy, parts: ContextParts): Promise<CacheHit | undefined> {
    let key: string;
    try {
      key = cacheKey(await keyIngredients(spec, parts, policy, this.keyContext));
    } catch (error) {
      this.note(taskKey, `not cached: ${errorMessage(error)}`);
      return undefined;
    }
    this.keys.set(taskKey, key);
    if (!this.init.reuse) return undefined;
    const { store, artifacts } = this.service;
    const short = key.slice(0, 12);
    try {
      const entry = await store.getCacheEntry(key);
      if (entry === undefined) return undefined;
      const now = Date.now();
      if (!isFresh(policy, entry.createdAt, now)) {
        this.note(taskKey, `cache entry ${short} is older than maxAge: running again`);
        return undefined;
      }
      const verdict = await verifyOutputs(entry.outputs, artifacts);
      if (!verdict.ok) {
        this.service.track(store.invalidateCacheEntry(key, entry.createdAt));
        this.note(taskKey, `cache entry ${short} dropped: ${verdict.reason}; running again`);
        return undefined;
      }
      this.service.track(store.recordCacheHit(key, now));
      return {
        outputs: entry.outputs,
        metrics: entry.metrics,
        message: `cache hit: outputs of run ${entry.runId} task ${entry.task} (key ${short})`,
      };
    } catch (error) {
      this.note(taskKey, `cache lookup failed, running without it: ${errorMessage(error)}`);
      return undefined;
    }
  }

  /**
   * Stores a successful attempt's outputs under the key its lookup computed (if it had one).
   * Returns why the task was not served from the cache, when there was a notable reason, for the
   * attempt's message (so `tandem show` says why a cached task ran).
   */
  remember(taskKey: string, outputs: Record<string, OutputValue>, metrics: readonly MetricLine[]): string | undefined {
    const note = this.notes.get(taskKey);
    this.notes.delete(taskKey);
    const key = this.keys.get(taskKey);
    if (key === undefined) return note;
    this.keys.delete(taskKey);
    this.service.track(
      this.service.store.putCacheEntry({
        key,
        workflow: this.init.spec.name,
        task: taskKey,
        runId: this.init.runId,
        outputs,
        metrics: [...metrics],
        createdAt: Date.now(),
        hits: 0,
      }),
    );
    return note;
  }

  /** Why a cacheable task was not served from the cache, in the run's event log. */
  private note(taskKey: string, message: string): void {
    this.notes.set(taskKey, message);
    this.init.writer.push({ kind: 'event', runId: this.init.runId, time: Date.now(), task: taskKey, attempt: 0, status: 'Pending', message });
  }
}
