// The cache role's contract: component-cache entries round-trip, are replaced and counted, listed,
// deleted, invalidated and pruned. Every adapter passes it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CacheEntryRecord, CacheStore } from '../../../src/store/ports/cache.js';
import { freshPerTest, type RoleFactory } from './handle.js';

export function cacheContract(make: RoleFactory<CacheStore>): void {
  void describe('cache', () => {
    const getStore = freshPerTest(make);

    void describe('cache entries', () => {
      const cacheEntry = (key: string, overrides: Partial<CacheEntryRecord> = {}): CacheEntryRecord => ({
        key,
        workflow: 'ingest',
        task: 'parse[2]',
        runId: 'run-1',
        outputs: {
          rows: { kind: 'param', value: { n: [3, 'x', null] } },
          doc: { kind: 'artifact', artifact: { digest: 'd'.repeat(64), size: 12, kind: 'file', type: 'Dataset' } },
        },
        metrics: [{ name: 'loss', value: 0.25, step: 2, time: 5 }],
        createdAt: 1000,
        hits: 0,
        ...overrides,
      });

      void it('round-trips an entry, replaces it under the same key, and counts hits', async () => {
        const store = getStore();
        const first = cacheEntry('k1');
        await store.putCacheEntry(first);
        assert.deepEqual(await store.getCacheEntry('k1'), first);
        assert.equal(await store.getCacheEntry('nope'), undefined);
        await store.recordCacheHit('k1', 2000);
        await store.recordCacheHit('k1', 3000);
        await store.recordCacheHit('nope', 3000);
        assert.deepEqual(await store.getCacheEntry('k1'), { ...first, hits: 2, lastHitAt: 3000 });
        const replacement = cacheEntry('k1', { runId: 'run-2', createdAt: 4000, outputs: {}, metrics: [] });
        await store.putCacheEntry(replacement);
        assert.deepEqual(await store.getCacheEntry('k1'), replacement);
      });

      void it('lists newest first, by workflow and key prefix, with a limit', async () => {
        const store = getStore();
        await store.putCacheEntry(cacheEntry('aa01', { createdAt: 1 }));
        await store.putCacheEntry(cacheEntry('aa02', { createdAt: 3, workflow: 'train' }));
        await store.putCacheEntry(cacheEntry('bb01', { createdAt: 2 }));
        const keys = (entries: CacheEntryRecord[]) => entries.map((e) => e.key);
        assert.deepEqual(keys(await store.listCacheEntries()), ['aa02', 'bb01', 'aa01']);
        assert.deepEqual(keys(await store.listCacheEntries({ workflow: 'ingest' })), ['bb01', 'aa01']);
        assert.deepEqual(keys(await store.listCacheEntries({ keyPrefix: 'aa' })), ['aa02', 'aa01']);
        assert.deepEqual(keys(await store.listCacheEntries({ keyPrefix: 'aa0', limit: 1 })), ['aa02']);
        assert.deepEqual(await store.listCacheEntries({ keyPrefix: 'c' }), []);
      });

      void it('deletes by key, invalidates only the entry it saw, and prunes by age', async () => {
        const store = getStore();
        for (const [key, createdAt] of [['k1', 10], ['k2', 20], ['k3', 30], ['k4', 40]] as const) {
          await store.putCacheEntry(cacheEntry(key, { createdAt }));
        }
        assert.equal(await store.deleteCacheEntries(['k1', 'missing']), 1);
        assert.equal(await store.deleteCacheEntries([]), 0);
        assert.equal(await store.invalidateCacheEntry('k2', 19), false, 'a newer entry under the key is kept');
        assert.equal(await store.invalidateCacheEntry('k2', 20), true);
        assert.equal(await store.pruneCacheEntries(40), 1, 'only entries created before the cutoff');
        assert.deepEqual((await store.listCacheEntries()).map((e) => e.key), ['k4']);
      });
    });
  });
}
