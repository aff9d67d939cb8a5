// `tandem run` into a pipe, end to end (the built CLI, as in CI): with progress lines gathered
// before they are written, every change still appears once, in order, and before the summary.
// `npm test` builds dist/ first; run `npm run build` before running this file alone.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tandem.js');
const TASKS = 300;
let dir: string;

before(() => {
  assert.ok(existsSync(join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js')), 'run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'tandem-run-progress-'));
  const tasks = Array.from({ length: TASKS }, (_, i) => `  - name: t${i}\n    process: { command: /bin/true }${i > 0 && i % 3 === 0 ? `\n    dependsOn: [t${i - 1}]` : ''}`);
  writeFileSync(join(dir, 'many.yaml'), `name: many\ntasks:\n${tasks.join('\n')}\n`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

void test('every task change is printed once, Running before Succeeded, all before the run ends and the summary', () => {
  const run = spawnSync(process.execPath, [BIN, '--home', join(dir, 'home'), 'run', 'many.yaml', '--concurrency', '2'], { cwd: dir, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.split('\n');
  const runEnd = lines.findIndex((line) => / run many-\S+ Succeeded$/.test(line));
  const summary = lines.findIndex((line) => line.startsWith('many Succeeded'));
  assert.ok(runEnd > 0 && summary > runEnd, `the run's end, then the summary:\n${run.stdout.slice(-2000)}`);
  for (let i = 0; i < TASKS; i++) {
    const running = lines.flatMap((line, at) => (line.endsWith(` t${i} Running attempt 1`) ? [at] : []));
    const done = lines.flatMap((line, at) => (new RegExp(` t${i} Succeeded attempt 1 \\(`).test(line) ? [at] : []));
    assert.equal(running.length, 1, `t${i} Running once`);
    assert.equal(done.length, 1, `t${i} Succeeded once`);
    assert.ok(running[0]! < done[0]! && done[0]! < runEnd, `t${i}: Running, Succeeded, then the run's end`);
  }
});
