// Test harness: a fresh data directory, SQLite store and embedded engine per test, wired as the
// composition roots wire it: the local engine registered in an engines registry, which routes
// every run and takes the local engine's child runs.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStarted } from '../../src/engines/local/attempt-records.js';
import { registerLocalEngine } from '../../src/wiring/engines.js';
import type { LocalEngine, LocalEngineOptions } from '../../src/engines/local/engine.js';
import { Engines } from '../../src/engines/registry.js';
import { runRouter, type RunRouter } from '../../src/router/run-routing.js';
import { openStore } from '../../src/store/sqlite/open.js';
import type { Store } from '../../src/store/store.js';
import type { RunArtifactRecord, RunRecord, TaskRunRecord } from '../../src/store/ports/runs.js';
import type { WorkflowSpec } from '../../src/spec/schema.js';

export interface Harness {
  home: string;
  store: Store;
  /** What the rest of tandem is handed: the registry (it routes each run, then the local engine executes it). */
  engine: Engines;
  /** The local engine itself, registered under `local`. */
  local: LocalEngine;
  close(): Promise<void>;
}

/** Local engine options as a test gives them; `router` decides the lanes (default: the built-in policy, every lane local). */
export type LocalEnginesOptions = Omit<LocalEngineOptions, 'childRuns'> & { router?: RunRouter };

/** A local engine registered in a registry over `store`, as `tandem` and `tandem serve` wire one. */
export async function openLocalEngines(options: LocalEnginesOptions): Promise<{ engines: Engines; local: LocalEngine }> {
  const { router, ...engineOptions } = options;
  const engines = new Engines({ router: router ?? runRouter(), runs: options.store });
  return { engines, local: await registerLocalEngine(engines, engineOptions) };
}

export async function makeHarness(options: Partial<LocalEnginesOptions> = {}): Promise<Harness> {
  const home = mkdtempSync(join(tmpdir(), 'tandem-engine-'));
  const store = await openStore({ home });
  const { engines, local } = await openLocalEngines({ store, home, concurrency: 4, killGracePeriodMs: 500, ...options });
  return {
    home,
    store,
    engine: engines,
    local,
    async close() {
      await engines.close();
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Runs a spec to the end and returns the run with helpers to read its task records. */
export async function runToEnd(h: Pick<Harness, 'engine' | 'store'>, spec: WorkflowSpec, params: Record<string, unknown> = {}, baseDir = process.cwd()): Promise<RunResult> {
  const { runId } = await h.engine.submit({ spec, params, baseDir });
  return readRun(h, runId);
}

export interface RunResult {
  run: RunRecord;
  /** Every task run row: attempt 0 rows are task-level decisions, attempts >= 1 executions. */
  attempts: TaskRunRecord[];
  artifacts: RunArtifactRecord[];
  /** Executions of one task key (attempt >= 1), oldest first. */
  executions(task: string): TaskRunRecord[];
  /** Keys of the iterations of a forEach task that ran: "parse[0]", "parse[1]"... */
  iterations(task: string): string[];
  /** Final status of a task key: its task-level row if it has one, else its last attempt. */
  status(task: string): string | undefined;
  message(task: string): string | undefined;
  output(task: string, name: string): unknown;
}

export async function readRun(h: Pick<Harness, 'engine' | 'store'>, runId: string): Promise<RunResult> {
  const run = await h.engine.wait(runId);
  const attempts = await h.store.listTaskRuns(runId);
  const outputs = await h.store.listOutputs(runId);
  const artifacts = await h.store.listArtifacts(runId);
  const index = (key: string) => Number(/\[(\d+)\]$/.exec(key)?.[1] ?? -1);
  return {
    run,
    attempts,
    artifacts,
    iterations: (task) =>
      [...new Set(attempts.filter((a) => a.task.startsWith(`${task}[`) && a.attempt > 0).map((a) => a.task))].sort((a, b) => index(a) - index(b)),
    executions: (task) => attempts.filter((a) => a.task === task && a.attempt > 0),
    status: (task) => {
      const rows = attempts.filter((a) => a.task === task);
      const taskLevel = rows.find((r) => r.attempt === 0);
      return (taskLevel ?? rows[rows.length - 1])?.status;
    },
    message: (task) => {
      const rows = attempts.filter((a) => a.task === task);
      return (rows.find((r) => r.attempt === 0) ?? rows[rows.length - 1])?.message;
    },
    output: (task, name) => outputs.find((o) => o.task === task && o.name === name)?.value,
  };
}

export function workflow(partial: Partial<WorkflowSpec> & Pick<WorkflowSpec, 'tasks'>): WorkflowSpec {
  return { name: 'test', ...partial };
}

/** A process task running a shell snippet (explicitly through sh, as a user would write it). */
export function sh(script: string): { process: { command: string; args: string[] } } {
  return { process: { command: '/bin/sh', args: ['-c', script] } };
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The largest number of attempts whose [startedAt, finishedAt) intervals overlap. */
export function maxOverlap(rows: Array<{ startedAt?: number; finishedAt?: number }>): number {
  const edges = rows.flatMap((r) => [
    { t: r.startedAt!, d: 1 },
    { t: r.finishedAt!, d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let current = 0;
  let max = 0;
  for (const edge of edges) {
    current += edge.d;
    max = Math.max(max, current);
  }
  return max;
}

/**
 * The live spawner helpers that started attempts under `home`, from their process.started
 * records: what a test kills besides the engine to stand for all of a machine's processes dying.
 */
export function helperPids(home: string, onlyRuns?: readonly string[]): Set<number> {
  const pids = new Set<number>();
  const runs = join(home, 'runs');
  for (const run of onlyRuns ?? (existsSync(runs) ? readdirSync(runs) : [])) {
    if (!existsSync(join(runs, run))) continue;
    for (const attempt of readdirSync(join(runs, run))) {
      const started = readStarted(join(runs, run, attempt));
      if (started && pidAlive(started.helper)) pids.add(started.helper);
    }
  }
  return pids;
}
