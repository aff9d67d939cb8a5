// cli-startup: what starting the tandem command costs, whole process against whole process. Each
// figure is the wall time of `node bin/tandem.js ...` (the built dist/, as a user runs it) against
// `node -e 0` measured in the same run, interleaved, median of N: `--version`, `--help`, `runs` in
// an empty data directory and in one holding 1,000 runs. Targets: `--version` and `runs` within 2x
// of `node -e 0`. BENCH_TANDEM_BIN=/path/to/bin/tandem.js times another build (an older one, for
// the figures before a change) the same way.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '../src/store/ports/runs.js';
import { openStore } from '../src/store/sqlite/open.js';
import { interleavedMedians, Report, repetitions, timeMs } from './lib/harness.js';

const REPS = repetitions(15);
const RUNS = 1000;
const ROOT = join(import.meta.dirname, '..');
const BIN = process.env['BENCH_TANDEM_BIN'] ?? join(ROOT, 'bin', 'tandem.js');

const dirs: string[] = [];
process.on('exit', () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tandem-bench-startup-${label}-`));
  dirs.push(dir);
  return dir;
}

/** Runs `node ARGS` to its end in `cwd` (no tandem.yaml there), failing on a non-zero exit. */
function node(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`node ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}

/** A data directory holding `count` finished runs (one task each), as `tandem run` leaves them. */
async function homeWithRuns(count: number): Promise<string> {
  const home = tempDir('runs');
  const store = await openStore({ home });
  const at = Date.now() - count * 1000;
  for (let i = 0; i < count; i++) {
    const run: RunRecord = {
      id: `run-${String(i).padStart(5, '0')}`,
      workflow: `wf-${i % 10}`,
      version: '1',
      status: i % 7 === 0 ? 'Failed' : 'Succeeded',
      params: { i },
      spec: { name: `wf-${i % 10}`, tasks: [{ name: 'only' }] },
      baseDir: home,
      origin: { kind: 'cli' },
      createdAt: at + i * 1000,
      startedAt: at + i * 1000,
      finishedAt: at + i * 1000 + 250,
      cancelRequested: false,
    };
    await store.createRun(run);
  }
  await store.close();
  return home;
}

async function main(): Promise<void> {
  if (!existsSync(join(BIN, '..', '..', 'dist', 'src', 'cli', 'main.js'))) throw new Error(`no build next to ${BIN}: run npm run build first`);
  const cwd = tempDir('cwd');
  const empty = tempDir('empty');
  const full = await homeWithRuns(RUNS);
  const tandem = (args: string[], home = empty) => () => timeMs(() => node([BIN, ...args], cwd, { TANDEM_HOME: home }));
  console.log(`cli-startup: ${BIN}, whole processes, median of ${REPS}, interleaved; ${RUNS} runs in the full data directory\n`);
  // Warm-up: the OS file cache holds node, the modules and the store before anything is timed.
  for (const args of [['-e', '0'], [BIN, '--version'], [BIN, 'runs']]) await node(args, cwd, { TANDEM_HOME: full });

  const result = await interleavedMedians(REPS, {
    nodeFloor: () => timeMs(() => node(['-e', '0'], cwd)),
    version: tandem(['--version']),
    help: tandem(['--help']),
    runsEmpty: tandem(['runs']),
    runsFull: tandem(['runs'], full),
  });
  const report = new Report('cli-startup');
  const floor = result.nodeFloor;
  report.add('tandem --version vs node -e 0', result.version, 'ms', floor, '<=2x node -e 0', { maxRatio: 2 });
  report.add('tandem runs, empty data directory vs node -e 0', result.runsEmpty, 'ms', floor, '<=2x node -e 0', { maxRatio: 2 });
  report.add(`tandem runs, ${RUNS} runs vs node -e 0`, result.runsFull, 'ms', floor, '<=2x node -e 0', { maxRatio: 2 });
  report.add('tandem --help vs node -e 0', result.help, 'ms', floor, '-');
  report.finish();
}

await main();
