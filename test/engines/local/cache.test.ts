// Component caching on the embedded engine, end to end through the harness: a second run reuses
// every cached result; a changed input reruns only that task and what depends on it; a deleted or
// corrupted artifact is never a stale hit; maxAge; sharing across workflows; --no-cache; failures.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { OWNER_ID } from '../../../src/engines/owner.js';
import type { WorkflowSpec } from '../../../src/spec/schema.js';
import { makeHarness, openLocalEngines, readRun, runToEnd, sh, workflow, type Harness, type RunResult } from '../harness.js';

let h: Harness;
beforeEach(async () => (h = await makeHarness()));
afterEach(async () => h.close());

const executed = (r: RunResult, task: string): boolean => r.executions(task).length > 0;

/**
 * Flips one bit of a file in place, keeping its size and its mtime to the nanosecond: the mtime
 * is first set to a whole second (which utimes stores exactly; no later than when the entry was
 * stored) and set back to it after the write.
 */
function flipBitInPlace(path: string, byte: number, bit: number): void {
  const second = Math.floor(statSync(path).mtimeMs / 1000);
  utimesSync(path, second, second);
  const before = statSync(path, { bigint: true });
  const bytes = readFileSync(path);
  bytes[byte]! ^= 1 << bit;
  writeFileSync(path, bytes);
  utimesSync(path, second, second);
  const after = statSync(path, { bigint: true });
  assert.deepEqual([after.size, after.mtimeNs], [before.size, before.mtimeNs], 'same size and mtime');
}

function produceAndConsume(token: string): WorkflowSpec {
  return workflow({
    defaults: { cache: {} },
    tasks: [
      {
        name: 'produce',
        ...sh(`printf '${token} content' > $TANDEM_OUTPUTS/doc.txt; echo 41 > $TANDEM_OUTPUTS/n; echo '{"name":"acc","value":0.5}' >> $TANDEM_METRICS`),
        outputs: { doc: { type: 'artifact', path: 'doc.txt' }, n: { type: 'integer' } },
      },
      { name: 'measure', ...sh('wc -c < {{ inputs.doc }} > $TANDEM_OUTPUTS/bytes'), inputs: { doc: '{{ tasks.produce.outputs.doc }}' }, outputs: { bytes: { type: 'integer' } } },
      { name: 'fan', forEach: [1, 2, 3], ...sh('echo $(( {{ item }} * 10 )) > $TANDEM_OUTPUTS/v'), outputs: { v: { type: 'integer' } } },
      // Opted out: runs every time, reading the (possibly cached) artifact.
      { name: 'check', cache: { enabled: false }, ...sh('cat {{ inputs.doc }} > $TANDEM_OUTPUTS/text'), inputs: { doc: '{{ tasks.produce.outputs.doc }}' }, outputs: { text: {} } },
    ],
  });
}

void describe('component cache on the embedded engine', () => {
  void it('reuses every cached result on a second run, with the same outputs and where they came from', async () => {
    const spec = produceAndConsume('first');
    const cold = await runToEnd(h, spec);
    assert.equal(cold.run.status, 'Succeeded', cold.run.message);
    const warm = await runToEnd(h, spec);
    assert.equal(warm.run.status, 'Succeeded', warm.run.message);
    for (const task of ['produce', 'measure', 'fan', 'fan[0]', 'fan[1]', 'fan[2]']) {
      assert.equal(warm.status(task), 'Cached', `${task} is Cached`);
      assert.equal(executed(warm, task), false, `${task} did not run`);
    }
    assert.match(warm.message('produce') ?? '', new RegExp(`cache hit: outputs of run ${cold.run.id} task produce \\(key [0-9a-f]{12}\\)`));
    assert.match(warm.message('fan[2]') ?? '', new RegExp(`run ${cold.run.id} task fan\\[2\\]`));
    assert.equal(warm.status('check'), 'Succeeded');
    assert.equal(executed(warm, 'check'), true, 'a task with enabled: false runs');
    for (const [task, name] of [['produce', 'n'], ['produce', 'doc'], ['measure', 'bytes'], ['fan', 'v'], ['check', 'text']] as const) {
      assert.deepEqual(warm.output(task, name), cold.output(task, name), `${task}.${name}`);
    }
    assert.deepEqual(warm.output('fan', 'v'), [10, 20, 30]);
    assert.equal(warm.output('check', 'text'), 'first content');
    const artifact = warm.artifacts.find((a) => a.task === 'produce' && a.name === 'doc');
    assert.equal(artifact?.digest, cold.artifacts.find((a) => a.name === 'doc')?.digest);
    assert.deepEqual((await h.store.listMetrics(warm.run.id)).map((m) => [m.task, m.name, m.value]), [['produce', 'acc', 0.5]]);
    const entry = (await h.store.listCacheEntries()).find((e) => e.task === 'produce');
    assert.equal(entry?.hits, 1);
    assert.equal(entry?.runId, cold.run.id);
  });

  void it('reruns only the task whose input changed and the tasks downstream of it', async () => {
    const spec = workflow({
      defaults: { cache: {} },
      params: { p: { type: 'integer', default: 1 }, q: { type: 'integer', default: 1 } },
      tasks: [
        { name: 'a', ...sh('echo $(( {{ inputs.p }} + 100 )) > $TANDEM_OUTPUTS/v'), inputs: { p: '{{ params.p }}' }, outputs: { v: { type: 'integer' } } },
        { name: 'b', ...sh('echo $(( {{ inputs.v }} * 2 )) > $TANDEM_OUTPUTS/v'), inputs: { v: '{{ tasks.a.outputs.v }}' }, outputs: { v: { type: 'integer' } } },
        { name: 'c', ...sh('echo {{ params.q }} > $TANDEM_OUTPUTS/v'), outputs: { v: { type: 'integer' } } },
        { name: 'd', ...sh('echo $(( {{ inputs.v }} + 1 )) > $TANDEM_OUTPUTS/v'), inputs: { v: '{{ tasks.c.outputs.v }}' }, outputs: { v: { type: 'integer' } } },
      ],
    });
    assert.equal((await runToEnd(h, spec)).run.status, 'Succeeded');
    const changed = await runToEnd(h, spec, { p: 2 });
    assert.equal(changed.run.status, 'Succeeded', changed.run.message);
    assert.deepEqual(
      ['a', 'b', 'c', 'd'].map((t) => [t, changed.status(t)]),
      [
        ['a', 'Succeeded'],
        ['b', 'Succeeded'],
        ['c', 'Cached'],
        ['d', 'Cached'],
      ],
    );
    assert.equal(changed.output('b', 'v'), 204);
    // q is referenced by c's command line only, not through an input: that is part of the key too.
    const again = await runToEnd(h, spec, { p: 2, q: 5 });
    assert.deepEqual(['a', 'b', 'c', 'd'].map((t) => again.status(t)), ['Cached', 'Cached', 'Succeeded', 'Succeeded']);
    assert.equal(again.output('d', 'v'), 6);
  });

  void it('never serves a deleted or corrupted artifact: the entry is dropped and the task reruns', async () => {
    const spec = produceAndConsume('kept');
    const cold = await runToEnd(h, spec);
    const blob = cold.artifacts.find((a) => a.name === 'doc')!.path;

    rmSync(blob);
    const afterDelete = await runToEnd(h, spec);
    assert.equal(afterDelete.run.status, 'Succeeded', afterDelete.run.message);
    assert.equal(afterDelete.status('produce'), 'Succeeded');
    assert.equal(executed(afterDelete, 'produce'), true);
    assert.equal(afterDelete.status('fan[0]'), 'Cached', 'entries without the artifact are still hits');
    assert.equal(readFileSync(blob, 'utf8'), 'kept content', 'the rerun stored the content again');
    const events = await h.store.listRunEvents(afterDelete.run.id);
    assert.ok(events.some((e) => e.task === 'produce' && /dropped: artifact "doc" \(sha256 [0-9a-f]{12}\) is missing/.test(e.message ?? '')));
    assert.match(afterDelete.executions('produce')[0]?.message ?? '', /^cache entry [0-9a-f]{12} dropped: artifact "doc"/, 'show says why it ran');
    const entry = (await h.store.listCacheEntries()).find((e) => e.task === 'produce');
    assert.equal(entry?.runId, afterDelete.run.id, 'the new result replaced the dropped entry');

    writeFileSync(blob, 'evil content'); // same size, other bytes
    const afterCorruption = await runToEnd(h, spec);
    assert.equal(executed(afterCorruption, 'produce'), true, 'a corrupted artifact is a miss');
    assert.equal(afterCorruption.output('check', 'text'), 'kept content', 'downstream tasks read the good content');
    assert.equal(readFileSync(blob, 'utf8'), 'kept content');

    writeFileSync(blob, 'short');
    const afterTruncation = await runToEnd(h, spec);
    assert.equal(executed(afterTruncation, 'produce'), true, 'a blob of the wrong size is a miss');

    const healthy = await runToEnd(h, spec);
    assert.equal(healthy.status('produce'), 'Cached');
  });

  void it('never serves an artifact changed in place with its size and mtime kept (one flipped bit)', async () => {
    const spec = produceAndConsume('flipped');
    const cold = await runToEnd(h, spec);
    assert.equal(cold.run.status, 'Succeeded', cold.run.message);
    const blob = cold.artifacts.find((a) => a.name === 'doc')!.path;
    flipBitInPlace(blob, 2, 0);
    assert.notEqual(readFileSync(blob, 'utf8'), 'flipped content', 'the blob is corrupted');

    const after = await runToEnd(h, spec);
    assert.equal(after.run.status, 'Succeeded', after.run.message);
    assert.equal(executed(after, 'produce'), true, 'the corrupted hit is a miss: produce ran again');
    assert.equal(after.output('check', 'text'), 'flipped content', 'downstream tasks read the good content');
    assert.equal(readFileSync(blob, 'utf8'), 'flipped content', 'the rerun stored the good content again');
    const why = /^cache entry [0-9a-f]{12} dropped: artifact "doc" \(sha256 [0-9a-f]{12}\) has changed: its content no longer matches its digest; running again$/;
    assert.match(after.executions('produce')[0]?.message ?? '', why, 'show says why it ran');
    assert.ok((await h.store.listRunEvents(after.run.id)).some((e) => e.task === 'produce' && why.test(e.message ?? '')), 'the run event log says why');
    assert.equal((await runToEnd(h, spec)).status('produce'), 'Cached', 'the repaired entry is a hit again');
  });

  void it('repairs a blob changed in place when a task stores the same content again, so readers get the good bytes', async () => {
    // No cache at all: the content-addressed store alone must not keep a bad blob under a good digest.
    const spec = workflow({
      tasks: [
        { name: 'produce', ...sh("printf 'stored once' > $TANDEM_OUTPUTS/doc.txt"), outputs: { doc: { type: 'artifact', path: 'doc.txt' } } },
        { name: 'read', ...sh('cat {{ inputs.doc }} > $TANDEM_OUTPUTS/text'), inputs: { doc: '{{ tasks.produce.outputs.doc }}' }, outputs: { text: {} } },
      ],
    });
    const first = await runToEnd(h, spec);
    assert.equal(first.output('read', 'text'), 'stored once');
    const blob = first.artifacts.find((a) => a.name === 'doc')!.path;
    flipBitInPlace(blob, 0, 6);
    const second = await runToEnd(h, spec);
    assert.equal(second.run.status, 'Succeeded', second.run.message);
    assert.equal(second.output('read', 'text'), 'stored once', 'the reader got the bytes the producer wrote');
    assert.equal(readFileSync(blob, 'utf8'), 'stored once');
  });

  void it('treats an entry older than maxAge as a miss', async () => {
    const spec = workflow({ tasks: [{ name: 'stamp', cache: { maxAge: '1h' }, ...sh('echo fresh > $TANDEM_OUTPUTS/s'), outputs: { s: {} } }] });
    const first = await runToEnd(h, spec);
    const [entry] = await h.store.listCacheEntries();
    assert.ok(entry);
    assert.equal((await runToEnd(h, spec)).status('stamp'), 'Cached', 'younger than maxAge: a hit');
    await h.store.putCacheEntry({ ...entry, createdAt: entry.createdAt - 2 * 3_600_000 });
    const expired = await runToEnd(h, spec);
    assert.equal(expired.status('stamp'), 'Succeeded');
    assert.equal(executed(expired, 'stamp'), true);
    assert.ok((await h.store.listRunEvents(expired.run.id)).some((e) => /older than maxAge/.test(e.message ?? '')));
    assert.match(expired.message('stamp') ?? '', /older than maxAge: running again/);
    const [renewed] = await h.store.listCacheEntries();
    assert.equal(renewed?.runId, expired.run.id);
    assert.notEqual(renewed?.runId, first.run.id);
  });

  void it('shares entries across workflows and task names', async () => {
    const task = { ...sh('echo shared > $TANDEM_OUTPUTS/out'), outputs: { out: {} }, cache: { version: 'v1' } };
    const alpha = await runToEnd(h, workflow({ name: 'alpha', tasks: [{ name: 'make', ...task }] }));
    const beta = await runToEnd(h, workflow({ name: 'beta', tasks: [{ name: 'build', ...task, description: 'same work, other name' }] }));
    assert.equal(beta.status('build'), 'Cached');
    assert.match(beta.message('build') ?? '', new RegExp(`run ${alpha.run.id} task make`));
    assert.equal(beta.output('build', 'out'), 'shared');
    const bumped = await runToEnd(h, workflow({ name: 'beta', tasks: [{ name: 'build', ...task, cache: { version: 'v2' } }] }));
    assert.equal(bumped.status('build'), 'Succeeded', 'a new cache version is a miss');
  });

  void it('--no-cache runs every task and refreshes the cache', async () => {
    const spec = workflow({ defaults: { cache: {} }, tasks: [{ name: 'work', ...sh('echo done > $TANDEM_OUTPUTS/r'), outputs: { r: {} } }] });
    await runToEnd(h, spec);
    const { runId } = await h.engine.submit({ spec, baseDir: process.cwd(), noCache: true });
    const forced = await readRun(h, runId);
    assert.equal(forced.status('work'), 'Succeeded');
    assert.equal(executed(forced, 'work'), true);
    const [entry] = await h.store.listCacheEntries();
    assert.equal(entry?.runId, runId, 'the forced run refreshed the entry');
    const next = await runToEnd(h, spec);
    assert.match(next.message('work') ?? '', new RegExp(`run ${runId} task work`));
  });

  void it('a resumed --no-cache run still reuses nothing', async () => {
    const gate = join(h.home, 'gate-open');
    const spec = workflow({
      defaults: { cache: {} },
      tasks: [
        // Waits for the gate file: the engine is stopped while it runs. Not cached, retried once.
        { name: 'gate', cache: { enabled: false }, retry: { limit: 1 }, ...sh(`while [ ! -f ${gate} ]; do sleep 0.05; done`) },
        { name: 'work', dependsOn: ['gate'], ...sh('echo done > $TANDEM_OUTPUTS/r'), outputs: { r: {} } },
      ],
    });
    writeFileSync(gate, '');
    assert.equal((await runToEnd(h, spec)).status('work'), 'Succeeded', 'the cold run fills the cache');
    rmSync(gate);

    // A second engine on the same store starts the --no-cache run and stops while gate runs.
    const { engines: stopping } = await openLocalEngines({ store: h.store, home: h.home, concurrency: 4 });
    const { runId } = await stopping.submit({ spec, baseDir: process.cwd(), noCache: true });
    const deadline = Date.now() + 60_000;
    while (!(await h.store.listTaskRuns(runId)).some((r) => r.task === 'gate' && r.status === 'Running' && r.pid !== undefined)) {
      assert.ok(Date.now() < deadline, 'gate never started');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await stopping.close();
    await h.store.releaseRun(runId, OWNER_ID); // as if its process had died
    assert.equal((await h.store.getRun(runId))?.noCache, true, 'the run records that it was asked not to reuse the cache');

    writeFileSync(gate, '');
    assert.deepEqual(await h.engine.resume(runId), [runId]);
    const resumed = await readRun(h, runId);
    assert.equal(resumed.run.status, 'Succeeded', resumed.run.message);
    assert.equal(resumed.status('work'), 'Succeeded', 'not Cached: the resumed run kept --no-cache');
    assert.equal(executed(resumed, 'work'), true);
  });

  void it('never caches a failed task', async () => {
    const marker = join(h.home, 'ready');
    const spec = workflow({ defaults: { cache: {} }, tasks: [{ name: 'flaky', ...sh(`test -f ${marker} && echo ok > $TANDEM_OUTPUTS/r`), outputs: { r: {} } }] });
    assert.equal((await runToEnd(h, spec)).run.status, 'Failed');
    assert.deepEqual(await h.store.listCacheEntries(), []);
    writeFileSync(marker, '');
    const second = await runToEnd(h, spec);
    assert.equal(second.status('flaky'), 'Succeeded');
    assert.equal(executed(second, 'flaky'), true);
    assert.equal((await runToEnd(h, spec)).status('flaky'), 'Cached');
    assert.ok(existsSync(marker));
  });

  void it('runs a task whose cache key cannot be computed, uncached, and says why', async () => {
    const spec = workflow({ tasks: [{ name: 'odd', cache: { key: ['{{ params.nope.deeper }}'] }, ...sh('echo x > $TANDEM_OUTPUTS/r'), outputs: { r: {} } }] });
    const result = await runToEnd(h, spec);
    assert.equal(result.status('odd'), 'Succeeded');
    assert.ok((await h.store.listRunEvents(result.run.id)).some((e) => e.task === 'odd' && /^not cached: cache\.key/.test(e.message ?? '')));
    assert.match(result.message('odd') ?? '', /^not cached: cache\.key/);
    assert.deepEqual(await h.store.listCacheEntries(), []);
  });
});
