// cli-run: `tandem run FILE` as a whole process (start-up, validation, the run, progress output,
// the summary, exit) for DAGs of /bin/true tasks, concurrency 2, against the same tasks run by
// `make -j2` from a Makefile and by `xargs -P2`, all measured in this run. See docs/benchmarks.md.
import { chain, independent, layered } from './lib/dags.js';
import { osFloorMs, type Batches } from './lib/floors.js';
import { interleavedMedians, median, Report, repetitions } from './lib/harness.js';
import { MAIN_CLI, makefile, otherClis, requireBuiltCli, tempDir, timeMake, timeNodeStart, timeTandemRun, workflowYaml, writeIn } from './lib/whole-process.js';
import type { WorkflowSpec } from '../src/spec/schema.js';

const JOBS = 2;
const REPS = repetitions(5);
/** The whole-process target for 1,000 independent tasks (issue 11). */
const MAX_RATIO_TO_MAKE = 1.5;

interface Shape {
  name: string;
  spec: WorkflowSpec;
  /** The same processes for xargs (the chain runs one at a time: xargs -P1). */
  xargs: Batches;
  /** Whether the ≤1.5x make target applies. */
  target: boolean;
}

const shapes: Shape[] = [
  { name: 'independent-1000', spec: independent(1000), xargs: { batches: [1000], parallel: JOBS }, target: true },
  { name: 'chain-200', spec: chain(200), xargs: { batches: [200], parallel: 1 }, target: false },
  { name: 'layers-10x100', spec: layered(10, 100), xargs: { batches: Array<number>(10).fill(100), parallel: JOBS }, target: false },
];
/** One task: what every `tandem run` pays before and after its work. */
const single: Shape = { name: 'single-task', spec: independent(1), xargs: { batches: [1], parallel: 1 }, target: false };

interface Files {
  workflow: string;
  makefile: string;
}

function writeShape(shape: Shape): Files {
  const dir = tempDir(`tandem-cli-${shape.name}-`);
  return { workflow: writeIn(dir, 'workflow.yaml', workflowYaml(shape.spec)), makefile: writeIn(dir, 'Makefile', makefile(shape.spec)) };
}

const OTHERS = otherClis();

/** Medians in ms: `tandem`, `make`, `xargs`, and one per BENCH_CLI_ALSO build under its label. */
type Measured = Record<string, number> & { tandem: number; make: number; xargs: number };

/** CPU ms of each CLI's process per run, by label, for the shape being measured. */
let cpu = new Map<string, number[]>();
const cpuOf = (label: string): number[] => cpu.get(label) ?? (cpu.set(label, []), cpu.get(label) as number[]);

async function measure(shape: Shape, files: Files): Promise<Measured> {
  cpu = new Map();
  const others = Object.fromEntries(OTHERS.map((cli) => [cli.label, () => timeTandemRun(cli, files.workflow, JOBS, cpuOf(cli.label))]));
  const result = (await interleavedMedians(REPS, {
    tandem: () => timeTandemRun(MAIN_CLI, files.workflow, JOBS, cpuOf(MAIN_CLI.label)),
    ...others,
    make: () => timeMake(files.makefile, JOBS),
    xargs: () => osFloorMs(shape.xargs),
  })) as Measured;
  const also = OTHERS.map((cli) => `, ${cli.label} ${(result[cli.label] ?? 0).toFixed(0)} ms`).join('');
  console.log(
    `${shape.name.padEnd(17)} tandem run ${result.tandem.toFixed(0)} ms${also}, make -j${JOBS} ${result.make.toFixed(0)} ms, xargs ${result.xargs.toFixed(0)} ms (median of ${REPS})`,
  );
  return result;
}

async function main(): Promise<void> {
  for (const cli of [MAIN_CLI, ...OTHERS]) requireBuiltCli(cli);
  console.log(`cli-run: whole processes, /bin/true tasks, ${JOBS} at a time, median of ${REPS} interleaved runs each\n`);
  const files = new Map<string, Files>([...shapes, single].map((s) => [s.name, writeShape(s)]));
  const filesOf = (shape: Shape): Files => files.get(shape.name) as Files;
  // Warm-up: the OS's caches of node, the CLI's modules, make, /bin/true.
  for (const cli of [MAIN_CLI, ...OTHERS]) await timeTandemRun(cli, filesOf(single).workflow, JOBS);
  await timeMake(filesOf(single).makefile, JOBS);
  await osFloorMs(single.xargs);

  const report = new Report('cli-run');
  for (const shape of shapes) {
    const m = await measure(shape, filesOf(shape));
    report.add(
      `${shape.name}: tandem run vs make -j${JOBS}`,
      m.tandem,
      'ms',
      m.make,
      shape.target ? `<=${MAX_RATIO_TO_MAKE}x make -j${JOBS}` : '-',
      shape.target ? { maxRatio: MAX_RATIO_TO_MAKE } : undefined,
    );
    report.add(`${shape.name}: tandem run vs xargs -P${shape.xargs.parallel}`, m.tandem, 'ms', m.xargs, '-');
    report.add(`${shape.name}: make -j${JOBS} vs xargs -P${shape.xargs.parallel}`, m.make, 'ms', m.xargs, '-');
    for (const cli of OTHERS) report.add(`${shape.name}: ${cli.label} vs make -j${JOBS}`, m[cli.label] ?? 0, 'ms', m.make, '-');
    const mainCpu = median(cpuOf(MAIN_CLI.label));
    report.add(`${shape.name}: tandem run process CPU (user+sys), median`, mainCpu, 'ms', null, '-');
    for (const cli of OTHERS) report.add(`${shape.name}: ${cli.label} process CPU vs tandem run's`, median(cpuOf(cli.label)), 'ms', mainCpu, '-');
  }
  const fixed = await interleavedMedians(REPS, {
    tandem: () => timeTandemRun(MAIN_CLI, filesOf(single).workflow, JOBS),
    make: () => timeMake(filesOf(single).makefile, JOBS),
    node: timeNodeStart,
  });
  console.log(`single-task       tandem run ${fixed.tandem.toFixed(0)} ms, make ${fixed.make.toFixed(0)} ms, node -e '' ${fixed.node.toFixed(0)} ms`);
  report.add('single-task: tandem run vs make (fixed cost of one run)', fixed.tandem, 'ms', fixed.make, '-');
  report.add("single-task: tandem run vs node -e '' (Node.js start-up)", fixed.tandem, 'ms', fixed.node, '-');
  console.log('');
  report.finish();
}

await main();
