// engine-overhead: the embedded engine's own cost per task, with the SQLite store on. A 10,000-task
// DAG (100 independent chains of 100) whose tasks do nothing: a no-op `process` runner is registered
// for this benchmark only. Baseline, in the same run: a plain in-memory topological walk of the same
// graph (Kahn's algorithm, same concurrency, each task an `await` of the same no-op runner), no store.
import type { RunnerRegistry } from '../src/engines/local/runner.js';
import { parallelChains } from './lib/dags.js';
import { timeEngineRun } from './lib/engine.js';
import { topologicalWalk } from './lib/walk.js';
import { interleavedMedians, median, Report, repetitions, timeMs } from './lib/harness.js';

const CHAINS = 100;
const LENGTH = 100;
const TASKS = CHAINS * LENGTH;
const CONCURRENCY = 2;
const REPS = repetitions(5);

const noop = async (): Promise<{ exitCode: number }> => ({ exitCode: 0 });
const runners: RunnerRegistry = { process: { run: noop } };

async function main(): Promise<void> {
  const report = new Report('engine-overhead');
  const spec = parallelChains(CHAINS, LENGTH);
  console.log(`engine-overhead: ${TASKS} no-op tasks (${CHAINS} chains of ${LENGTH}), concurrency ${CONCURRENCY}, median of ${REPS}\n`);
  await timeEngineRun(parallelChains(5, 20), { concurrency: CONCURRENCY, runners }); // warm-up
  await topologicalWalk(spec, CONCURRENCY, noop);

  const startups: number[] = [];
  const closes: number[] = [];
  const result = await interleavedMedians(REPS, {
    engine: async () => {
      const timing = await timeEngineRun(spec, { concurrency: CONCURRENCY, runners });
      startups.push(timing.startupMs);
      closes.push(timing.closeMs);
      return timing.runMs;
    },
    walk: () =>
      timeMs(async () => {
        if ((await topologicalWalk(spec, CONCURRENCY, noop)) !== TASKS) throw new Error('walk did not visit every task');
      }),
  });
  console.log(`engine ${result.engine.toFixed(0)} ms, in-memory walk ${result.walk.toFixed(1)} ms\n`);

  const perTask = (ms: number): number => (ms * 1000) / TASKS;
  report.add('engine overhead per task (no-op runner, store on) vs in-memory walk', perTask(result.engine), 'µs', perTask(result.walk), '<=100 µs per task', {
    maxValue: 100,
  });
  report.add(`engine wall, ${TASKS} tasks (submit to finished run) vs in-memory walk`, result.engine, 'ms', result.walk, '-');
  report.add('engine start-up (openStore + LocalEngine.create), median', median(startups), 'ms', null, '-');
  report.add('engine + store close, median', median(closes), 'ms', null, '-');
  report.finish();
}

await main();
