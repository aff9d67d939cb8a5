// The malformed-input corpus, through the real CLI: over 500 generated workflow files (see
// corpus/generators.ts) fed to `tandem validate --json`, and the ones that validate but are hostile
// at run time to `tandem run`. For every process: the exit code is one the docs give for the case
// (2 for an invalid file; never 4, the internal-error code, and never a signal), it ends within a
// generous bound, its peak memory (VmHWM, read as it exits) stays bounded under a capped V8 heap,
// and each invalid file's verdict names the file and a path (or says why the file cannot be read).
// Uses dist/: run `npm run build` first.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { corpus, type CorpusCase } from './corpus/generators.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'tandem.js');
/** Generous: these bound a hang, not speed; the machine may be busy with other builds. */
const PROCESS_BOUND_MS = 120_000;
/** V8's heap is capped at this; a process that needs more dies of OOM instead of growing. */
const HEAP_CAP_MB = 384;
/** Peak resident memory allowed: the capped heap plus Node's own code and buffers. */
const RSS_BOUND_KB = 640 * 1024;
const BATCH = 120;
const ALONE_BATCH = 15;

/** Writes VmHWM (peak RSS, kB) to $TANDEM_TEST_HWM_FILE as the process exits. */
const HWM_REPORTER = `data:text/javascript,${encodeURIComponent(
  "import{readFileSync,writeFileSync}from'node:fs';const f=process.env.TANDEM_TEST_HWM_FILE;if(f)process.on('exit',()=>{const m=/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status','utf8'));writeFileSync(f,m?m[1]:'')});",
)}`;

interface Outcome {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  hwmKb: number;
  timedOut: boolean;
}

interface Verdict {
  file: string;
  valid: boolean;
  error?: string;
  issues: Array<{ file?: string; path: string; line?: number; message: string }>;
}

let dir: string;
let seq = 0;

function tandem(args: string[], env: Record<string, string> = {}, cwd = join(dir, 'files')): Promise<Outcome> {
  const hwmFile = join(dir, `hwm-${seq++}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_CAP_MB}`, '--import', HWM_REPORTER, BIN, '--home', join(dir, 'home'), ...args], {
      cwd,
      env: { ...process.env, ...env, TANDEM_TEST_HWM_FILE: hwmFile, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, PROCESS_BOUND_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const hwm = existsSync(hwmFile) ? Number(readFileSync(hwmFile, 'utf8')) : Number.NaN;
      resolve({ code, signal, stdout, stderr, hwmKb: hwm, timedOut });
    });
  });
}

/** Runs jobs two at a time: the machine has two cores. */
async function inPairs<T>(jobs: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]!();
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

function assertBounded(outcome: Outcome, what: string): void {
  assert.equal(outcome.timedOut, false, `${what}: still running after ${PROCESS_BOUND_MS} ms`);
  assert.equal(outcome.signal, null, `${what}: ended by ${outcome.signal}\n${outcome.stderr.slice(-2000)}`);
  assert.notEqual(outcome.code, 4, `${what}: exit 4 (internal error)\n${outcome.stderr.slice(-2000)}`);
  assert.ok(Number.isFinite(outcome.hwmKb), `${what}: no peak memory reported (did it exit normally?)\n${outcome.stderr.slice(-2000)}`);
  assert.ok(outcome.hwmKb <= RSS_BOUND_KB, `${what}: peak memory ${outcome.hwmKb} kB is over ${RSS_BOUND_KB} kB`);
}

function checkVerdict(c: CorpusCase, verdict: Verdict | undefined): void {
  assert.ok(verdict, `${c.file}: no verdict`);
  const shown = JSON.stringify(verdict).slice(0, 600);
  if (c.expect === 'valid') assert.equal(verdict.valid, true, `${c.file} (${c.kind}) should be valid: ${shown}`);
  if (c.expect === 'invalid') assert.equal(verdict.valid, false, `${c.file} (${c.kind}) should be invalid`);
  if (!verdict.valid) {
    if (verdict.error !== undefined) {
      assert.ok(verdict.error.startsWith(c.file), `${c.file}: the error does not name the file: ${shown}`);
    } else {
      assert.ok(verdict.issues.length > 0, `${c.file}: invalid without an issue`);
      for (const issue of verdict.issues) {
        assert.equal(issue.file, c.file, `${c.file}: an issue names another file: ${shown}`);
        assert.equal(typeof issue.path, 'string', `${c.file}: an issue without a path: ${shown}`);
        assert.ok(issue.message.length > 0 && issue.message.length < 2000, `${c.file}: an empty or runaway message: ${shown}`);
      }
    }
  }
  if (c.mentions) assert.match(JSON.stringify(verdict), c.mentions, `${c.file}: the verdict does not name ${c.mentions}: ${shown}`);
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

describe('malformed workflow corpus through the real CLI', () => {
  const cases = corpus();

  before(() => {
    assert.ok(existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js')), 'run `npm run build` first');
    dir = mkdtempSync(join(tmpdir(), 'tandem-corpus-'));
    mkdirSync(join(dir, 'files'));
    for (const c of cases) writeFileSync(join(dir, 'files', c.file), c.content);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has at least 500 distinct cases of every kind asked for', () => {
    assert.ok(cases.length >= 500, `only ${cases.length} cases`);
    assert.equal(new Set(cases.map((c) => c.file)).size, cases.length, 'file names are unique');
    const kinds = new Set(cases.map((c) => c.kind));
    for (const kind of ['deleted key', 'swapped type', 'huge number', 'deep nesting', 'alias bomb', 'merge-key bomb', 'CEL bomb', 'template bomb', 'forEach bomb', 'long string', 'unicode', 'CRLF', 'multi-document']) {
      assert.ok(kinds.has(kind), `no ${kind} cases`);
    }
  });

  it('validate: every verdict as documented, exit 0 or 2, bounded time and memory', async () => {
    // Batches of files of one process each; the crashers (deep nesting, bombs, modules) in small
    // batches of their own, so a process that dies points at a handful of files.
    const batches = [...chunks(cases.filter((c) => !c.alone), BATCH), ...chunks(cases.filter((c) => c.alone), ALONE_BATCH)];
    const outcomes = await inPairs(batches.map((batch) => () => tandem(['validate', '--json', ...batch.map((c) => c.file)])));
    console.log(`validate: ${cases.length} files in ${batches.length} processes, peak RSS at most ${Math.max(...outcomes.map((o) => o.hwmKb))} kB`);
    batches.forEach((batch, b) => {
      const outcome = outcomes[b]!;
      const what = `validate ${batch.map((c) => c.file).join(' ')}`.slice(0, 300);
      assertBounded(outcome, what);
      let verdicts: Verdict[];
      try {
        verdicts = JSON.parse(outcome.stdout) as Verdict[];
      } catch {
        assert.fail(`${what}: stdout is not JSON (exit ${outcome.code}):\n${outcome.stdout.slice(0, 500)}\n${outcome.stderr.slice(-2000)}`);
      }
      const invalid = verdicts.filter((v) => !v.valid).length;
      assert.equal(outcome.code, invalid > 0 ? 2 : 0, `${what}: exit ${outcome.code} with ${invalid} invalid`);
      batch.forEach((c, i) => checkVerdict(c, verdicts[i]));
    });
  });

  it('validate and run take the limits from tandem.yaml and TANDEM_LIMIT_*', async () => {
    const project = join(dir, 'configured');
    mkdirSync(project);
    writeFileSync(join(project, 'fan.yaml'), 'name: fan\ntasks:\n  - name: fan\n    forEach: { count: 20 }\n    process: { command: /bin/true }\n');
    const defaults = await tandem(['validate', 'fan.yaml'], {}, project);
    assert.equal(defaults.code, 0, defaults.stdout);
    const byEnv = await tandem(['validate', 'fan.yaml'], { TANDEM_LIMIT_FOREACH_ITEMS: '10' }, project);
    assert.equal(byEnv.code, 2);
    assert.match(byEnv.stdout, /fan\.yaml:4:5 \/tasks\/0\/forEach: forEach of task "fan" expands to 20 items; the limit is 10 \(limits\.forEachItems\)/);
    writeFileSync(join(project, 'tandem.yaml'), 'limits: { forEachItems: 12 }\n');
    const byFile = await tandem(['run', 'fan.yaml'], {}, project);
    assert.equal(byFile.code, 2);
    assert.match(byFile.stderr, /fan\.yaml:4:5 \/tasks\/0\/forEach: .*the limit is 12 \(limits\.forEachItems\)/);
  });

  it('run: hostile files that validate fail with the named limit; bombs are refused before they start', async () => {
    const runs = cases.filter((c) => c.run);
    assert.ok(runs.length >= 10, `only ${runs.length} run cases`);
    const outcomes = await inPairs(runs.map((c) => () => tandem(['run', c.file], c.run!.env)));
    console.log(`run: ${runs.length} files, peak RSS at most ${Math.max(...outcomes.map((o) => o.hwmKb))} kB`);
    runs.forEach((c, i) => {
      const outcome = outcomes[i]!;
      const output = `${outcome.stdout}\n${outcome.stderr}`;
      assertBounded(outcome, `run ${c.file}`);
      assert.equal(outcome.code, c.run!.exit, `run ${c.file}: exit ${outcome.code}, expected ${c.run!.exit}\n${output.slice(-2000)}`);
      if (c.run!.mentions) assert.match(output, c.run!.mentions, `run ${c.file}: the output does not name ${c.run!.mentions}\n${output.slice(-2000)}`);
      if (outcome.code === 2) assert.match(outcome.stderr, new RegExp(c.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), `run ${c.file}: the error does not name the file`);
    });
  });
});
