// Closing the engine with a run in flight: nothing more starts or is recorded, the run stays in
// flight for resume, and a new engine finishes it, taking the end of the task that finished
// meanwhile from the record its spawner helper left in the attempt folder instead of rerunning it.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { makeHarness, openLocalEngines, readRun, workflow } from '../harness.js';

describe('embedded engine: close with runs in flight', () => {
  it('leaves the run in flight; resume in a new engine finishes it', async () => {
    const h = await makeHarness();
    try {
      const spec = workflow({
        tasks: [
          { name: 'slow', process: { command: '/bin/sleep', args: ['0.3'] }, retry: { limit: 1 } },
          { name: 'after', dependsOn: ['slow'], process: { command: '/bin/true' } },
        ],
      });
      const { runId } = await h.engine.submit({ spec, baseDir: process.cwd() });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await h.engine.close();
      await new Promise((resolve) => setTimeout(resolve, 500)); // `slow` ends meanwhile; nothing is recorded or started
      const stored = await h.store.getRun(runId);
      assert.equal(stored?.status, 'Running');
      const rows = await h.store.listTaskRuns(runId);
      assert.deepEqual(
        rows.map((r) => [r.task, r.status]),
        [['slow', 'Running']],
      );

      // Another engine takes over, as after a crash (the store says this process owns the run, so release it first).
      await h.store.releaseRun(runId, stored!.owner!);
      const { engines: next } = await openLocalEngines({ store: h.store, home: h.home, concurrency: 2 });
      try {
        assert.deepEqual(await next.resume(), [runId]);
        const result = await readRun({ store: h.store, engine: next }, runId);
        assert.equal(result.run.status, 'Succeeded');
        assert.deepEqual(
          result.executions('slow').map((r) => [r.attempt, r.status, r.exitCode]),
          [[1, 'Succeeded', 0]],
          'slow ended after the close: its helper recorded the end, so it is not run again',
        );
        assert.equal(result.status('after'), 'Succeeded');
      } finally {
        await next.close();
      }
    } finally {
      await h.store.close();
    }
  });
});
