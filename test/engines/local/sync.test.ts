// Synchronization across runs: a mutex admits one task at a time, a semaphore its limit.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { makeHarness, maxOverlap, readRun, sh, workflow, type Harness } from '../harness.js';
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
