// cache: what the embedded engine's component cache saves and costs, each against a baseline
// measured in the same run. (1) A 100-task pipeline whose tasks each do ~50 ms of real CPU work
// (a node process hashing in a loop): the fully cached rerun against the cold run, on the same
// engine and data directory. (2) Keying a task whose input is a 100 MB artifact: tandem's content
// digest against `sha256sum` on the same file, and the key computed from the recorded digest
// (what every lookup does) against hashing the file (what storing the artifact did once); and
// verifying a hit whose output is that file (re-hashed on every hit) against `sha256sum`.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStore, digestFile } from '../src/engines/local/artifacts.js';
import { FileDigests } from '../src/engines/local/cache/file-digests.js';
import { keyIngredients } from '../src/engines/local/cache/ingredients.js';
import { cacheKey } from '../src/engines/local/cache/key.js';
import { cachePolicy } from '../src/engines/local/cache/policy.js';
import { verifyOutputs } from '../src/engines/local/cache/verify.js';
import type { ContextParts } from '../src/engines/local/context.js';
import { openBenchEngines } from './lib/engines.js';
import type { TaskSpec, WorkflowSpec } from '../src/spec/schema.js';
import { openStore } from '../src/store/sqlite/open.js';
import { interleavedMedians, median, Report, repetitions, timeMs } from './lib/harness.js';

const REPS = repetitions(3);
const LAYERS = 10;
const WIDTH = 10;
const WORK_MS = 50;
const ARTIFACT_MB = 100;

const homes: string[] = [];
process.on('exit', () => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});
function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tandem-bench-cache-${label}-`));
  homes.push(dir);
  return dir;
}

/**
 * sha256 rounds that take about WORK_MS of CPU time in this process (a child node does the same
 * work). CPU time, not wall time: on a busy machine wall time would undercount the work.
 */
function calibrateRounds(): number {
  let rounds = 0;
  let h = Buffer.from('calibrate');
  const start = process.cpuUsage();
  const cpuMs = (): number => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };
  while (cpuMs() < WORK_MS) {
    for (let i = 0; i < 1000; i++) h = createHash('sha256').update(h).digest();
    rounds += 1000;
  }
  return rounds;
}

// argv: seed, rounds. Writes the final digest as the task's output `h`.
const TASK_SCRIPT =
  "const c=require('node:crypto');let h=Buffer.from(process.argv[1]);const n=+process.argv[2];" +
  "for(let i=0;i<n;i++)h=c.createHash('sha256').update(h).digest();" +
  "require('node:fs').writeFileSync(process.env.TANDEM_OUTPUTS+'/h',h.toString('hex'))";

/** LAYERS x WIDTH tasks; task (k, i) hashes the output of task (k-1, i). Every task is cached. */
function pipeline(rounds: number): WorkflowSpec {
  const tasks: TaskSpec[] = [];
  for (let k = 0; k < LAYERS; k++) {
    for (let i = 0; i < WIDTH; i++) {
      const seed = k === 0 ? `seed-${i}` : `{{ tasks.t${k - 1}_${i}.outputs.h }}`;
      tasks.push({
        name: `t${k}_${i}`,
        process: { command: process.execPath, args: ['-e', TASK_SCRIPT, '{{ inputs.seed }}', String(rounds)] },
        inputs: { seed },
        outputs: { h: {} },
      });
    }
  }
  return { name: 'bench-cache', defaults: { cache: {} }, tasks };
}

interface PipelineTiming {
  coldMs: number;
  warmMs: number;
}

/** One fresh data directory: the cold run, then the same workflow again (every task a hit). */
async function coldThenWarm(spec: WorkflowSpec): Promise<PipelineTiming> {
  const home = tempDir('pipeline');
  const store = await openStore({ home });
  const engine = await openBenchEngines({ store, home });
  try {
    const run = async (): Promise<{ ms: number; runId: string }> => {
      let runId = '';
      const ms = await timeMs(async () => {
        runId = (await engine.submit({ spec, baseDir: process.cwd() })).runId;
        const finished = await engine.wait(runId);
        if (finished.status !== 'Succeeded') throw new Error(`benchmark run ${runId} ended ${finished.status}: ${finished.message ?? ''}`);
      });
      return { ms, runId };
    };
    const cold = await run();
    const warm = await run();
    const notCached = (await store.listTaskRuns(warm.runId)).filter((t) => t.status !== 'Cached');
    if (notCached.length > 0) throw new Error(`the rerun was not fully cached: ${notCached.slice(0, 3).map((t) => `${t.task} ${t.status}`).join(', ')}`);
    return { coldMs: cold.ms, warmMs: warm.ms };
  } finally {
    await engine.close();
    await store.close();
  }
}

function sha256sumMs(file: string): Promise<number> {
  return timeMs(async () => {
    const result = spawnSync('sha256sum', [file], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`sha256sum failed: ${result.stderr}`);
  });
}

/** Keys a task reading the artifact from its recorded reference: no byte of it is read. */
async function keyFromRecordedDigest(ref: { digest: string; size: number }, files: FileDigests): Promise<string> {
  const task: TaskSpec = { name: 'train', process: { command: '/bin/true' }, inputs: { data: '{{ tasks.prep.outputs.data }}' }, cache: {} };
  const parts: ContextParts = {
    params: {},
    run: {},
    tasks: { prep: { status: 'Succeeded', outputs: {}, artifacts: { data: { ...ref, kind: 'file', type: 'Dataset' } } } },
    task: { name: 'train', attempt: 0 },
  };
  return cacheKey(await keyIngredients(task, parts, cachePolicy(task, undefined, 'main')!, { baseDir: process.cwd(), defaultImage: undefined, files }));
}

async function artifactFigures(report: Report): Promise<void> {
  const dir = tempDir('artifact');
  const file = join(dir, 'big.bin');
  writeFileSync(file, randomBytes(ARTIFACT_MB * 1024 * 1024));
  await digestFile(file);
  spawnSync('sha256sum', [file]); // warm the page cache for both
  const digests = await interleavedMedians(REPS, { tandem: () => timeMs(() => digestFile(file)), sha256sum: () => sha256sumMs(file) });
  report.add(`digest ${ARTIFACT_MB} MB: tandem vs sha256sum, time`, digests.tandem, 'ms', digests.sha256sum, '<=1.5x sha256sum', { maxRatio: 1.5 });
  report.add(`digest ${ARTIFACT_MB} MB: tandem vs sha256sum, throughput`, ARTIFACT_MB / (digests.tandem / 1000), 'MB/s', ARTIFACT_MB / (digests.sha256sum / 1000), '-');

  // First key: the artifact is stored (hashed once, as a task's output is) and the key computed.
  // Second key: what each later lookup does, from the digest the store recorded.
  const files = new FileDigests();
  const firsts: number[] = [];
  const seconds: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const artifacts = new ArtifactStore(join(tempDir('cas'), 'artifacts'));
    let ref = { digest: '', size: 0 };
    let firstKey = '';
    firsts.push(await timeMs(async () => {
      ref = await artifacts.put(file, 'Dataset');
      firstKey = await keyFromRecordedDigest(ref, files);
    }));
    let secondKey = '';
    seconds.push(await timeMs(async () => (secondKey = await keyFromRecordedDigest(ref, files))));
    if (secondKey !== firstKey) throw new Error('the second key differs from the first');
  }
  // What a hit on an entry with this file as an output artifact costs: verification re-hashes it.
  const verifyStore = new ArtifactStore(join(tempDir('verify'), 'artifacts'));
  const stored = await verifyStore.put(file, 'Dataset');
  const outputs = { data: { kind: 'artifact' as const, artifact: { digest: stored.digest, size: stored.size, kind: 'file' as const, type: 'Dataset' } } };
  const verifying = await interleavedMedians(REPS, {
    verify: () =>
      timeMs(async () => {
        const verdict = await verifyOutputs(outputs, verifyStore);
        if (!verdict.ok) throw new Error(`verification failed on an intact blob: ${verdict.reason}`);
      }),
    sha256sum: () => sha256sumMs(stored.path),
  });
  report.add(`cache hit, ${ARTIFACT_MB} MB output artifact: verification (re-hash) vs sha256sum`, verifying.verify, 'ms', verifying.sha256sum, '<=1.5x sha256sum', { maxRatio: 1.5 });

  const first = median(firsts);
  const second = median(seconds);
  console.log(`key with a ${ARTIFACT_MB} MB input: first (store + hash + key) ${first.toFixed(0)} ms, later (recorded digest) ${(second * 1000).toFixed(0)} µs`);
  report.add(`cache key, ${ARTIFACT_MB} MB input artifact: later key (recorded digest) vs first (store + hash + key)`, second, 'ms', first, '<=0.01x first', { maxRatio: 0.01 });
}

async function main(): Promise<void> {
  const rounds = calibrateRounds();
  console.log(`cache: ${LAYERS * WIDTH}-task pipeline, ~${WORK_MS} ms of hashing per task (${rounds} sha256 rounds), median of ${REPS}\n`);
  const report = new Report('cache');
  const spec = pipeline(rounds);
  await coldThenWarm(pipeline(1000)); // warm-up: modules, JIT, spawner helpers' first start
  const timings: PipelineTiming[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const timing = await coldThenWarm(spec);
    console.log(`pipeline rep ${rep + 1}: cold ${timing.coldMs.toFixed(0)} ms, fully cached ${timing.warmMs.toFixed(0)} ms`);
    timings.push(timing);
  }
  const cold = median(timings.map((t) => t.coldMs));
  const warm = median(timings.map((t) => t.warmMs));
  report.add(`pipeline ${LAYERS * WIDTH} x ${WORK_MS} ms: fully cached rerun vs cold run`, warm, 'ms', cold, '<=0.03x cold', { maxRatio: 0.03 });
  report.add(`pipeline ${LAYERS * WIDTH} x ${WORK_MS} ms: cached rerun per task`, (warm / (LAYERS * WIDTH)) * 1000, 'µs', null, '-');
  await artifactFigures(report);
  console.log('');
  report.finish();
}

await main();
