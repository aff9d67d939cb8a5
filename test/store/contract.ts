// The Store contract: one suite every adapter (sqlite now, postgres later) must pass.
// Usage: storeContract('sqlite', async () => ({ store, cleanup }))
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { NotFoundError, StoreError } from '../../src/errors.js';
import type { Store } from '../../src/store/store.js';
import type { CacheEntryRecord } from '../../src/store/ports/cache.js';
import type { RunArtifactRecord, StoreWrite } from '../../src/store/ports/runs.js';
import { eventContract } from './contract-events.js';
import { trackingContract } from './contract-tracking.js';
import { mlflowExportContract } from './contract-mlflow.js';
import { lockContract } from './contract-locks.js';
import { SPEC, makeRun, taskRun, taskWrite } from './fixtures.js';

export interface StoreHandle {
  store: Store;
  cleanup(): Promise<void>;
}

export function storeContract(name: string, makeStore: () => Promise<StoreHandle>): void {
  void describe(`Store contract: ${name}`, () => {
    let handle: StoreHandle;
    let store: Store;
    beforeEach(async () => {
      handle = await makeStore();
      store = handle.store;
    });
    afterEach(async () => {
      await handle.store.close();
      await handle.cleanup();
    });

    void describe('createRun / getRun', () => {
      void it('round-trips a full record, JSON fields included', async () => {
        const run = makeRun({
          message: 'queued',
          sourceFile: '/work/project/workflows/ingest.yaml',
          origin: { kind: 'event', detail: { eventIds: ['e1', 'e2'], source: 'nats', n: 2.5 } },
          owner: 'host:42:boot',
          ownerPid: 42,
          cancelRequested: true,
          outputs: { report: { rows: 3 } },
          noCache: true,
        });
        await store.createRun(run);
        assert.deepEqual(await store.getRun(run.id), run);
      });

      void it('round-trips a minimal record without inventing optional fields', async () => {
        const run = makeRun();
        await store.createRun(run);
        const got = await store.getRun(run.id);
        assert.deepEqual(got, run);
        assert.deepEqual(got?.spec, SPEC);
        assert.equal(Object.hasOwn(got ?? {}, 'message'), false);
        assert.equal(Object.hasOwn(got ?? {}, 'owner'), false);
      });

      void it('records the first event with the run', async () => {
        const run = makeRun();
        await store.createRun(run);
        const events = await store.listRunEvents(run.id);
        assert.equal(events.length, 1);
        assert.equal(events[0]?.status, 'Pending');
        assert.equal(events[0]?.time, run.createdAt);
        assert.equal(events[0]?.runId, run.id);
      });

      void it('returns undefined for an unknown run', async () => {
        assert.equal(await store.getRun('nope'), undefined);
      });

      void it('rejects a duplicate id with StoreError and keeps the first', async () => {
        const run = makeRun();
        await store.createRun(run);
        await assert.rejects(store.createRun({ ...run, workflow: 'other' }), StoreError);
        assert.equal((await store.getRun(run.id))?.workflow, 'ingest');
        assert.equal((await store.listRunEvents(run.id)).length, 1);
      });
    });

    void describe('createRunIfAbsent', () => {
      void it('creates the run once and reports whether it did, keeping the first record', async () => {
        const run = makeRun({ origin: { kind: 'event', detail: { eventIds: ['e1'] } } });
        assert.equal(await store.createRunIfAbsent(run), true);
        assert.deepEqual(await store.getRun(run.id), run);
        assert.equal(await store.createRunIfAbsent({ ...run, workflow: 'other', status: 'Running' }), false);
        assert.deepEqual(await store.getRun(run.id), run);
        const events = await store.listRunEvents(run.id);
        assert.equal(events.length, 1);
        assert.equal(events[0]?.status, 'Pending');
        // createRun keeps rejecting duplicates, whichever method created the run.
        await assert.rejects(store.createRun(run), StoreError);
        const other = makeRun();
        await store.createRun(other);
        assert.equal(await store.createRunIfAbsent(other), false);
      });

      void it('lets one of two concurrent submitters create the run', async () => {
        const run = makeRun();
        const results = await Promise.all([store.createRunIfAbsent(run), store.createRunIfAbsent(run)]);
        assert.deepEqual(results.sort(), [false, true]);
        assert.equal((await store.listRunEvents(run.id)).length, 1);
      });
    });

    void describe('applyWrites', () => {
      void it('applies run writes: startedAt once, finishedAt on a terminal status, outputs', async () => {
        const run = makeRun();
        await store.createRun(run);
        await store.applyWrites([{ kind: 'run', runId: run.id, status: 'Running', time: 10 }]);
        await store.applyWrites([{ kind: 'run', runId: run.id, status: 'Running', time: 20, message: 'still going' }]);
        let got = await store.getRun(run.id);
        assert.equal(got?.status, 'Running');
        assert.equal(got?.startedAt, 10);
        assert.equal(got?.finishedAt, undefined);
        assert.equal(got?.message, 'still going');
        await store.applyWrites([
          { kind: 'run', runId: run.id, status: 'Failed', time: 30, message: 'task parse failed', outputs: { n: 1 } },
        ]);
        got = await store.getRun(run.id);
        assert.equal(got?.status, 'Failed');
        assert.equal(got?.startedAt, 10);
        assert.equal(got?.finishedAt, 30);
        assert.equal(got?.message, 'task parse failed');
        assert.deepEqual(got?.outputs, { n: 1 });
      });

      void it('keeps earlier outputs when a later run write has none', async () => {
        const run = makeRun();
        await store.createRun(run);
        await store.applyWrites([
          { kind: 'run', runId: run.id, status: 'Succeeded', time: 5, outputs: { a: [1, 2] } },
          { kind: 'run', runId: run.id, status: 'Succeeded', time: 6 },
        ]);
        assert.deepEqual((await store.getRun(run.id))?.outputs, { a: [1, 2] });
      });

      void it('applies writes in order: the later write for the same attempt wins', async () => {
        const run = makeRun();
        await store.createRun(run);
        await store.applyWrites([
          taskWrite(run.id, 'fetch', 1, { pid: 99, logDir: '/logs/fetch/1' }),
          taskWrite(run.id, 'fetch', 1, {
            status: 'Failed',
            finishedAt: 2000,
            exitCode: 2,
            message: 'exit 2',
            logDir: '/logs/fetch/1',
          }),
          taskWrite(run.id, 'fetch', 2, { status: 'Succeeded', signal: 'SIGTERM', finishedAt: 3000, exitCode: 0 }),
        ]);
        assert.deepEqual(await store.listTaskRuns(run.id), [
          taskRun(run.id, 'fetch', 1, { status: 'Failed', finishedAt: 2000, exitCode: 2, message: 'exit 2', logDir: '/logs/fetch/1' }),
          taskRun(run.id, 'fetch', 2, { status: 'Succeeded', signal: 'SIGTERM', finishedAt: 3000, exitCode: 0 }),
        ]);
      });

      void it('appends events with increasing seq, in write order', async () => {
        const run = makeRun();
        await store.createRun(run);
        const writes: StoreWrite[] = [
          { kind: 'event', runId: run.id, time: 1, status: 'Running' },
          { kind: 'event', runId: run.id, time: 2, task: 'fetch', attempt: 1, status: 'Running' },
          { kind: 'event', runId: run.id, time: 3, task: 'fetch', attempt: 1, status: 'Succeeded', message: 'ok' },
        ];
        await store.applyWrites(writes);
        await store.applyWrites([{ kind: 'event', runId: run.id, time: 4, status: 'Succeeded' }]);
        const events = await store.listRunEvents(run.id);
        assert.deepEqual(
          events.map((e) => e.status),
          ['Pending', 'Running', 'Running', 'Succeeded', 'Succeeded'],
        );
        for (let i = 1; i < events.length; i++) assert.ok((events[i]?.seq ?? 0) > (events[i - 1]?.seq ?? 0));
        const { seq: _seq, ...third } = events[3] ?? { seq: 0 };
        assert.deepEqual(third, { runId: run.id, time: 3, task: 'fetch', attempt: 1, status: 'Succeeded', message: 'ok' });
      });

      void it('accepts an empty batch', async () => {
        await store.applyWrites([]);
      });

      void it('is atomic: a batch with an invalid write leaves nothing behind', async () => {
        const run = makeRun();
        await store.createRun(run);
        await store.applyWrites([taskWrite(run.id, 'fetch', 1)]);
        const bad: StoreWrite[] = [
          { kind: 'event', runId: run.id, time: 5, status: 'Running' },
          taskWrite(run.id, 'fetch', 1, { status: 'Succeeded' }),
          { kind: 'metric', record: { runId: run.id, task: 'fetch', name: 'loss', value: 1, time: 5 } },
          taskWrite('no-such-run', 'fetch', 1),
          { kind: 'event', runId: run.id, time: 6, status: 'Succeeded' },
        ];
        await assert.rejects(store.applyWrites(bad), StoreError);
        assert.equal((await store.listRunEvents(run.id)).length, 1);
        assert.deepEqual(await store.listTaskRuns(run.id), [taskRun(run.id, 'fetch', 1)]);
        assert.deepEqual(await store.listMetrics(run.id), []);
        // The store stays usable after a failed batch.
        await store.applyWrites([{ kind: 'event', runId: run.id, time: 7, status: 'Running' }]);
        assert.equal((await store.listRunEvents(run.id)).length, 2);
      });

      void it('rejects a run write for an unknown run, rolling back the batch', async () => {
        const run = makeRun();
        await store.createRun(run);
        await assert.rejects(
          store.applyWrites([
            { kind: 'event', runId: run.id, time: 5, status: 'Running' },
            { kind: 'run', runId: 'no-such-run', status: 'Running', time: 5 },
          ]),
          StoreError,
        );
        assert.equal((await store.listRunEvents(run.id)).length, 1);
      });
    });

    void describe('listRuns', () => {
      async function seed() {
        const runs = [
          makeRun({ createdAt: 100, workflow: 'ingest', status: 'Succeeded' }),
          makeRun({ createdAt: 200, workflow: 'train', status: 'Failed' }),
          makeRun({ createdAt: 300, workflow: 'ingest', status: 'Running' }),
          makeRun({ createdAt: 400, workflow: 'train', status: 'Succeeded' }),
          makeRun({ createdAt: 500, workflow: 'ingest', status: 'Pending' }),
        ];
        // Insert out of order: listing order must come from created_at, not insertion.
        for (const i of [2, 0, 4, 1, 3]) await store.createRun(runs[i] as (typeof runs)[number]);
        return runs.map((r) => r.id);
      }

      void it('lists newest first', async () => {
        const ids = await seed();
        assert.deepEqual(
          (await store.listRuns()).map((r) => r.id),
          [...ids].reverse(),
        );
      });

      void it('filters by status list and by workflow', async () => {
        const ids = await seed();
        assert.deepEqual(
          (await store.listRuns({ status: ['Succeeded', 'Failed'] })).map((r) => r.id),
          [ids[3], ids[1], ids[0]],
        );
        assert.deepEqual(
          (await store.listRuns({ workflow: 'train' })).map((r) => r.id),
          [ids[3], ids[1]],
        );
        assert.deepEqual(
          (await store.listRuns({ workflow: 'ingest', status: ['Succeeded', 'Pending'] })).map((r) => r.id),
          [ids[4], ids[0]],
        );
        assert.deepEqual(await store.listRuns({ status: [] }), []);
        assert.deepEqual(await store.listRuns({ workflow: 'unknown' }), []);
      });

      void it('pages with limit and before', async () => {
        const ids = await seed();
        const seen: string[] = [];
        let before: string | undefined;
        for (;;) {
          const page = await store.listRuns(before === undefined ? { limit: 2 } : { limit: 2, before });
          if (page.length === 0) break;
          assert.ok(page.length <= 2);
          seen.push(...page.map((r) => r.id));
          before = page.at(-1)?.id;
        }
        assert.deepEqual(seen, [...ids].reverse());
        assert.deepEqual(
          (await store.listRuns({ before: ids[3] as string, workflow: 'ingest' })).map((r) => r.id),
          [ids[2], ids[0]],
        );
      });

      void it('breaks created_at ties by id, so paging never skips a run', async () => {
        const runs = [makeRun({ createdAt: 7 }), makeRun({ createdAt: 7 }), makeRun({ createdAt: 7 })];
        for (const run of runs) await store.createRun(run);
        const first = await store.listRuns({ limit: 1 });
        const rest = await store.listRuns({ before: first[0]?.id as string });
        assert.deepEqual(
          [...first, ...rest].map((r) => r.id),
          runs.map((r) => r.id).sort().reverse(),
        );
      });

      void it('rejects an unknown before cursor with NotFoundError', async () => {
        await seed();
        await assert.rejects(store.listRuns({ before: 'nope' }), NotFoundError);
      });
    });

    void describe('listTaskRuns', () => {
      void it('orders by task then attempt, whatever the write order', async () => {
        const run = makeRun();
        const other = makeRun();
        await store.createRun(run);
        await store.createRun(other);
        await store.applyWrites([
          taskWrite(run.id, 'parse', 2),
          taskWrite(run.id, 'fetch', 1),
          taskWrite(other.id, 'aaa', 1),
          taskWrite(run.id, 'parse', 1),
          taskWrite(run.id, 'fetch[1]', 1),
          taskWrite(run.id, 'fetch[0]', 1),
        ]);
        assert.deepEqual(
          (await store.listTaskRuns(run.id)).map((t) => `${t.task}#${t.attempt}`),
          ['fetch#1', 'fetch[0]#1', 'fetch[1]#1', 'parse#1', 'parse#2'],
        );
        assert.deepEqual(await store.listTaskRuns('nope'), []);
      });
    });

    void describe('listRunEvents', () => {
      void it('returns only events after afterSeq, for that run only', async () => {
        const run = makeRun();
        const other = makeRun();
        await store.createRun(run);
        await store.createRun(other);
        await store.applyWrites([
          { kind: 'event', runId: run.id, time: 1, status: 'Running' },
          { kind: 'event', runId: other.id, time: 1, status: 'Running' },
          { kind: 'event', runId: run.id, time: 2, status: 'Succeeded' },
        ]);
        const all = await store.listRunEvents(run.id);
        assert.equal(all.length, 3);
        assert.ok(all.every((e) => e.runId === run.id));
        const after = await store.listRunEvents(run.id, all[0]?.seq);
        assert.deepEqual(after, all.slice(1));
        assert.deepEqual(await store.listRunEvents(run.id, all[2]?.seq), []);
      });
    });

    void describe('claimRun / releaseRun / requestCancel', () => {
      void it('claims an unowned run once: the second claimer loses', async () => {
        const run = makeRun();
        await store.createRun(run);
        assert.equal(await store.claimRun(run.id, 'a:1:x', 1, undefined), true);
        assert.equal(await store.claimRun(run.id, 'b:2:x', 2, undefined), false);
        const got = await store.getRun(run.id);
        assert.equal(got?.owner, 'a:1:x');
        assert.equal(got?.ownerPid, 1);
      });

      void it('lets exactly one of two concurrent claimers win', async () => {
        const run = makeRun();
        await store.createRun(run);
        const results = await Promise.all([
          store.claimRun(run.id, 'a:1:x', 1, undefined),
          store.claimRun(run.id, 'b:2:x', 2, undefined),
        ]);
        assert.equal(results.filter(Boolean).length, 1);
      });

      void it('takes over from an expected (dead) owner, not from another', async () => {
        const run = makeRun({ owner: 'dead:7:x', ownerPid: 7 });
        await store.createRun(run);
        assert.equal(await store.claimRun(run.id, 'b:2:x', 2, 'someone-else'), false);
        assert.equal(await store.claimRun(run.id, 'b:2:x', 2, undefined), false);
        assert.equal(await store.claimRun(run.id, 'b:2:x', 2, 'dead:7:x'), true);
        const got = await store.getRun(run.id);
        assert.equal(got?.owner, 'b:2:x');
        assert.equal(got?.ownerPid, 2);
      });

      void it('rejects claiming an unknown run with NotFoundError', async () => {
        await assert.rejects(store.claimRun('nope', 'a', 1, undefined), NotFoundError);
      });

      void it('releases only when the owner matches', async () => {
        const run = makeRun();
        await store.createRun(run);
        await store.claimRun(run.id, 'a:1:x', 1, undefined);
        await store.releaseRun(run.id, 'b:2:x');
        assert.equal((await store.getRun(run.id))?.owner, 'a:1:x');
        await store.releaseRun(run.id, 'a:1:x');
        const got = await store.getRun(run.id);
        assert.equal(got?.owner, undefined);
        assert.equal(got?.ownerPid, undefined);
        assert.equal(await store.claimRun(run.id, 'b:2:x', 2, undefined), true);
      });

      void it('records a cancel request', async () => {
        const run = makeRun();
        await store.createRun(run);
        assert.equal((await store.getRun(run.id))?.cancelRequested, false);
        await store.requestCancel(run.id);
        await store.requestCancel(run.id);
        assert.equal((await store.getRun(run.id))?.cancelRequested, true);
        await assert.rejects(store.requestCancel('nope'), NotFoundError);
      });
    });

    void describe('outputs, artifacts, metrics', () => {
      void it('round-trips outputs (upserted by task and name)', async () => {
        const run = makeRun();
        await store.createRun(run);
        const artifact = { digest: 'sha256:abc', size: 12, kind: 'file', type: 'text/csv' };
        await store.applyWrites([
          { kind: 'output', record: { runId: run.id, task: 'parse', name: 'rows', kind: 'param', value: 1 } },
          { kind: 'output', record: { runId: run.id, task: 'fetch', name: 'page', kind: 'artifact', value: artifact } },
          { kind: 'output', record: { runId: run.id, task: 'parse', name: 'rows', kind: 'param', value: { n: [3, 'x', null] } } },
          { kind: 'output', record: { runId: run.id, task: 'parse', name: 'label', kind: 'param', value: 'ok' } },
          { kind: 'output', record: { runId: run.id, task: 'parse', name: 'none', kind: 'param', value: null } },
        ]);
        assert.deepEqual(await store.listOutputs(run.id), [
          { runId: run.id, task: 'fetch', name: 'page', kind: 'artifact', value: artifact },
          { runId: run.id, task: 'parse', name: 'label', kind: 'param', value: 'ok' },
          { runId: run.id, task: 'parse', name: 'none', kind: 'param', value: null },
          { runId: run.id, task: 'parse', name: 'rows', kind: 'param', value: { n: [3, 'x', null] } },
        ]);
      });

      void it('round-trips artifacts (upserted by task and name)', async () => {
        const run = makeRun();
        await store.createRun(run);
        const a: RunArtifactRecord = {
          runId: run.id,
          task: 'fetch',
          name: 'page',
          digest: 'sha256:1',
          size: 10,
          kind: 'file',
          type: 'text/html',
          path: '/cas/1',
        };
        const b: RunArtifactRecord = { ...a, task: 'parse', name: 'rows', kind: 'directory', type: 'dataset', path: '/cas/2' };
        await store.applyWrites([
          { kind: 'artifact', record: b },
          { kind: 'artifact', record: a },
          { kind: 'artifact', record: { ...a, digest: 'sha256:2', size: 20 } },
        ]);
        assert.deepEqual(await store.listArtifacts(run.id), [{ ...a, digest: 'sha256:2', size: 20 }, b]);
      });

      void it('round-trips metrics in logging order, keeping every step', async () => {
        const run = makeRun();
        await store.createRun(run);
        const metrics = [
          { runId: run.id, task: 'train', name: 'loss', value: 0.9, step: 1, time: 10 },
          { runId: run.id, task: 'train', name: 'loss', value: 0.5, step: 2, time: 11 },
          { runId: run.id, task: 'eval', name: 'accuracy', value: 0.875, time: 12 },
          { runId: run.id, task: 'eval', name: 'big', value: 1e300, time: 13 },
        ];
        await store.applyWrites(metrics.map((record) => ({ kind: 'metric', record })));
        assert.deepEqual(await store.listMetrics(run.id), metrics);
        assert.deepEqual(await store.listMetrics('nope'), []);
      });

      void it('lists nothing for a run without any', async () => {
        const run = makeRun();
        await store.createRun(run);
        assert.deepEqual(await store.listOutputs(run.id), []);
        assert.deepEqual(await store.listArtifacts(run.id), []);
        assert.deepEqual(await store.listMetrics(run.id), []);
      });
    });

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

    eventContract(() => store);
    trackingContract(() => store);
    mlflowExportContract(() => store);
    lockContract(() => store);
  });
}
