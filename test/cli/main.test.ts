// main(): parsing, help, exit codes and error reporting, with fake services: an in-memory store
// holding the given runs (main is a composition root, so it hands commands a whole Store), no engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import type { Services } from '../../src/cli/runtime.js';
import type { Engines } from '../../src/engines/registry.js';
import { StoreError } from '../../src/errors.js';
import type { RunFilter, RunRecord } from '../../src/store/ports/runs.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';

interface Captured {
  io: CliIo;
  out: () => string;
  err: () => string;
}

function capture(cwd = tmpdir()): Captured {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t) },
      env: {},
      cwd,
      onInterrupt: () => () => undefined,
      exit: (code: number) => {
        throw new Error(`exit ${code}`);
      },
    },
    out: () => out,
    err: () => err,
  };
}

/** A fresh in-memory store holding `runs`, whose listRuns notes the filters the commands pass. */
async function memoryStore(runs: readonly RunRecord[], filters: Array<RunFilter | undefined>): Promise<SqliteStore> {
  const store = SqliteStore.open({ path: ':memory:' });
  for (const run of runs) await store.createRun(run);
  const listRuns = store.listRuns.bind(store);
  store.listRuns = (filter) => {
    filters.push(filter);
    return listRuns(filter);
  };
  return store;
}

function fakeServices(runs: RunRecord[] = [], failOpen?: unknown): Services & { filters: Array<RunFilter | undefined> } {
  const filters: Array<RunFilter | undefined> = [];
  return {
    filters,
    // Each command closes the store it opened, so each gets its own.
    openStore: () => (failOpen !== undefined ? Promise.reject(failOpen) : memoryStore(runs, filters)),
    openEngines: () => Promise.resolve({ close: () => Promise.resolve() } as unknown as Engines),
  };
}

const RUN: RunRecord = {
  id: 'run-1',
  workflow: 'ingest',
  version: '1',
  status: 'Failed',
  message: 'task parse failed',
  params: { source: './docs' },
  spec: { name: 'ingest', tasks: [{ name: 'parse' }] },
  baseDir: '/tmp',
  origin: { kind: 'cli' },
  createdAt: 1_700_000_000_000,
  startedAt: 1_700_000_000_000,
  finishedAt: 1_700_000_003_000,
  cancelRequested: false,
};

void test('--help on the program and every command shows examples, exit 0', async () => {
  for (const argv of [['--help'], ...['run', 'validate', 'runs', 'show', 'logs', 'cancel', 'resume'].map((c) => [c, '--help'])]) {
    const c = capture();
    assert.equal(await main(argv, { io: c.io, services: fakeServices() }), 0, argv.join(' '));
    assert.match(c.out(), /Examples:\n {2}\$ tandem/, argv.join(' '));
    assert.match(c.out(), /--home <dir>/, `${argv.join(' ')} shows the global options`);
  }
});

void test('usage errors exit 2', async () => {
  for (const argv of [['frobnicate'], ['run'], ['runs', '--limit', 'many'], ['runs', '--status', 'Sleepy'], ['show', 'x', '--bogus']]) {
    const c = capture();
    assert.equal(await main(argv, { io: c.io, services: fakeServices() }), 2, argv.join(' '));
    assert.match(c.err(), /error/, argv.join(' '));
  }
});

void test('show: a missing run exits 3 with one line', async () => {
  const c = capture();
  assert.equal(await main(['show', 'nope'], { io: c.io, services: fakeServices() }), 3);
  assert.equal(c.err(), 'error: run "nope" not found\n');
});

void test('show --json and runs list from the store', async () => {
  const services = fakeServices([RUN]);
  const c = capture();
  assert.equal(await main(['show', 'run-1', '--json'], { io: c.io, services }), 0);
  const report = JSON.parse(c.out()) as { id: string; status: string; params: unknown };
  assert.equal(report.id, 'run-1');
  assert.equal(report.status, 'Failed');
  assert.deepEqual(report.params, { source: './docs' });

  const listing = capture();
  assert.equal(await main(['runs', '--status', 'failed', '--workflow', 'ingest', '--limit', '5'], { io: listing.io, services }), 0);
  assert.deepEqual(services.filters.at(-1), { limit: 5, status: ['Failed'], workflow: 'ingest' });
  assert.match(listing.out(), /^RUN\s+WORKFLOW\s+STATUS\s+LANE\s+CREATED\s+DURATION\s+STARTED BY\nrun-1\s+ingest\s+Failed\s+-\s+.*3\.0s\s+\S+/m);
});

void test('store errors exit 4; unexpected errors print one line and a TANDEM_DEBUG hint', async () => {
  const c = capture();
  assert.equal(await main(['runs'], { io: c.io, services: fakeServices([], new StoreError('cannot use data directory /x: permission denied')) }), 4);
  assert.equal(c.err(), 'error: cannot use data directory /x: permission denied\n');

  const d = capture();
  assert.equal(await main(['runs'], { io: d.io, services: fakeServices([], new TypeError('boom\n    at somewhere')) }), 4);
  assert.equal(d.err(), 'error: boom\nhint: this is unexpected; set TANDEM_DEBUG=1 to print the stack trace\n');
});

void test('a bad tandem.yaml exits 2 naming the file', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'tandem-main-'));
  writeFileSync(join(cwd, 'tandem.yaml'), 'engine:\n  concurrency: zero\n');
  const c = capture(cwd);
  assert.equal(await main(['runs'], { io: c.io, services: fakeServices() }), 2);
  assert.match(c.err(), /^error: .*tandem\.yaml:2:16 \/engine\/concurrency: expected a positive integer, found "zero"\n$/);
});

void test('validate reports every file and exits 2 if any is invalid', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'tandem-validate-'));
  writeFileSync(join(cwd, 'good.yaml'), 'name: good\ntasks:\n  - name: hello\n    process:\n      command: echo\n      args: [hi]\n');
  writeFileSync(join(cwd, 'bad.yaml'), 'name: Bad Name\ntasks: []\n');
  writeFileSync(join(cwd, 'broken.yaml'), 'name: [\n');
  const c = capture(cwd);
  assert.equal(await main(['validate', 'good.yaml', 'bad.yaml', 'broken.yaml', 'missing.yaml'], { io: c.io, services: fakeServices() }), 2);
  assert.match(c.out(), /✓ good\.yaml \(good, 1 task\)/);
  assert.match(c.out(), /✗ bad\.yaml: \d+ problems?\n {2}.*bad\.yaml/);
  assert.match(c.out(), /1 valid, 3 invalid/);

  const j = capture(cwd);
  assert.equal(await main(['validate', 'good.yaml', '--json'], { io: j.io, services: fakeServices() }), 0);
  assert.deepEqual(JSON.parse(j.out()), [{ file: 'good.yaml', valid: true, workflow: 'good', tasks: 1, issues: [] }]);
});
