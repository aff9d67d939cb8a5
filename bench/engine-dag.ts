// engine-dag: DAGs of trivial process tasks (/bin/true) on the embedded engine, concurrency 2,
// SQLite store on, against the same processes spawned by xargs -P (the OS floor) and by a bare
// Node.js spawn loop (the Node floor), all measured in this run. See docs/benchmarks.md.
import type { WorkflowSpec } from '../src/spec/schema.js';
import { chain, independent, layered } from './lib/dags.js';
import { timeEngineRun } from './lib/engine.js';
import { nodeFloorMs, osFloorMs, type Batches } from './lib/floors.js';
import { interleavedMedians, median, Report, repetitions } from './lib/harness.js';

const CONCURRENCY = 2;
const REPS = repetitions(3);
/** Start-up, outside the timed run: a 2-task run on the same engine starts its 2 spawner helpers. */
const ENGINE = { concurrency: CONCURRENCY, warmup: independent(CONCURRENCY) };

interface Shape {
  name: string;
  spec: WorkflowSpec;
  /** The same processes as the floors run them. */
  floor: Batches;
  tasks: number;
  /** Whether the ≤2x OS floor target applies (not to the chain, whose floor is serial spawns). */
  osTarget: boolean;
}

const shapes: Shape[] = [
  { name: 'independent-1000', spec: independent(1000), floor: { batches: [1000], parallel: 2 }, tasks: 1000, osTarget: true },
  { name: 'chain-200', spec: chain(200), floor: { batches: [200], parallel: 1 }, tasks: 200, osTarget: false },
  { name: 'layers-10x100', spec: layered(10, 100), floor: { batches: Array<number>(10).fill(100), parallel: 2 }, tasks: 1000, osTarget: true },
];
const small: Shape = { name: 'independent-250', spec: independent(250), floor: { batches: [250], parallel: 2 }, tasks: 250, osTarget: true };

interface Measured {
  engine: number;
  node: number;
  os: number;
}

const startups: number[] = [];

async function measure(shape: Shape): Promise<Measured> {
  const engineRun = async (): Promise<number> => {
    const timing = await timeEngineRun(shape.spec, ENGINE);
    startups.push(timing.startupMs);
    return timing.runMs;
  };
  const result = await interleavedMedians(REPS, {
    engine: engineRun,
    node: () => nodeFloorMs(shape.floor),
    os: () => osFloorMs(shape.floor),
  });
  console.log(
    `${shape.name.padEnd(17)} engine ${result.engine.toFixed(0)} ms, node floor ${result.node.toFixed(0)} ms, OS floor ${result.os.toFixed(0)} ms (median of ${REPS})`,
  );
  return result;
}

async function main(): Promise<void> {
  console.log(`engine-dag: /bin/true tasks, concurrency ${CONCURRENCY}, median of ${REPS} runs each\n`);
  // Warm-up: load modules, JIT the engine and the store, and let the OS cache /bin/true.
  await timeEngineRun(independent(50), ENGINE);
  await nodeFloorMs({ batches: [50], parallel: 2 });
  await osFloorMs({ batches: [50], parallel: 2 });

  const report = new Report('engine-dag');
  const measured = new Map<string, Measured>();
  for (const shape of [...shapes, small]) measured.set(shape.name, await measure(shape));

  for (const shape of shapes) {
    const m = measured.get(shape.name);
    if (m === undefined) continue;
    report.add(`${shape.name}: engine wall vs Node floor`, m.engine, 'ms', m.node, '<=1.25x node floor', { maxRatio: 1.25 });
    report.add(
      `${shape.name}: engine wall vs OS floor`,
      m.engine,
      'ms',
      m.os,
      shape.osTarget ? '<=2x OS floor' : '-',
      shape.osTarget ? { maxRatio: 2 } : undefined,
    );
    report.add(`${shape.name}: Node floor vs OS floor`, m.node, 'ms', m.os, '-');
  }

  const big = measured.get('independent-1000');
  const little = measured.get(small.name);
  if (big !== undefined && little !== undefined) {
    const marginal = (m: keyof Measured): number => ((big[m] - little[m]) / (1000 - 250)) * 1000;
    report.add('independent 250->1000: engine marginal cost per task', marginal('engine'), 'µs', marginal('node'), '<=1.25x node floor', {
      maxRatio: 1.25,
    });
    report.add('independent 250->1000: Node floor marginal cost per task', marginal('node'), 'µs', marginal('os'), '-');
  }
  report.add('engine start-up (openStore + create + 2-task run starting the helpers), median', median(startups), 'ms', null, '-');
  console.log('');
  report.finish();
}

await main();
