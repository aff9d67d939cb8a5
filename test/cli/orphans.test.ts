// Runs whose process died: a real `tandem run` process killed with SIGKILL mid-task leaves its run
// Running in the store. `tandem runs` and `tandem show` say it is orphaned and how to finish it,
// and a `tandem serve` that is running when the process dies adopts the run by itself (start-up
// resume only covers runs orphaned before it started). Needs dist/ (`npm run build`).
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { defaultServices } from '../../src/cli/runtime.js';
import { loadConfig } from '../../src/config/load.js';
import { loadProject } from '../../src/project/load.js';
import { ControlPlane } from '../../src/server/control-plane.js';
import type { RunRecord } from '../../src/store/ports/runs.js';
import { openStore } from '../../src/store/sqlite/open.js';
import type { Store } from '../../src/store/store.js';
import { captureIo } from '../helpers/cli-io.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tandem.js');
/** How long a step may take on a loaded machine before the test gives up waiting (not a measurement). */
const PATIENCE_MS = 90_000;

/**
 * A workflow whose task blocks until the test writes its release file. The process outlives the
 * killed `tandem run` under its spawner helper, so whoever finishes the run adopts that attempt
 * (it is not run again) once the test releases it.
 */
function blockingWorkflow(dir: string, name: string): { file: string; release: () => void } {
  const released = join(dir, `${name}.release`);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      `name: ${name}`,
      'tasks:',
      '  - name: work',
      `    process: { command: /bin/sh, args: [-c, "while [ ! -f ${released} ]; do sleep 0.05; done; echo finished"] }`,
      '',
    ].join('\n'),
  );
  return { file, release: () => writeFileSync(released, '') };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + PATIENCE_MS;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) assert.fail(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts `tandem run FILE` as its own process and SIGKILLs it once its task is recorded as running. */
async function runAndKill(store: Store, dir: string, home: string, file: string, workflow: string): Promise<RunRecord> {
  const child: ChildProcess = spawn(process.execPath, [BIN, '--home', home, 'run', file, '--json'], { cwd: dir, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const run = await until(`the run of ${workflow} to start its task`, async () => {
      const [found] = await store.listRuns({ workflow });
      if (!found) return undefined;
      const tasks = await store.listTaskRuns(found.id);
      return tasks.some((t) => t.task === 'work' && t.status === 'Running' && t.pid !== undefined) ? found : undefined;
    });
    assert.equal(run.ownerPid, child.pid);
    child.kill('SIGKILL');
    await exited; // reaped: the pid is gone, not a zombie
    return run;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

describe('orphaned runs', () => {
  let dir: string;
  let home: string;
  let store: Store;
  const cli = async (...argv: string[]) => {
    const c = captureIo(dir);
    const code = await main(['--home', home, ...argv], { io: c.io, services: defaultServices });
    return { code, out: c.out(), err: c.err() };
  };

  before(async () => {
    assert.ok(existsSync(join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js')), 'run `npm run build` first');
    dir = mkdtempSync(join(tmpdir(), 'tandem-orphans-'));
    home = join(dir, 'home');
    store = await openStore({ home });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tandem runs and tandem show say a run is orphaned and name `tandem resume`', async () => {
    const blocking = blockingWorkflow(dir, 'orphan-cli');
    const run = await runAndKill(store, dir, home, blocking.file, 'orphan-cli');
    const runs = await cli('runs');
    assert.equal(runs.code, 0, runs.err);
    const row = runs.out.split('\n').find((line) => line.startsWith(run.id)) ?? '';
    assert.match(row, /Running \(orphaned\)/);
    assert.match(runs.out, new RegExp(`1 orphaned \\(the process running it is gone\\): run \`tandem resume ${run.id}\``));
    const listed = JSON.parse((await cli('runs', '--json')).out) as Array<{ id: string; orphaned: boolean }>;
    assert.equal(listed.find((r) => r.id === run.id)?.orphaned, true);

    const show = await cli('show', run.id);
    assert.match(show.out, new RegExp(`orphaned +process ${run.ownerPid}, which ran it, is gone: run \`tandem resume ${run.id}\``));
    assert.equal((JSON.parse((await cli('show', run.id, '--json')).out) as { orphaned: boolean }).orphaned, true);

    // Finishing it ends the orphan: the listing no longer says so.
    blocking.release();
    const resumed = await cli('resume', run.id, '--json');
    assert.equal(resumed.code, 0, resumed.err);
    const after = await cli('runs', '--json');
    const done = (JSON.parse(after.out) as Array<{ id: string; status: string; orphaned: boolean }>).find((r) => r.id === run.id);
    assert.deepEqual([done?.status, done?.orphaned], ['Succeeded', false]);
  });

  it('a running tandem serve adopts a run whose process is killed while it serves', async () => {
    const blocking = blockingWorkflow(dir, 'orphan-serve');
    const project = join(dir, 'tandem.yaml');
    writeFileSync(project, 'home: ./home\nworkflows: [orphan-serve.yaml]\nserver: { shutdownGracePeriod: 1s }\n');
    const config = await loadConfig({ cwd: dir, env: {}, flags: { config: project } });
    const plane = await ControlPlane.start({ project: await loadProject(project), config, port: 0, adoptEveryMs: 200 });
    try {
      assert.deepEqual(plane.resumed, [], 'nothing was orphaned at start-up');
      const run = await runAndKill(store, dir, home, blocking.file, 'orphan-serve');
      blocking.release();
      const finished = await until('serve to adopt and finish the run', async () => {
        const now = await store.getRun(run.id);
        return now && now.status !== 'Running' && now.status !== 'Pending' ? now : undefined;
      });
      assert.equal(finished.status, 'Succeeded', finished.message);
      const attempts = (await store.listTaskRuns(run.id)).filter((t) => t.task === 'work').map((t) => [t.attempt, t.status]);
      // Its process outlived the killed CLI under its helper: adopted, not run a second time.
      assert.deepEqual(attempts, [[1, 'Succeeded']]);
    } finally {
      await plane.stop();
    }
  });
});
