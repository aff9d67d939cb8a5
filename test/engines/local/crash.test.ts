// Crash safety: SIGKILL the process running a workflow, then resume it from the store.
// Succeeded tasks never run again, tasks that never started start. A task whose spawner helper
// outlived the engine is adopted: one that ended meanwhile is recorded from its folder, one still
// running is waited for, neither runs again, even when the store never heard of the attempt.
// When the helpers died too, running tasks are killed, recorded as interrupted and retried under
// their policy (or fail when it allows no retry); a `workflow` task waiting on its child run
// continues with that same child, and cancelling such a parent cancels the child too.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { readStarted } from '../../../src/engines/local/attempt-records.js';
import { DB_FILE } from '../../../src/store/sqlite/open.js';
import { childRunId } from '../../../src/engines/local/runners/workflow.js';
import type { Engines } from '../../../src/engines/registry.js';
import { openStore } from '../../../src/store/sqlite/open.js';
import type { Store } from '../../../src/store/store.js';
import { helperPids, makeHarness, openLocalEngines, pidAlive, readRun } from '../harness.js';

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
  /** Kill the engine's spawner helpers too (the whole machine's processes died, not only the engine). */
  killHelpers?: boolean;
  killed?(store: Store, runId: string, home: string): Promise<void>;
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
    if (steps.killHelpers) for (const pid of helperPids(home)) process.kill(pid, 'SIGKILL');
    await steps.killed?.(store, runId, home);
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
  it('resumes a run after kill -9 of the engine and its helpers without rerunning what succeeded', async () => {
    let orphanPid = 0;
    await crashThenResume({
      killHelpers: true,
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

  it('adopts what outlived the engine under its helper: an attempt that ended unrecorded and one still running run once; one that never started runs', async () => {
    await crashThenResume({
      workflowFile: (dir, markers) => {
        const waitFor = (name: string, n: number) =>
          `echo $TANDEM_ATTEMPT >> ${markers}/${name}; while [ ! -e ${dir}/go_${name} ]; do sleep 0.02; done; echo ${n} > $TANDEM_OUTPUTS/n`;
        const file = join(dir, 'adopt.yaml');
        writeFileSync(
          file,
          [
            'name: adopt-run',
            'tasks:',
            '  - name: ended',
            `    process: { command: /bin/sh, args: ["-c", "${waitFor('ended', 5)}"] }`,
            '    outputs: { n: { type: integer } }',
            '  - name: running',
            `    process: { command: /bin/sh, args: ["-c", "${waitFor('running', 6)}"] }`,
            '    outputs: { n: { type: integer } }',
            '  - name: after',
            '    dependsOn: [ended, running]',
            `    process: { command: /bin/sh, args: ["-c", "echo {{ tasks.ended.outputs.n }} {{ tasks.running.outputs.n }} >> ${markers}/after"] }`,
            '',
          ].join('\n'),
        );
        return file;
      },
      async ready(store, runId) {
        const rows = await store.listTaskRuns(runId);
        return ['ended', 'running'].every((t) => rows.some((r) => r.task === t && r.status === 'Running' && r.pid !== undefined));
      },
      async killed(_store, runId, home) {
        // `ended` finishes while no engine runs, and the store loses its row, as when the engine
        // died before its write buffer committed the start: only the folder knows this attempt.
        writeFileSync(join(home, '..', 'go_ended'), '');
        const folder = join(home, 'runs', runId, 'ended.1');
        await until(() => existsSync(join(folder, 'process.exit')), 'the helper to record the end of `ended`');
        const db = new Database(join(home, DB_FILE));
        try {
          db.prepare('DELETE FROM task_runs WHERE run_id = ? AND task = ?').run(runId, 'ended');
          // And `after` was recorded as starting, but the engine died before its helper started it.
          db.prepare("INSERT INTO task_runs (run_id, task, attempt, status, started_at) VALUES (?, 'after', 1, 'Running', ?)").run(runId, Date.now());
        } finally {
          db.close();
        }
      },
      async resumed({ dir, markers, runId, store, engine }) {
        assert.deepEqual(await engine.resume(), [runId]);
        writeFileSync(join(dir, 'go_running'), ''); // `running` ends only now, under the resumed engine
        const result = await readRun({ store, engine }, runId);
        assert.equal(result.run.status, 'Succeeded', result.run.message);
        assert.deepEqual(lines(join(markers, 'ended')), ['1'], 'the attempt that ended while no engine ran was not run again');
        assert.deepEqual(lines(join(markers, 'running')), ['1'], 'the attempt still running was waited for, not run again');
        assert.deepEqual(lines(join(markers, 'after')), ['5 6'], 'both outputs were collected from their folders');
        for (const task of ['ended', 'running']) {
          assert.deepEqual(
            result.executions(task).map((r) => [r.attempt, r.status, r.exitCode]),
            [[1, 'Succeeded', 0]],
            `${task}: one attempt, recorded with its exit code`,
          );
          const started = readStarted(join(dir, 'crashed', 'runs', runId, `${task}.1`));
          assert.equal(result.executions(task)[0]!.pid, started?.pid, `${task}: the store names the process the folder records`);
        }
        assert.deepEqual(
          result.executions('after').map((r) => [r.attempt, r.status]),
          [
            [1, 'Interrupted'],
            [2, 'Succeeded'],
          ],
          'the attempt that never had a process ran under the next number, though `after` has no retry policy',
        );
        assert.match(result.executions('after')[0]!.message ?? '', /not started/);
      },
    });
  });

  for (const stop of ['timeout', 'cancel'] as const) {
    it(`an adopted attempt still answers to its ${stop}`, async () => {
      await crashThenResume({
        workflowFile: (dir, markers) => {
          const file = join(dir, 'timeout.yaml');
          writeFileSync(
            file,
            [
              'name: adopt-timeout',
              'tasks:',
              '  - name: hang',
              `    process: { command: /bin/sh, args: ["-c", "echo $TANDEM_ATTEMPT >> ${markers}/hang; exec sleep 60"] }`,
              ...(stop === 'timeout' ? ['    timeout: 2s'] : []),
              '',
            ].join('\n'),
          );
          return file;
        },
        async ready(store, runId) {
          return (await store.listTaskRuns(runId)).some((r) => r.task === 'hang' && r.status === 'Running' && r.pid !== undefined);
        },
        async resumed({ markers, runId, store, engine }) {
          assert.deepEqual(await engine.resume(), [runId]);
          if (stop === 'cancel') await engine.cancel(runId);
          const result = await readRun({ store, engine }, runId);
          assert.equal(result.run.status, stop === 'timeout' ? 'Failed' : 'Cancelled');
          assert.deepEqual(
            result.executions('hang').map((r) => [r.attempt, r.status, r.signal]),
            [[1, stop === 'timeout' ? 'Failed' : 'Cancelled', 'SIGTERM']],
          );
          assert.match(result.executions('hang')[0]!.message ?? '', stop === 'timeout' ? /timed out after 2s/ : /cancelled/);
          assert.deepEqual(lines(join(markers, 'hang')), ['1'], 'it was stopped, not run again');
        },
      });
    });
  }

  it('a workflow task re-attaches to its child run after kill -9 instead of starting a second one', async () => {
    await crashThenResume({
      workflowFile: parentAndChild,
      ready: childTaskRunning,
      killHelpers: true,
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
      killHelpers: true,
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
