// The cache role: the embedded engine's component cache, entries keyed by the content of a task's
// inputs. The engine looks entries up, stores and invalidates them; `tandem cache` lists and
// prunes them.
import type { OutputValue } from '../../engines/model.js';

/** A metric the producing attempt reported, replayed into the run that reuses a cache entry. */
export interface CachedMetric {
  name: string;
  value: number;
  step?: number;
  time: number;
}

/** One component-cache entry: the outputs of a successful attempt, under its cache key. */
export interface CacheEntryRecord {
  /** sha256 hex of the task's key ingredients (src/engines/local/cache/key.ts). */
  key: string;
  /** Workflow of the run that produced the entry (informational: entries are shared across workflows). */
  workflow: string;
  /** Producing task key: the task name, or `name[i]` for a forEach iteration. */
  task: string;
  runId: string;
  outputs: Record<string, OutputValue>;
  metrics: CachedMetric[];
  createdAt: number;
  /** How many times the entry was reused, and when last. */
  hits: number;
  lastHitAt?: number;
}

export interface CacheEntryFilter {
  workflow?: string;
  /** Only keys starting with this (hex) prefix. */
  keyPrefix?: string;
  limit?: number;
}

export interface CacheStore {
  /** The entry under this key, undefined when there is none. */
  getCacheEntry(key: string): Promise<CacheEntryRecord | undefined>;
  /** Stores the entry, replacing one under the same key (hits start again from the record's). */
  putCacheEntry(entry: CacheEntryRecord): Promise<void>;
  /** Counts one reuse of the entry; nothing happens when the key is gone. */
  recordCacheHit(key: string, time: number): Promise<void>;
  /** Newest first (createdAt, then key, descending). */
  listCacheEntries(filter?: CacheEntryFilter): Promise<CacheEntryRecord[]>;
  /** Deletes the entries under these keys; returns how many existed. */
  deleteCacheEntries(keys: readonly string[]): Promise<number>;
  /**
   * Deletes the entry only if it is still the one created at `createdAt` (a newer entry stored
   * meanwhile under the same key is kept); returns whether it deleted.
   */
  invalidateCacheEntry(key: string, createdAt: number): Promise<boolean>;
  /** Deletes entries created before `createdBefore` (epoch ms); returns how many. */
  pruneCacheEntries(createdBefore: number): Promise<number>;
}
