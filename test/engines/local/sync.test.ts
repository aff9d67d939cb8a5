// Synchronization across runs: a mutex admits one task at a time, a semaphore its limit, and both
// hold across processes sharing the store (a holder whose process died is dropped).
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LOCK_POLL_MS } from '../../../src/engines/local/dispatcher.js';
import { OWNER_ID } from '../../../src/engines/owner.js';
import { openStore } from '../../../src/store/sqlite/open.js';
import { makeHarness, maxOverlap, readRun, runToEnd, sh, workflow, type Harness } from '../harness.js';
import type { WorkflowSpec } from '../../../src/spec/schema.js';

describe('embedded engine: synchronization', () => {
  let h: Harness;
  before(async () => (h = await makeHarness({ concurrency: 8 })));
  after(async () => h.close());

  async function runConcurrently(specs: WorkflowSpec[]) {
    const ids = await Promise.all(specs.map((spec) => h.engine.submit({ spec, baseDir: process.cwd() })));
    return Promise.all(ids.map(({ runId }) => readRun(h, runId)));
  }

  it('a mutex shared by several runs lets one task hold it at a time', async () => {
    const spec = workflow({ tasks: [{ name: 'deploy', ...sh('sleep 0.1'), synchronization: { mutex: 'prod' } }] });
    const results = await runConcurrently([spec, spec, spec]);
    for (const result of results) assert.equal(result.run.status, 'Succeeded');
    assert.equal(maxOverlap(results.flatMap((r) => r.executions('deploy'))), 1);
  });

  it('a semaphore admits up to its limit across runs', async () => {
    const spec = workflow({
      tasks: [{ name: 'load', forEach: { count: 3 }, ...sh('sleep 0.15'), synchronization: { semaphore: { name: 'db', limit: 2 } } }],
    });
    const results = await runConcurrently([spec, spec]);
    const rows = results.flatMap((r) => r.attempts.filter((a) => a.task.startsWith('load[') && a.attempt > 0));
    assert.equal(rows.length, 6);
    assert.equal(maxOverlap(rows), 2);
  });

  it('the engine-wide concurrency limit holds across runs', async () => {
    const small = await makeHarness({ concurrency: 2 });
    try {
      const spec = workflow({ tasks: Array.from({ length: 3 }, (_, i) => ({ name: `t${i}`, ...sh('sleep 0.1') })) });
      const ids = await Promise.all([spec, spec].map((s) => small.engine.submit({ spec: s, baseDir: process.cwd() })));
      const results = await Promise.all(ids.map(({ runId }) => readRun(small, runId)));
      assert.equal(maxOverlap(results.flatMap((r) => r.attempts.filter((a) => a.attempt > 0))), 2);
    } finally {
      await small.close();
    }
  });
});

describe('embedded engine: synchronization across processes sharing the store', () => {
  let h: Harness;
  before(async () => (h = await makeHarness()));
  after(async () => h.close());

  const deploy = workflow({ tasks: [{ name: 'deploy', ...sh('sleep 0.05'), synchronization: { mutex: 'prod' } }] });
  const holder = (owner: string, ownerPid: number) => ({ lock: 'mutex/prod', holder: 'elsewhere/deploy', owner, ownerPid, acquiredAt: Date.now() });

  it('waits while a live process holds the mutex, and starts once it lets go', async () => {
    // This process stands for the other one: its owner id is alive.
    assert.equal((await h.store.acquireLock(holder(OWNER_ID, process.pid), 1)).acquired, true);
    const { runId } = await h.engine.submit({ spec: deploy, baseDir: process.cwd() });
    await new Promise((resolve) => setTimeout(resolve, 4 * LOCK_POLL_MS));
    assert.deepEqual(
      (await h.store.listTaskRuns(runId)).filter((r) => r.attempt > 0),
      [],
      'deploy has not started while another process holds prod',
    );
    await h.store.releaseLock('mutex/prod', 'elsewhere/deploy');
    const result = await readRun(h, runId);
    assert.equal(result.run.status, 'Succeeded');
    assert.deepEqual(await h.store.listLocks(), [], 'the run gave the mutex back');
  });

  it('drops a holder whose process died instead of waiting for it forever', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    assert.ok(deadPid > 0);
    await h.store.acquireLock(holder(`${hostname()}:${deadPid}:gone`, deadPid), 1);
    const result = await runToEnd(h, deploy);
    assert.equal(result.run.status, 'Succeeded');
    assert.deepEqual(await h.store.listLocks(), []);
  });

  it('a mutex admits one task at a time across separate `tandem run` processes', async () => {
    const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'tandem.js');
    assert.ok(existsSync(join(import.meta.dirname, '..', '..', '..', 'dist', 'src', 'cli', 'main.js')), 'run `npm run build` first');
    const dir = mkdtempSync(join(tmpdir(), 'tandem-mutex-'));
    try {
      const file = join(dir, 'deploy.yaml');
      writeFileSync(file, ['name: deploy-everywhere', 'tasks:', '  - name: deploy', '    process: { command: /bin/sleep, args: ["0.6"] }', '    synchronization: { mutex: prod }', ''].join('\n'));
      const home = join(dir, 'home');
      const runs = Array.from({ length: 3 }, () =>
        new Promise<number | null>((resolve) => spawn(process.execPath, [bin, '--home', home, 'run', file], { stdio: 'ignore' }).on('exit', resolve)),
      );
      assert.deepEqual(await Promise.all(runs), [0, 0, 0]);
      const store = await openStore({ home });
      try {
        const rows = [];
        for (const run of await store.listRuns({})) rows.push(...(await store.listTaskRuns(run.id)).filter((r) => r.task === 'deploy' && r.attempt > 0));
        assert.equal(rows.length, 3);
        assert.equal(maxOverlap(rows), 1, 'never two deploys at once, whichever process ran them');
        assert.deepEqual(await store.listLocks(), []);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
