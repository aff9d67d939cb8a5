// Crash safety: SIGKILL the process running a workflow, then resume it from the store.
// Succeeded tasks never run again, tasks that never started start, tasks that were running are
// recorded as interrupted and retried under their policy (or fail when it allows no retry).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { LocalEngine } from '../../../src/engines/local/engine.js';
import { openStore } from '../../../src/store/open.js';
import { makeHarness, pidAlive, readRun } from '../harness.js';

const child = join(import.meta.dirname, 'crash-child.ts');

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
}

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('embedded engine: crash safety', () => {
  it('resumes a run after kill -9 without rerunning what succeeded', async () => {
    const scratch = await makeHarness(); // only for its temp dir and cleanup
    const home = join(scratch.home, 'crashed');
    const markers = join(scratch.home, 'markers');
    mkdirSync(markers, { recursive: true });
    const proc = spawn(process.execPath, ['--import', 'tsx', child, home, markers], { stdio: ['ignore', 'pipe', 'inherit'] });
    const runId = await new Promise<string>((resolve, reject) => {
      createInterface({ input: proc.stdout! }).once('line', resolve);
      proc.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });

    const store = await openStore({ home });
    try {
      // Wait until both long tasks are running and their process groups are recorded.
      await until(async () => {
        const rows = await store.listTaskRuns(runId);
        return ['interrupted', 'no_retry'].every((t) => rows.some((r) => r.task === t && r.status === 'Running' && r.pid !== undefined));
      }, 'the long tasks to start');
      const before = await store.listTaskRuns(runId);
      const orphanPid = before.find((r) => r.task === 'interrupted')!.pid!;
      proc.kill('SIGKILL');
      await new Promise((resolve) => proc.once('exit', resolve));
      assert.equal(pidAlive(orphanPid), true, 'the task outlived its engine (it is in its own process group)');

      const engine = await LocalEngine.create({ store, home, concurrency: 4 });
      try {
        assert.deepEqual(await engine.resume(), [runId]);
        const result = await readRun({ store, engine }, runId);

        assert.equal(result.run.status, 'Failed', 'no_retry was interrupted and allows no retry');
        assert.deepEqual(lines(join(markers, 'done_before')), ['1'], 'a succeeded task never runs again');
        assert.deepEqual(lines(join(markers, 'interrupted')), ['1', '2'], 'the interrupted task ran again');
        assert.deepEqual(lines(join(markers, 'never_started')), ['1'], 'a task that never started started');
        assert.deepEqual(lines(join(markers, 'no_retry')), ['1']);

        assert.deepEqual(
          result.executions('interrupted').map((r) => r.status),
          ['Interrupted', 'Succeeded'],
        );
        assert.match(result.executions('interrupted')[0]!.message ?? '', /interrupted/);
        assert.deepEqual(
          result.executions('no_retry').map((r) => r.status),
          ['Interrupted'],
        );
        assert.equal(result.status('never_started'), 'Succeeded');
        assert.equal(result.executions('done_before').length, 1);
        await until(() => !pidAlive(orphanPid), 'the orphaned task to be stopped');
        assert.equal((await store.getRun(runId))?.owner, undefined, 'ownership is released at the end');
        assert.deepEqual(await engine.resume(), [], 'nothing is left in flight');
      } finally {
        await engine.close();
      }
    } finally {
      await store.close();
      await scratch.close();
    }
  });
});
