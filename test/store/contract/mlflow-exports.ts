// The MLflow-exports role's contract: export state per run (get, put, list, next due) and the
// lease that keeps two processes from exporting one run at once.
// Cross-role: an export belongs to a run (one for an unknown run is NotFoundError), so the suite
// also needs the runs role's createRun: it takes MlflowExportStore & Pick<RunWriter, 'createRun'>.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError } from '../../../src/errors.js';
import type { MlflowExportRecord, MlflowExportStore } from '../../../src/store/ports/mlflow-exports.js';
import type { RunWriter } from '../../../src/store/ports/runs.js';
import { makeRun } from '../fixtures.js';
import { freshPerTest, type RoleFactory } from './handle.js';

function pending(runId: string, nextAttemptAt: number, overrides: Partial<MlflowExportRecord> = {}): MlflowExportRecord {
  return { runId, status: 'pending', attempts: 1, metricsSent: 0, nextAttemptAt, updatedAt: 100, ...overrides };
}

export function mlflowExportContract(make: RoleFactory<MlflowExportStore & Pick<RunWriter, 'createRun'>>): void {
  void describe('MLflow export state', () => {
    const getStore = freshPerTest(make);

    void it('round-trips a full record and replaces it on the next put', async () => {
      const store = getStore();
      const run = makeRun();
      await store.createRun(run);
      assert.equal(await store.getMlflowExport(run.id), undefined);
      const first = pending(run.id, 5000, { experimentId: '7', mlflowRunId: 'abc', lastError: 'HTTP 503', metricsSent: 1000 });
      await store.putMlflowExport(first);
      assert.deepEqual(await store.getMlflowExport(run.id), first);
      const done: MlflowExportRecord = { runId: run.id, status: 'exported', experimentId: '7', mlflowRunId: 'abc', attempts: 2, metricsSent: 1500, exportedAt: 6000, updatedAt: 6000 };
      await store.putMlflowExport(done);
      const got = await store.getMlflowExport(run.id);
      assert.deepEqual(got, done);
      assert.equal(Object.hasOwn(got ?? {}, 'lastError'), false);
      assert.equal(Object.hasOwn(got ?? {}, 'nextAttemptAt'), false);
    });

    void it('keeps nextAttemptAt for pending records only, defaulting to updatedAt', async () => {
      const store = getStore();
      const a = makeRun();
      const b = makeRun();
      await store.createRun(a);
      await store.createRun(b);
      await store.putMlflowExport({ runId: a.id, status: 'failed', attempts: 3, metricsSent: 0, nextAttemptAt: 10, lastError: 'HTTP 400', updatedAt: 9 });
      assert.equal((await store.getMlflowExport(a.id))?.nextAttemptAt, undefined);
      await store.putMlflowExport({ runId: b.id, status: 'pending', attempts: 0, metricsSent: 0, updatedAt: 42 });
      assert.equal((await store.getMlflowExport(b.id))?.nextAttemptAt, 42);
    });

    void it('rejects state for an unknown run with NotFoundError', async () => {
      await assert.rejects(getStore().putMlflowExport(pending('no-such-run', 1)), NotFoundError);
    });

    void it('lists newest update first, by status, and the due ones earliest first', async () => {
      const store = getStore();
      const runs = [makeRun(), makeRun(), makeRun(), makeRun()];
      for (const run of runs) await store.createRun(run);
      const [r0, r1, r2, r3] = runs.map((r) => r.id) as [string, string, string, string];
      await store.putMlflowExport(pending(r0, 3000, { updatedAt: 1 }));
      await store.putMlflowExport(pending(r1, 1000, { updatedAt: 2 }));
      await store.putMlflowExport(pending(r2, 9000, { updatedAt: 3 }));
      await store.putMlflowExport({ runId: r3, status: 'exported', attempts: 1, metricsSent: 4, exportedAt: 4, updatedAt: 4 });

      assert.deepEqual((await store.listMlflowExports()).map((e) => e.runId), [r3, r2, r1, r0]);
      assert.deepEqual((await store.listMlflowExports({ limit: 2 })).map((e) => e.runId), [r3, r2]);
      assert.deepEqual((await store.listMlflowExports({ status: ['exported'] })).map((e) => e.runId), [r3]);
      assert.deepEqual(await store.listMlflowExports({ status: [] }), []);
      assert.deepEqual((await store.listMlflowExports({ dueBy: 3000 })).map((e) => e.runId), [r1, r0]);
      assert.deepEqual((await store.listMlflowExports({ dueBy: 3000, limit: 1 })).map((e) => e.runId), [r1]);
      assert.equal(await store.nextMlflowExportDue(), 1000);
    });

    void it('leases an export to one holder at a time, until it runs out or is given back', async () => {
      const store = getStore();
      const run = makeRun();
      await store.createRun(run);
      assert.equal(await store.leaseMlflowExport(run.id, 'a', 1000, 5000), true, 'the first holder takes it');
      const created = await store.getMlflowExport(run.id);
      assert.deepEqual(created, { runId: run.id, status: 'pending', attempts: 0, metricsSent: 0, nextAttemptAt: 1000, updatedAt: 1000 }, 'a pending record is made');
      assert.equal(await store.leaseMlflowExport(run.id, 'b', 2000, 6000), false, 'another holder waits while the lease runs');
      assert.equal(await store.leaseMlflowExport(run.id, 'a', 2000, 7000), true, 'the holder renews it');
      assert.equal(await store.nextMlflowExportDue(), 7000, 'a leased export is due when the lease runs out');
      assert.deepEqual(await store.listMlflowExports({ dueBy: 6999 }), [], 'and is not listed as due before');

      await store.putMlflowExport(pending(run.id, 1500, { updatedAt: 2500, mlflowRunId: 'abc' }));
      assert.equal(await store.leaseMlflowExport(run.id, 'b', 3000, 8000), false, 'writing the record keeps the lease');
      assert.equal(await store.leaseMlflowExport(run.id, 'b', 7000, 9000), true, 'a lease that ran out is taken over');
      assert.equal((await store.getMlflowExport(run.id))?.mlflowRunId, 'abc', 'taking the lease keeps the record');

      await store.releaseMlflowExport(run.id, 'a'); // not the holder any more: no effect
      assert.equal(await store.leaseMlflowExport(run.id, 'a', 7500, 9500), false);
      await store.releaseMlflowExport(run.id, 'b');
      assert.equal(await store.nextMlflowExportDue(), 1500, 'given back: due at its nextAttemptAt again');
      assert.equal(await store.leaseMlflowExport(run.id, 'a', 7600, 9600), true);
      await assert.rejects(store.leaseMlflowExport('no-such-run', 'a', 1, 2), NotFoundError);
    });

    void it('has no next due time when nothing is pending', async () => {
      const store = getStore();
      assert.equal(await store.nextMlflowExportDue(), undefined);
      const run = makeRun();
      await store.createRun(run);
      await store.putMlflowExport({ runId: run.id, status: 'exported', attempts: 1, metricsSent: 0, updatedAt: 5 });
      assert.equal(await store.nextMlflowExportDue(), undefined);
    });
  });
}
