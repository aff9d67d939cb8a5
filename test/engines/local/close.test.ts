// Closing the engine with a run in flight: nothing more starts or is recorded, the run stays in
// flight for resume, and a new engine finishes it, taking the end of the task that finished
// meanwhile from the record its spawner helper left in the attempt folder instead of rerunning it.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeHarness, openLocalEngines, readRun, sh, workflow } from '../harness.js';

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('embedded engine: close with runs in flight', () => {
  it('leaves the run in flight; resume in a new engine finishes it', async () => {
    const h = await makeHarness();
    try {
      // `slow` runs until the test opens its gate, and says when it ended: the test closes the
      // engine while it surely runs, and looks only once it surely ended (no fixed delays).
      const gate = join(h.home, 'gate');
      const ended = join(h.home, 'ended');
      const spec = workflow({
        tasks: [
          { name: 'slow', ...sh(`while [ ! -e '${gate}' ]; do sleep 0.02; done; touch '${ended}'`), retry: { limit: 1 } },
          { name: 'after', dependsOn: ['slow'], process: { command: '/bin/true' } },
        ],
      });
      const { runId } = await h.engine.submit({ spec, baseDir: process.cwd() });
      await until(async () => (await h.store.listTaskRuns(runId)).some((r) => r.task === 'slow' && r.status === 'Running' && r.pid !== undefined), 'slow to be running');
      await h.engine.close();
      writeFileSync(gate, '');
      await until(() => existsSync(ended), 'slow to end');
      // A closed engine that still listened would record the exit within a moment of it.
      await new Promise((resolve) => setTimeout(resolve, 200));
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
