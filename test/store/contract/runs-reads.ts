// The runs role's contract, reads: listings and their order, filters and paging, and what runs
// recorded (task runs, events, outputs, artifacts, metrics) as the engine's writes left it.
// Registered by runContract inside its describe, on a fresh store per test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError } from '../../../src/errors.js';
import type { RunArtifactRecord, RunStore } from '../../../src/store/ports/runs.js';
import { makeRun, taskWrite } from '../fixtures.js';
import { idsPageByPage } from './handle.js';

export function runReadContract(getStore: () => RunStore): void {
  void describe('listRuns', () => {
    async function seed(store: RunStore) {
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
      const store = getStore();
      const ids = await seed(store);
      assert.deepEqual(
        (await store.listRuns()).map((r) => r.id),
        [...ids].reverse(),
      );
    });

    void it('filters by status list and by workflow', async () => {
      const store = getStore();
      const ids = await seed(store);
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

    void it('filters by the engine the routing binds each run to, a child run by its ML step', async () => {
      const store = getStore();
      const routing = (orchestration: string, ml: string) => ({ lane: 'hybrid' as const, rule: 'r', reasons: [], engines: { orchestration, ml } });
      const old = makeRun({ createdAt: 100 });
      const onArgo = makeRun({ createdAt: 200, routing: routing('argo', 'kfp') });
      const child = makeRun({ createdAt: 300, routing: routing('argo', 'kfp'), origin: { kind: 'parent', detail: { runId: onArgo.id } } });
      const local = makeRun({ createdAt: 400, routing: routing('local', 'local') });
      for (const run of [old, onArgo, child, local]) await store.createRun(run);
      assert.deepEqual((await store.listRuns({ engine: 'local' })).map((r) => r.id), [local.id, old.id], 'a run without routing ran locally');
      assert.deepEqual((await store.listRuns({ engine: 'argo' })).map((r) => r.id), [onArgo.id]);
      assert.deepEqual((await store.listRuns({ engine: 'kfp', workflow: child.workflow })).map((r) => r.id), [child.id]);
      assert.deepEqual(await store.listRuns({ engine: 'nope' }), []);
    });

    void it('leaves out the runs of one owner with notOwnedBy, keeping runs without one', async () => {
      const store = getStore();
      const mine = makeRun({ createdAt: 100, status: 'Running', owner: 'host:1:me', ownerPid: 1 });
      const theirs = makeRun({ createdAt: 200, status: 'Running', owner: 'host:2:them', ownerPid: 2 });
      const nobody = makeRun({ createdAt: 300, status: 'Pending' });
      for (const run of [mine, theirs, nobody]) await store.createRun(run);
      assert.deepEqual(
        (await store.listRuns({ status: ['Pending', 'Running'], notOwnedBy: 'host:1:me' })).map((r) => r.id),
        [nobody.id, theirs.id],
      );
    });

    void it('pages with limit and before', async () => {
      const store = getStore();
      const ids = await seed(store);
      const seen = await idsPageByPage((page) => store.listRuns(page), (r) => r.id);
      assert.deepEqual(seen, [...ids].reverse());
      assert.deepEqual(
        (await store.listRuns({ before: ids[3] as string, workflow: 'ingest' })).map((r) => r.id),
        [ids[2], ids[0]],
      );
    });

    void it('breaks created_at ties by id, so paging never skips a run', async () => {
      const store = getStore();
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
      const store = getStore();
      await seed(store);
      await assert.rejects(store.listRuns({ before: 'nope' }), NotFoundError);
    });
  });

  void describe('listTaskRuns', () => {
    void it('orders by task then attempt, whatever the write order', async () => {
      const store = getStore();
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
      const store = getStore();
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

  void describe('outputs, artifacts, metrics', () => {
    void it('round-trips outputs (upserted by task and name)', async () => {
      const store = getStore();
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
      const store = getStore();
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
      const store = getStore();
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
      const store = getStore();
      const run = makeRun();
      await store.createRun(run);
      assert.deepEqual(await store.listOutputs(run.id), []);
      assert.deepEqual(await store.listArtifacts(run.id), []);
      assert.deepEqual(await store.listMetrics(run.id), []);
    });
  });
}
