// The component cache from the command line, in-process through main(): `tandem run` twice (the
// second run all Cached, shown with its provenance by `tandem show`), `run --no-cache`, and
// `tandem cache ls | rm | prune` with their exit codes.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { main } from '../../../src/cli/main.js';
import { defaultServices } from '../../../src/cli/runtime.js';
import { openStore } from '../../../src/store/sqlite/open.js';
import type { CacheEntryRecord } from '../../../src/store/ports/cache.js';

const root = mkdtempSync(join(tmpdir(), 'tandem-cache-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));
let homes = 0;

async function tandem(home: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    env: {},
    cwd: root,
    onInterrupt: () => () => undefined,
    exit: (code: number): never => {
      throw new Error(`exit ${code}`);
    },
  };
  const code = await main(['--home', home, ...argv], { io, services: defaultServices });
  return { code, out, err };
}

function entry(key: string, createdAt: number, overrides: Partial<CacheEntryRecord> = {}): CacheEntryRecord {
  return { key, workflow: 'wf', task: 'train', runId: 'run-1', outputs: { n: { kind: 'param', value: 1 } }, metrics: [], createdAt, hits: 0, ...overrides };
}

async function homeWith(entries: CacheEntryRecord[]): Promise<string> {
  const home = join(root, `home-${homes++}`);
  const store = await openStore({ home });
  for (const e of entries) await store.putCacheEntry(e);
  await store.close();
  return home;
}

const NOW = Date.now();
const A = 'a'.repeat(63) + '1';
const B = 'aaaaaa' + 'b'.repeat(58);
const C = 'c'.repeat(64);

void describe('tandem run with caching', () => {
  void it('serves the second run from the cache, shows where results came from, and --no-cache reruns', async () => {
    const home = join(root, 'runs');
    const file = join(root, 'cached.yaml');
    writeFileSync(
      file,
      `name: cached\ndefaults:\n  cache: { version: "1" }\ntasks:\n  - name: count\n    process: { command: /bin/sh, args: [-c, "echo 3 > $TANDEM_OUTPUTS/n"] }\n    outputs: { n: { type: integer } }\n`,
    );
    const first = await tandem(home, 'run', file, '--json');
    assert.equal(first.code, 0, first.err);
    const firstId = (JSON.parse(first.out) as { id: string }).id;
    const second = await tandem(home, 'run', file, '--json');
    const report = JSON.parse(second.out) as { id: string; tasks: Array<{ task: string; status: string; message?: string }>; taskOutputs: Record<string, unknown> };
    assert.equal(report.tasks[0]?.status, 'Cached');
    assert.deepEqual(report.taskOutputs, { count: { n: 3 } });
    const shown = await tandem(home, 'show', report.id);
    assert.match(shown.out, new RegExp(`Cached .*cache hit: outputs of run ${firstId} task count`));
    const forced = await tandem(home, 'run', file, '--json', '--no-cache');
    assert.equal((JSON.parse(forced.out) as { tasks: Array<{ status: string }> }).tasks[0]?.status, 'Succeeded');
    const listed = await tandem(home, 'cache', 'ls', '--json');
    const entries = JSON.parse(listed.out) as CacheEntryRecord[];
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.runId, (JSON.parse(forced.out) as { id: string }).id, '--no-cache refreshed the entry');
  });
});

void describe('tandem cache', () => {
  void it('ls lists entries newest first, as a table or JSON', async () => {
    const home = await homeWith([entry(A, NOW - 1000), entry(B, NOW, { workflow: 'other', hits: 4 })]);
    const json = await tandem(home, 'cache', 'ls', '--json');
    assert.equal(json.code, 0);
    assert.deepEqual((JSON.parse(json.out) as CacheEntryRecord[]).map((e) => e.key), [B, A]);
    const filtered = await tandem(home, 'cache', 'ls', '--workflow', 'other', '--json');
    assert.deepEqual((JSON.parse(filtered.out) as CacheEntryRecord[]).map((e) => e.key), [B]);
    const table = await tandem(home, 'cache', 'ls');
    assert.match(table.out, /KEY +WORKFLOW +TASK +RUN +CREATED +HITS/);
    assert.match(table.out, new RegExp(`${B.slice(0, 12)} +other +train +run-1 .* 4 +n`));
    assert.equal((await tandem(await homeWith([]), 'cache', 'ls')).out, 'no cache entries\n');
  });

  void it('rm removes entries by key or unique prefix, with not-found and usage exit codes', async () => {
    const home = await homeWith([entry(A, NOW), entry(B, NOW), entry(C, NOW)]);
    assert.equal((await tandem(home, 'cache', 'rm', 'nothex')).code, 2);
    assert.equal((await tandem(home, 'cache', 'rm', 'aaaaaa')).code, 2, 'aaaaaa is the start of A and of B: ambiguous');
    const missing = await tandem(home, 'cache', 'rm', 'dddddd');
    assert.equal(missing.code, 3);
    assert.match(missing.err, /cache entry "dddddd" not found/);
    const removed = await tandem(home, 'cache', 'rm', A, C.slice(0, 12));
    assert.equal(removed.code, 0);
    assert.equal(removed.out, 'removed 2 cache entries\n');
    const left = JSON.parse((await tandem(home, 'cache', 'ls', '--json')).out) as CacheEntryRecord[];
    assert.deepEqual(left.map((e) => e.key), [B]);
  });

  void it('prune removes entries older than a duration', async () => {
    const home = await homeWith([entry(A, NOW - 3 * 86_400_000), entry(B, NOW - 3_600_000), entry(C, NOW)]);
    assert.equal((await tandem(home, 'cache', 'prune', '--older-than', 'soon')).code, 2);
    assert.equal((await tandem(home, 'cache', 'prune')).code, 2, '--older-than is required');
    const pruned = await tandem(home, 'cache', 'prune', '--older-than', '2h');
    assert.equal(pruned.code, 0);
    assert.match(pruned.out, /^removed 1 cache entry created before /);
    const left = JSON.parse((await tandem(home, 'cache', 'ls', '--json')).out) as CacheEntryRecord[];
    assert.deepEqual(left.map((e) => e.key).sort(), [B, C].sort());
    assert.match((await tandem(home, 'cache', '--help')).out, /tandem cache prune --older-than 7d/);
  });
});
