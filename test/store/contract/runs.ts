// The runs role's contract (RunStore: RunReader and RunWriter): creating runs, the engine's
// batched writes, reads, ownership and cancel requests. Every adapter passes it.
// Usage: runContract(async () => ({ store, close }))
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError, StoreError } from '../../../src/errors.js';
import type { RunStore } from '../../../src/store/ports/runs.js';
import { SPEC, makeRun } from '../fixtures.js';
import { freshPerTest, type RoleFactory } from './handle.js';
import { runReadContract } from './runs-reads.js';
import { runWriteContract } from './runs-writes.js';

export function runContract(make: RoleFactory<RunStore>): void {
  void describe('runs', () => {
    const getStore = freshPerTest(make);

    void describe('createRun / getRun', () => {
      void it('round-trips a full record, JSON fields included', async () => {
        const store = getStore();
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
        const store = getStore();
        const run = makeRun();
        await store.createRun(run);
        const got = await store.getRun(run.id);
        assert.deepEqual(got, run);
        assert.deepEqual(got?.spec, SPEC);
        assert.equal(Object.hasOwn(got ?? {}, 'message'), false);
        assert.equal(Object.hasOwn(got ?? {}, 'owner'), false);
      });

      void it('records the first event with the run', async () => {
        const store = getStore();
        const run = makeRun();
        await store.createRun(run);
        const events = await store.listRunEvents(run.id);
        assert.equal(events.length, 1);
        assert.equal(events[0]?.status, 'Pending');
        assert.equal(events[0]?.time, run.createdAt);
        assert.equal(events[0]?.runId, run.id);
      });

      void it('returns undefined for an unknown run', async () => {
        const store = getStore();
        assert.equal(await store.getRun('nope'), undefined);
      });

      void it('rejects a duplicate id with StoreError and keeps the first', async () => {
        const store = getStore();
        const run = makeRun();
        await store.createRun(run);
        await assert.rejects(store.createRun({ ...run, workflow: 'other' }), StoreError);
        assert.equal((await store.getRun(run.id))?.workflow, 'ingest');
        assert.equal((await store.listRunEvents(run.id)).length, 1);
      });
    });

    void describe('createRunIfAbsent', () => {
      void it('creates the run once and reports whether it did, keeping the first record', async () => {
        const store = getStore();
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
        const store = getStore();
        const run = makeRun();
        const results = await Promise.all([store.createRunIfAbsent(run), store.createRunIfAbsent(run)]);
        assert.deepEqual(results.sort(), [false, true]);
        assert.equal((await store.listRunEvents(run.id)).length, 1);
      });
    });

    runWriteContract(getStore);
    runReadContract(getStore);

    void describe('claimRun / releaseRun / requestCancel', () => {
      void it('claims an unowned run once: the second claimer loses', async () => {
        const store = getStore();
        const run = makeRun();
        await store.createRun(run);
        assert.equal(await store.claimRun(run.id, 'a:1:x', 1, undefined), true);
        assert.equal(await store.claimRun(run.id, 'b:2:x', 2, undefined), false);
        const got = await store.getRun(run.id);
        assert.equal(got?.owner, 'a:1:x');
        assert.equal(got?.ownerPid, 1);
      });

      void it('lets exactly one of two concurrent claimers win', async () => {
        const store = getStore();
        const run = makeRun();
        await store.createRun(run);
        const results = await Promise.all([
          store.claimRun(run.id, 'a:1:x', 1, undefined),
          store.claimRun(run.id, 'b:2:x', 2, undefined),
        ]);
        assert.equal(results.filter(Boolean).length, 1);
      });

      void it('takes over from an expected (dead) owner, not from another', async () => {
        const store = getStore();
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
        const store = getStore();
        await assert.rejects(store.claimRun('nope', 'a', 1, undefined), NotFoundError);
      });

      void it('releases only when the owner matches', async () => {
        const store = getStore();
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
        const store = getStore();
        const run = makeRun();
        await store.createRun(run);
        assert.equal((await store.getRun(run.id))?.cancelRequested, false);
        await store.requestCancel(run.id);
        await store.requestCancel(run.id);
        assert.equal((await store.getRun(run.id))?.cancelRequested, true);
        await assert.rejects(store.requestCancel('nope'), NotFoundError);
      });
    });
  });
}
