// Runs one workflow on the embedded engine with the SQLite store, in a fresh temporary data dir,
// and times it. Start-up is timed apart from the run: opening the store, creating the engine and,
// when a warm-up spec is given, running it first on the same engine, which is what starts the
// engine's spawner helper processes (the engine starts them lazily, on a run's first spawns).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engines } from '../../src/engines/registry.js';
import { openBenchEngines } from './engines.js';
import type { RunnerRegistry } from '../../src/engines/local/runner.js';
import type { WorkflowSpec } from '../../src/spec/schema.js';
import type { RunRecord } from '../../src/store/ports/runs.js';
import { openStore } from '../../src/store/sqlite/open.js';

/**
 * Data dirs are removed when the benchmark process exits, not after each run: removing a few
 * thousand task directories is heavy file-system work that would bleed into the next measurement.
 */
const homes: string[] = [];
process.on('exit', () => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

export interface EngineTiming {
  /** openStore + LocalEngine.create (+ the warm-up run, when given), in ms. */
  startupMs: number;
  /** From submit until waitForRun resolves with the finished run, in ms. */
  runMs: number;
  /** engine.close + store.close, in ms. */
  closeMs: number;
}

export interface EngineOptions {
  concurrency: number;
  runners?: RunnerRegistry;
  /** Run before the timed run, on the same engine, as part of start-up (e.g. to start helpers). */
  warmup?: WorkflowSpec;
}

/** Runs `spec` once; throws (failing the benchmark loudly) unless the run Succeeded. */
export async function timeEngineRun(spec: WorkflowSpec, options: EngineOptions): Promise<EngineTiming> {
  const home = mkdtempSync(join(tmpdir(), 'tandem-bench-'));
  homes.push(home);
  let start = process.hrtime.bigint();
  const store = await openStore({ home });
  const engine = await openBenchEngines({
    store,
    home,
    concurrency: options.concurrency,
    ...(options.runners === undefined ? {} : { runners: options.runners }),
  });
  if (options.warmup !== undefined) await runToSuccess(engine, options.warmup, home);
  const startupMs = elapsedMs(start);

  start = process.hrtime.bigint();
  const { runId } = await engine.submit({ spec, params: {}, baseDir: process.cwd() });
  const run = await finishes(engine.wait(runId), spec);
  const runMs = elapsedMs(start);

  start = process.hrtime.bigint();
  await engine.close();
  await store.close();
  const closeMs = elapsedMs(start);

  if (run.status !== 'Succeeded') await failLoudly(home, spec, run);
  return { startupMs, runMs, closeMs };
}

async function runToSuccess(engine: Engines, spec: WorkflowSpec, home: string): Promise<void> {
  const { runId } = await engine.submit({ spec, params: {}, baseDir: process.cwd() });
  const run = await finishes(engine.wait(runId), spec);
  if (run.status !== 'Succeeded') await failLoudly(home, spec, run);
}

/** A run that never finishes fails the benchmark instead of hanging it. */
const RUN_TIMEOUT_MS = 10 * 60_000;

function finishes(waiting: Promise<RunRecord>, spec: WorkflowSpec): Promise<RunRecord> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`benchmark run of ${spec.name} did not finish in ${RUN_TIMEOUT_MS / 1000} s`)), RUN_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([waiting, timeout]).finally(() => clearTimeout(timer));
}

async function failLoudly(home: string, spec: WorkflowSpec, run: RunRecord): Promise<never> {
  const failed = (await inspectFailure(home, run.id)) ?? '';
  throw new Error(`benchmark run ${run.id} of ${spec.name} ended ${run.status}${run.message ? `: ${run.message}` : ''}${failed}`);
}

/** The first few task attempts that did not succeed, read back from a reopened store. */
async function inspectFailure(home: string, runId: string): Promise<string | undefined> {
  try {
    const store = await openStore({ home });
    try {
      const bad = (await store.listTaskRuns(runId)).filter((t) => t.status !== 'Succeeded').slice(0, 5);
      return bad.length === 0 ? undefined : `\n  ${bad.map((t) => `${t.task}#${t.attempt} ${t.status} ${t.message ?? ''}`).join('\n  ')}`;
    } finally {
      await store.close();
    }
  } catch {
    return undefined;
  }
}

function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
