// The runs role's contract, batched writes: applyWrites applies a batch in order and atomically.
// Registered by runContract inside its describe, on a fresh store per test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreError } from '../../../src/errors.js';
import type { RunStore, StoreWrite } from '../../../src/store/ports/runs.js';
import { makeRun, taskRun, taskWrite } from '../fixtures.js';

export function runWriteContract(getStore: () => RunStore): void {
  void describe('applyWrites', () => {
    void it('applies run writes: startedAt once, finishedAt on a terminal status, outputs', async () => {
      const store = getStore();
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
      const store = getStore();
      const run = makeRun();
      await store.createRun(run);
      await store.applyWrites([
        { kind: 'run', runId: run.id, status: 'Succeeded', time: 5, outputs: { a: [1, 2] } },
        { kind: 'run', runId: run.id, status: 'Succeeded', time: 6 },
      ]);
      assert.deepEqual((await store.getRun(run.id))?.outputs, { a: [1, 2] });
    });

    void it('applies writes in order: the later write for the same attempt wins', async () => {
      const store = getStore();
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
      const store = getStore();
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
      const store = getStore();
      await store.applyWrites([]);
    });

    void it('is atomic: a batch with an invalid write leaves nothing behind', async () => {
      const store = getStore();
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

    void it("records and replaces where a run lives on its remote engine, and rejects an unknown run's", async () => {
      const store = getStore();
      const run = makeRun();
      await store.createRun(run);
      assert.equal((await store.getRun(run.id))?.remote, undefined);
      await store.applyWrites([{ kind: 'remote', runId: run.id, remote: { engine: 'argo', id: 'ingest-01abc', namespace: 'data' } }]);
      const uid = '7f3c9d2e-0000-4000-8000-000000000001';
      const remote = { engine: 'argo', id: 'ingest-01abc', namespace: 'data', uid, url: 'https://argo.example/workflows/data/ingest-01abc' };
      await store.applyWrites([{ kind: 'remote', runId: run.id, remote }]);
      assert.deepEqual((await store.getRun(run.id))?.remote, remote);
      assert.deepEqual((await store.listRuns())[0]?.remote, remote);
      await assert.rejects(store.applyWrites([{ kind: 'remote', runId: 'no-such-run', remote }]), StoreError);
    });

    void it('rejects a run write for an unknown run, rolling back the batch', async () => {
      const store = getStore();
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
}
