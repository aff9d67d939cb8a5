// The tracking role's contract: experiments, what task runs consumed, artifacts by digest and
// their metadata.
// Cross-role: what tracking reads is written through the runs role (createRun, applyWrites with
// `inputs` and `artifact` writes) and some of it is read back there (listRuns by experiment,
// listArtifacts), so the suite takes RunStore & TrackingStore.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunArtifactRecord, RunStore, TaskInputRecord } from '../../../src/store/ports/runs.js';
import type { TrackingStore } from '../../../src/store/ports/tracking.js';
import { makeRun } from '../fixtures.js';
import { freshPerTest, type RoleFactory } from './handle.js';

const D1 = 'aa11'.padEnd(64, '0');
const D2 = 'aa12'.padEnd(64, '0');
const D3 = 'bb00'.padEnd(64, '0');

function artifact(runId: string, task: string, name: string, digest: string, extra: Partial<RunArtifactRecord> = {}): RunArtifactRecord {
  return { runId, task, name, digest, size: 4, kind: 'file', type: 'Dataset', path: `/cas/${digest}`, ...extra };
}

export function trackingContract(make: RoleFactory<RunStore & TrackingStore>): void {
  void describe('tracking', () => {
    const getStore = freshPerTest(make);

    void it('stores the experiment with the run, filters listings by it and summarises experiments', async () => {
      const store = getStore();
      const a = makeRun({ experiment: 'sweep' });
      const b = makeRun({ experiment: 'sweep' });
      const c = makeRun({ experiment: 'other' });
      const d = makeRun();
      for (const run of [a, b, c, d]) await store.createRun(run);
      assert.deepEqual(await store.getRun(a.id), a);
      assert.equal(Object.hasOwn((await store.getRun(d.id)) ?? {}, 'experiment'), false);
      assert.deepEqual((await store.listRuns({ experiment: 'sweep' })).map((r) => r.id), [b.id, a.id]);
      assert.deepEqual((await store.listRuns({ experiment: 'sweep', limit: 1 })).map((r) => r.id), [b.id]);
      assert.deepEqual(await store.listRuns({ experiment: 'none' }), []);
      assert.deepEqual(await store.listExperiments(), [
        { name: 'other', runs: 1, lastRunAt: c.createdAt },
        { name: 'sweep', runs: 2, lastRunAt: b.createdAt },
      ]);
    });

    void it('replaces what a task run consumed, keeping other tasks, and lists consumers by digest', async () => {
      const store = getStore();
      const run = makeRun();
      await store.createRun(run);
      const first: TaskInputRecord[] = [
        { runId: run.id, task: 'train', attempt: 1, name: 'lr', kind: 'param', value: 0.1 },
        { runId: run.id, task: 'train', attempt: 1, name: 'data', kind: 'artifact', artifact: { digest: D1, size: 4, kind: 'file', type: 'Dataset' }, source: { task: 'prep', output: 'data' } },
      ];
      const fanIn: TaskInputRecord[] = [0, 1].map((index) => ({
        runId: run.id,
        task: 'merge',
        attempt: 1,
        name: 'parts',
        kind: 'artifact' as const,
        artifact: { digest: index === 0 ? D1 : D2, size: 4, kind: 'file' as const, type: 'artifact' },
        index,
        source: { task: 'split', output: 'part' },
      }));
      await store.applyWrites([
        { kind: 'inputs', runId: run.id, task: 'train', inputs: first },
        { kind: 'inputs', runId: run.id, task: 'merge', inputs: fanIn },
      ]);
      const retried = [{ ...first[0]!, attempt: 2, value: { nested: [1, null] } }];
      await store.applyWrites([{ kind: 'inputs', runId: run.id, task: 'train', inputs: retried }]);
      assert.deepEqual(await store.listTaskInputs(run.id), [...fanIn, ...retried]);
      assert.deepEqual(await store.listArtifactConsumers(D1), [fanIn[0]]);
      assert.deepEqual(await store.listArtifactConsumers(D3), []);
      assert.deepEqual(await store.listTaskInputs('nope'), []);
    });

    void it('keeps a param input whose value is null as null', async () => {
      const store = getStore();
      const run = makeRun();
      await store.createRun(run);
      const input: TaskInputRecord = { runId: run.id, task: 't', attempt: 1, name: 'x', kind: 'param', value: null };
      await store.applyWrites([{ kind: 'inputs', runId: run.id, task: 't', inputs: [input] }]);
      assert.deepEqual(await store.listTaskInputs(run.id), [input]);
    });

    void it('round-trips artifact metadata, finds producers by digest and digests by prefix', async () => {
      const store = getStore();
      const older = makeRun();
      const newer = makeRun();
      await store.createRun(older);
      await store.createRun(newer);
      const withMeta = artifact(newer.id, 'prep', 'data', D1, { metadata: { rows: 3, source: 'a,b' } });
      await store.applyWrites([
        { kind: 'artifact', record: withMeta },
        { kind: 'artifact', record: artifact(older.id, 'prep', 'data', D1) },
        { kind: 'artifact', record: artifact(older.id, 'prep', 'other', D2) },
        { kind: 'artifact', record: artifact(older.id, 'eval', 'report', D3) },
      ]);
      assert.deepEqual((await store.listArtifacts(newer.id))[0], withMeta);
      assert.deepEqual((await store.listArtifactProducers(D1)).map((a) => a.runId), [older.id, newer.id]);
      assert.deepEqual(await store.findArtifactDigests('aa1', 10), [D1, D2]);
      assert.deepEqual(await store.findArtifactDigests('aa1', 1), [D1]);
      assert.deepEqual(await store.findArtifactDigests('bb', 10), [D3]);
      assert.deepEqual(await store.findArtifactDigests('cc', 10), []);
      // An upsert without metadata clears what the earlier write said.
      await store.applyWrites([{ kind: 'artifact', record: artifact(newer.id, 'prep', 'data', D1) }]);
      assert.equal(Object.hasOwn((await store.listArtifacts(newer.id))[0] ?? {}, 'metadata'), false);
    });

    void it('rejects inputs for an unknown run, rolling back the batch', async () => {
      const store = getStore();
      const run = makeRun();
      await store.createRun(run);
      const input: TaskInputRecord = { runId: 'ghost', task: 't', attempt: 1, name: 'x', kind: 'param', value: 1 };
      await assert.rejects(
        store.applyWrites([
          { kind: 'inputs', runId: run.id, task: 't', inputs: [{ ...input, runId: run.id }] },
          { kind: 'inputs', runId: 'ghost', task: 't', inputs: [input] },
        ]),
        /ghost/,
      );
      assert.deepEqual(await store.listTaskInputs(run.id), []);
    });
  });
}
