// Crash safety: SIGKILL the process running a workflow, then resume it from the store.
// Succeeded tasks never run again, tasks that never started start, tasks that were running are
// recorded as interrupted and retried under their policy (or fail when it allows no retry); a
// `workflow` task waiting on its child run continues with that same child, and cancelling such a
// parent cancels the child too.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { childRunId } from '../../../src/engines/local/runners/workflow.js';
import type { Engines } from '../../../src/engines/registry.js';
import { openStore } from '../../../src/store/sqlite/open.js';
import type { Store } from '../../../src/store/store.js';
import { makeHarness, openLocalEngines, pidAlive, readRun } from '../harness.js';

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

/** A run whose engine process was killed with SIGKILL, and a fresh engine on its store. */
interface Crashed {
  dir: string;
  markers: string;
  runId: string;
  store: Store;
  engine: Engines;
}

/**
 * Starts crash-child.ts on `workflowFile(dir, markers)` (or its own crash spec), waits for
 * `ready`, kills it with SIGKILL, calls `killed`, then hands a fresh engine on the same store to
 * `resumed`; everything is closed and removed afterwards.
 */
async function crashThenResume(steps: {
  workflowFile?: (dir: string, markers: string) => string;
  ready(store: Store, runId: string): Promise<boolean>;
  killed?(store: Store, runId: string): Promise<void>;
  resumed(crashed: Crashed): Promise<void>;
}): Promise<void> {
  const scratch = await makeHarness(); // only for its temp dir and cleanup
  const dir = scratch.home;
  const home = join(dir, 'crashed');
  const markers = join(dir, 'markers');
  mkdirSync(markers, { recursive: true });
  const file = steps.workflowFile?.(dir, markers);
  const proc = spawn(process.execPath, ['--import', 'tsx', child, home, markers, ...(file ? [file] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  const runId = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
  const store = await openStore({ home });
  try {
    await until(() => steps.ready(store, runId), 'the crash point');
    proc.kill('SIGKILL');
    await new Promise((resolve) => proc.once('exit', resolve));
    await steps.killed?.(store, runId);
    const { engines: engine } = await openLocalEngines({ store, home, concurrency: 4 });
    try {
      await steps.resumed({ dir, markers, runId, store, engine });
      assert.deepEqual(await engine.resume(), [], 'nothing is left in flight');
    } finally {
      await engine.close();
    }
  } finally {
    await store.close();
    await scratch.close();
  }
}

/**
 * A parent whose `train` task runs child.yaml as a child run, then reports its output. The child's
 * task hangs on its first attempt (the crash comes then) and retries; the parent's workflow task
 * has no retry policy, so an Interrupted attempt would fail the parent.
 */
function parentAndChild(dir: string, markers: string): string {
  writeFileSync(
    join(dir, 'child.yaml'),
    [
      'name: crash-child-run',
      'tasks:',
      '  - name: work',
      `    process: { command: /bin/sh, args: ["-c", "echo $TANDEM_ATTEMPT >> ${markers}/work; if [ $TANDEM_ATTEMPT = 1 ]; then sleep 60; fi; echo 7 > $TANDEM_OUTPUTS/n"] }`,
      '    retry: { limit: 1 }',
      '    outputs: { n: { type: integer } }',
      'outputs: { n: "{{ tasks.work.outputs.n }}" }',
      '',
    ].join('\n'),
  );
  const parent = join(dir, 'parent.yaml');
  writeFileSync(
    parent,
    [
      'name: crash-parent-run',
      'tasks:',
      '  - name: train',
      '    workflow: { file: child.yaml }',
      '    outputs: { n: { type: integer } }',
      '  - name: report',
      `    process: { command: /bin/sh, args: ["-c", "echo {{ tasks.train.outputs.n }} >> ${markers}/report"] }`,
      '',
    ].join('\n'),
  );
  return parent;
}

/** The crash point for parentAndChild: the child run's task is running, its process recorded. */
async function childTaskRunning(store: Store, runId: string): Promise<boolean> {
  return (await store.listTaskRuns(childRunId(runId, 'train', 1))).some((r) => r.task === 'work' && r.status === 'Running' && r.pid !== undefined);
}

describe('embedded engine: crash safety', () => {
  it('resumes a run after kill -9 without rerunning what succeeded', async () => {
    let orphanPid = 0;
    await crashThenResume({
      // Both long tasks are running and their process groups are recorded.
      async ready(store, runId) {
        const rows = await store.listTaskRuns(runId);
        orphanPid = rows.find((r) => r.task === 'interrupted' && r.status === 'Running')?.pid ?? 0;
        return ['interrupted', 'no_retry'].every((t) => rows.some((r) => r.task === t && r.status === 'Running' && r.pid !== undefined));
      },
      killed() {
        assert.equal(pidAlive(orphanPid), true, 'the task outlived its engine (it is in its own process group)');
        return Promise.resolve();
      },
      async resumed({ markers, runId, store, engine }) {
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
      },
    });
  });

  it('a workflow task re-attaches to its child run after kill -9 instead of starting a second one', async () => {
    await crashThenResume({
      workflowFile: parentAndChild,
      ready: childTaskRunning,
      async resumed({ markers, runId, store, engine }) {
        assert.ok((await engine.resume()).includes(runId));
        const result = await readRun({ store, engine }, runId);
        assert.equal(result.run.status, 'Succeeded', result.run.message);
        assert.deepEqual(
          result.executions('train').map((r) => [r.attempt, r.status]),
          [[1, 'Succeeded']],
          'the parent attempt was continued, not interrupted and retried',
        );
        const children = (await store.listRuns({})).filter((r) => (r.origin.detail as { runId?: string } | undefined)?.runId === runId);
        assert.deepEqual(children.map((r) => [r.id, r.status]), [[childRunId(runId, 'train', 1), 'Succeeded']], 'one child run, the one started before the crash');
        assert.deepEqual(lines(join(markers, 'work')), ['1', '2'], "the child's interrupted task was retried inside the child");
        assert.deepEqual(lines(join(markers, 'report')), ['7'], "the child's output reached the parent");
      },
    });
  });

  it('cancelling a parent whose process died cancels the child run it left in flight', async () => {
    await crashThenResume({
      workflowFile: parentAndChild,
      ready: childTaskRunning,
      async resumed({ markers, runId, store, engine }) {
        await engine.cancel(runId); // its owner is gone: this engine takes it over to cancel it
        assert.equal((await engine.wait(runId)).status, 'Cancelled');
        const childId = childRunId(runId, 'train', 1);
        await until(async () => (await store.getRun(childId))?.status === 'Cancelled', 'the child run to be cancelled, not left to run on alone');
        assert.deepEqual(lines(join(markers, 'work')), ['1'], "the child's task was not run again");
        assert.deepEqual(lines(join(markers, 'report')), []);
      },
    });
  });
});
