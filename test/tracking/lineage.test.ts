// Lineage through a real run of a 3-task workflow: what each task run consumed is recorded, and
// the graph answers upstream and downstream from an artifact and from a run or task run.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NotFoundError, UsageError } from '../../src/errors.js';
import { buildLineage } from '../../src/tracking/lineage.js';
import { formatLineage } from '../../src/tracking/lineage-format.js';
import { resolveLineageRoot } from '../../src/tracking/lineage-root.js';
import { makeHarness, runToEnd, type Harness } from '../engines/harness.js';
import { pipeline } from './fixtures.js';

void describe('lineage', () => {
  let h: Harness;
  let runId: string;
  let digests: Record<string, string>;
  before(async () => {
    h = await makeHarness();
    const result = await runToEnd(h, pipeline(), { lr: 0.2, rows: 3 });
    assert.equal(result.run.status, 'Succeeded', JSON.stringify(result.attempts.map((a) => [a.task, a.status, a.message])));
    runId = result.run.id;
    digests = Object.fromEntries(result.artifacts.map((a) => [a.name, a.digest]));
  });
  after(async () => h.close());

  void it('records what each task run consumed: resolved params and artifacts with their source', async () => {
    const inputs = await h.store.listTaskInputs(runId);
    const train = inputs.filter((i) => i.task === 'train');
    assert.deepEqual(
      train.map((i) => [i.name, i.kind, i.value ?? i.artifact?.digest, i.source]),
      [
        ['data', 'artifact', digests.data, { task: 'prepare', output: 'data' }],
        ['lr', 'param', 0.2, undefined],
      ],
    );
    assert.deepEqual(inputs.filter((i) => i.task === 'prepare'), []);
  });

  void it('stores the sidecar metadata with the artifact', async () => {
    const data = (await h.store.listArtifacts(runId)).find((a) => a.name === 'data');
    assert.deepEqual(data?.metadata, { rows: 3 });
  });

  void it('walks upstream and downstream from an artifact given by digest prefix', async () => {
    const root = await resolveLineageRoot(h.store, digests.model!.slice(0, 10));
    assert.deepEqual(root, { kind: 'artifact', digest: digests.model });
    const graph = await buildLineage(h.store, root, { depth: 10 });
    const side = (side: string) => graph.tasks.filter((t) => t.side === side).map((t) => `${t.task}@${t.distance}`).sort();
    assert.deepEqual(side('upstream'), ['prepare@2', 'train@1']);
    assert.deepEqual(side('downstream'), ['evaluate@1']);
    assert.deepEqual(graph.tasks.find((t) => t.task === 'train')?.params, { lr: 0.2 });
    const edge = (from: string, to: string) => graph.edges.some((e) => e.from.endsWith(from) && e.to.endsWith(to));
    assert.ok(edge(`/prepare`, digests.data!) && edge(digests.data!, '/train') && edge('/train', digests.model!) && edge(digests.model!, '/evaluate'));
    assert.ok(edge('/evaluate', digests.cm!), 'the downstream task run shows what it produced');
    assert.equal(graph.artifacts.find((a) => a.digest === digests.data)?.type, 'Dataset');
  });

  void it('stops at --depth and follows one direction only when asked', async () => {
    const root = { kind: 'artifact' as const, digest: digests.cm! };
    const one = await buildLineage(h.store, root, { depth: 1, direction: 'upstream' });
    assert.deepEqual(one.tasks.map((t) => t.task), ['evaluate']);
    // The boundary task run still shows what it consumed, as a leaf.
    assert.ok(one.artifacts.some((a) => a.digest === digests.model));
    const all = await buildLineage(h.store, root, { depth: 5, direction: 'upstream' });
    assert.deepEqual(all.tasks.map((t) => t.task).sort(), ['evaluate', 'prepare', 'train']);
    const down = await buildLineage(h.store, root, { depth: 5, direction: 'downstream' });
    assert.deepEqual(down.tasks, []);
  });

  void it('walks from a task run (RUN/TASK) and from RUN/TASK/OUTPUT', async () => {
    const task = await buildLineage(h.store, await resolveLineageRoot(h.store, `${runId}/train`), { depth: 10 });
    assert.deepEqual(task.tasks.map((t) => `${t.side}:${t.task}`).sort(), ['downstream:evaluate', 'root:train', 'upstream:prepare']);
    const output = await resolveLineageRoot(h.store, `${runId}/prepare/data`);
    assert.deepEqual(output, { kind: 'artifact', digest: digests.data, producer: { runId, task: 'prepare', output: 'data' } });
    const graph = await buildLineage(h.store, output, { depth: 1, direction: 'downstream' });
    assert.deepEqual(graph.tasks.map((t) => t.task), ['train']);
  });

  void it('shows a whole run as one graph', async () => {
    const graph = await buildLineage(h.store, await resolveLineageRoot(h.store, runId), { depth: 10 });
    assert.deepEqual(graph.tasks.map((t) => t.side), ['root', 'root', 'root']);
    assert.equal(graph.edges.filter((e) => e.relation === 'produced').length, 3);
    assert.equal(graph.edges.filter((e) => e.relation === 'consumed').length, 2);
    const text = formatLineage(graph).join('\n');
    assert.match(text, /lineage of run /);
    assert.match(text, /train {2}Succeeded\n {6}params {4}lr=0\.2\n {6}consumed {2}data ← [0-9a-f]{12} \(Dataset, 6 B, metadata \{"rows":3\}\)/);
  });

  void it('finds content produced by another run too, when asked by digest', async () => {
    const second = await runToEnd(h, pipeline(), { lr: 0.2, rows: 3 });
    const graph = await buildLineage(h.store, { kind: 'artifact', digest: digests.data! }, { depth: 1 });
    assert.deepEqual(new Set(graph.tasks.map((t) => t.runId)), new Set([runId, second.run.id]));
    const scoped = await buildLineage(h.store, { kind: 'artifact', digest: digests.data! }, { depth: 1, canSee: (run) => run.id === runId });
    assert.deepEqual(new Set(scoped.tasks.map((t) => t.runId)), new Set([runId]));
  });

  void it('explains references it cannot resolve', async () => {
    await assert.rejects(resolveLineageRoot(h.store, 'abc'), (e: unknown) => e instanceof UsageError && /at least 6 hex digits/.test(e.message));
    await assert.rejects(resolveLineageRoot(h.store, 'ffffffffff'), NotFoundError);
    await assert.rejects(resolveLineageRoot(h.store, `${runId}/prepare/nope`), (e: unknown) => e instanceof UsageError && /prepare\/data/.test(e.message));
    await assert.rejects(resolveLineageRoot(h.store, 'no-such-run/x'), NotFoundError);
  });
});
