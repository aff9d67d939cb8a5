// The Engine contract against the local engine: SQLite in a fresh data directory per test. A
// second process is a second LocalEngine over the same store; a crash is crash-child.ts, a real
// process running the submit, killed with SIGKILL once the task named is running, together with
// its spawner helpers (they would otherwise outlive it and the resume would adopt the task
// instead of rerunning it; crash.test.ts covers that case).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Engine } from '../../../src/engines/engine.js';
import type { RunRouting } from '../../../src/engines/model.js';
import type { WorkflowSpec } from '../../../src/spec/schema.js';
import { openStore } from '../../../src/store/sqlite/open.js';
import type { Store } from '../../../src/store/store.js';
import { engineContract, type EngineFixture } from '../contract.js';
import { helperPids, openLocalEngines } from '../harness.js';

const CRASH_CHILD = join(import.meta.dirname, 'crash-child.ts');

/** What the registry hands the local engine when every lane is bound to local. */
const ROUTING: RunRouting = {
  lane: 'argo',
  rule: 'contract',
  reasons: ['the Engine contract suite submits its runs here'],
  engines: { orchestration: 'local', ml: 'local' },
};

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Runs `spec` in crash-child.ts over `home` and kills it with SIGKILL once `task` is running with
 * its process recorded, then kills the helpers that started its attempts. The workflow file (the
 * run's baseDir) stays in `home` for the resumed run.
 */
async function crashDuringRun(home: string, store: Store, spec: WorkflowSpec, task: string): Promise<string> {
  const dir = mkdtempSync(join(home, 'crashed-'));
  const file = join(dir, 'workflow.json');
  writeFileSync(file, JSON.stringify(spec));
  const child = spawn(process.execPath, ['--import', 'tsx', CRASH_CHILD, home, dir, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const runId = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`crash-child exited early (${code})`)));
  });
  try {
    await until(async () => (await store.listTaskRuns(runId)).some((r) => r.task === task && r.status === 'Running' && r.pid !== undefined), `task ${task} to run`);
  } finally {
    child.kill('SIGKILL');
    await exited;
    for (const pid of helperPids(home, [runId])) process.kill(pid, 'SIGKILL');
  }
  return runId;
}

engineContract('local (embedded, SQLite)', async (): Promise<EngineFixture> => {
  const home = mkdtempSync(join(tmpdir(), 'tandem-contract-home-'));
  const store = await openStore({ home });
  const open = async (): Promise<Engine> => (await openLocalEngines({ store, home, concurrency: 4, killGracePeriodMs: 500 })).local;
  const opened: Engine[] = [];
  const reopen = async () => {
    const engine = await open();
    opened.push(engine);
    return engine;
  };
  return {
    engine: await reopen(),
    routing: ROUTING,
    reopen,
    crashDuringRun: (spec, task) => crashDuringRun(home, store, spec, task),
    async close() {
      for (const engine of opened) await engine.close();
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
});
