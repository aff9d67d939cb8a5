import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { StoreError } from '../../src/errors.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { DB_FILE, openStore } from '../../src/store/sqlite/open.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import type { StoreWrite } from '../../src/store/ports/runs.js';
import { storeContract } from './contract/all.js';
import { makeRun, taskRun } from './fixtures.js';

const dirs: string[] = [];
function tempHome(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-store-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// Every role suite against SQLite: a fresh database file per test.
storeContract('sqlite', async () => {
  const home = tempHome();
  const store = await openStore({ home });
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
});

void describe('SqliteStore', () => {
  void it('creates the data directory and turns WAL mode on', async () => {
    const home = join(tempHome(), 'nested', '.tandem');
    const store = await openStore({ home });
    await store.close();
    const db = new Database(join(home, DB_FILE), { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      db.close();
    }
  });

  void it('lets two instances on one file see each other, and arbitrates claims between them', async () => {
    const home = tempHome();
    const a = await openStore({ home });
    const b = await openStore({ home });
    try {
      const run = makeRun();
      await a.createRun(run);
      assert.deepEqual(await b.getRun(run.id), run);
      await b.requestCancel(run.id);
      assert.equal((await a.getRun(run.id))?.cancelRequested, true);
      await a.applyWrites([{ kind: 'taskRun', record: taskRun(run.id, 'fetch', 1) }]);
      assert.deepEqual(await b.listTaskRuns(run.id), [taskRun(run.id, 'fetch', 1)]);
      assert.equal(await a.claimRun(run.id, 'a', 1, undefined), true);
      assert.equal(await b.claimRun(run.id, 'b', 2, undefined), false);
    } finally {
      await a.close();
      await b.close();
    }
  });

  void it('serialises writers in separate processes (busy timeout, no lost writes, one claim winner)', async () => {
    const home = tempHome();
    const store = await openStore({ home });
    const run = makeRun();
    await store.createRun(run);
    const rounds = 150;
    const claimPrefix = 'claim-';
    for (let i = 0; i < rounds; i++) await store.createRun(makeRun({ id: `${claimPrefix}${i}` }));
    const child = fileURLToPath(new URL('./writer-child.ts', import.meta.url));
    const spawnChild = (name: string) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', child, home, run.id, claimPrefix, String(rounds), name]);
    try {
      const results = await Promise.all(['p1', 'p2', 'p3'].map(spawnChild));
      const won = results.reduce((sum, r) => sum + Number(r.stdout), 0);
      assert.equal(won, rounds, 'each run is claimed by exactly one process');
      assert.equal((await store.listRunEvents(run.id)).length, 1 + 3 * rounds);
      assert.equal((await store.listTaskRuns(run.id)).length, 3 * rounds);
    } finally {
      await store.close();
    }
  });

  void it('gives each trigger key exactly one claimer and one run across processes', async () => {
    const home = tempHome();
    const store = await openStore({ home });
    const rounds = 200;
    const names = ['p1', 'p2', 'p3', 'p4'];
    const child = fileURLToPath(new URL('./claim-child.ts', import.meta.url));
    try {
      const running = names.map((name) =>
        promisify(execFile)(process.execPath, ['--import', 'tsx', child, home, String(rounds), name]),
      );
      // Start every child's claims at once, so they contend for the same keys.
      const deadline = Date.now() + 60_000;
      while (!names.every((name) => existsSync(join(home, `ready-${name}`))) && Date.now() < deadline) await sleep(5);
      writeFileSync(join(home, 'go'), '');
      const results = (await Promise.all(running)).map(
        (r) => JSON.parse(r.stdout) as { won: number[]; runIds: string[]; created: number },
      );
      for (let i = 0; i < rounds; i++) {
        const winners = names.filter((_, p) => results[p]?.won.includes(i));
        assert.equal(winners.length, 1, `key k${i} claimed by ${winners.join(', ') || 'nobody'}`);
        const runId = `${winners[0] ?? ''}-${i}`;
        assert.deepEqual(
          results.map((r) => r.runIds[i]),
          names.map(() => runId),
          `every process got the winner's run id for k${i}`,
        );
        assert.deepEqual(await store.listRunsForEvent(`ev-${i}`), [runId]);
      }
      assert.equal(
        results.reduce((sum, r) => sum + r.created, 0),
        rounds,
        'each claimed run is created exactly once',
      );
      assert.equal((await store.listRuns()).length, rounds);
    } finally {
      await store.close();
    }
  });

  void it('migrates a fresh store once when several processes open it at the same moment', async () => {
    const home = tempHome();
    const child = fileURLToPath(new URL('./writer-child.ts', import.meta.url));
    await Promise.all(
      ['p1', 'p2', 'p3', 'p4'].map((name) =>
        promisify(execFile)(process.execPath, ['--import', 'tsx', child, home, 'none', 'none', '0', name]),
      ),
    );
    const db = new Database(join(home, DB_FILE), { readonly: true });
    try {
      assert.equal(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get(), MIGRATIONS.length);
    } finally {
      db.close();
    }
  });

  void it('runs each migration once across reopenings', async () => {
    const home = tempHome();
    const path = join(home, DB_FILE);
    const first = SqliteStore.open({ path });
    assert.deepEqual(first.appliedMigrations, MIGRATIONS.map((m) => m.id));
    const run = makeRun();
    await first.createRun(run);
    await first.close();
    const second = SqliteStore.open({ path });
    assert.deepEqual(second.appliedMigrations, []);
    assert.deepEqual(await second.getRun(run.id), run);
    await second.close();
    const db = new Database(path, { readonly: true });
    try {
      assert.equal(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get(), MIGRATIONS.length);
    } finally {
      db.close();
    }
  });

  void it('refuses a store migrated by a newer tandem', async () => {
    const home = tempHome();
    const path = join(home, DB_FILE);
    await (await openStore({ home })).close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (999, ?, 0)').run('future');
    db.close();
    await assert.rejects(openStore({ home }), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.match(err.message, /999/);
      assert.ok(err.message.includes(path));
      return true;
    });
  });

  void it('reports a corrupt database file as StoreError naming the path', async () => {
    const home = tempHome();
    const path = join(home, DB_FILE);
    writeFileSync(path, 'this is not a sqlite database, just some text that is long enough '.repeat(100));
    await assert.rejects(openStore({ home }), (err: unknown) => {
      assert.ok(err instanceof StoreError, `expected StoreError, got ${String(err)}`);
      assert.ok(err.message.includes(path), err.message);
      assert.match(err.message, /not a valid SQLite database/);
      return true;
    });
  });

  void it('reports an unusable data directory as StoreError naming the path', async () => {
    const file = join(tempHome(), 'a-file');
    writeFileSync(file, 'x');
    for (const home of [file, join(file, 'below')]) {
      await assert.rejects(openStore({ home }), (err: unknown) => {
        assert.ok(err instanceof StoreError, `expected StoreError, got ${String(err)}`);
        assert.ok(err.message.includes(home), err.message);
        return true;
      });
    }
  });

  void it('reports use after close as a StoreError that is not retried', async () => {
    const store = await openStore({ home: tempHome() });
    await store.close();
    await store.close();
    await assert.rejects(store.getRun('x'), (error: unknown) => error instanceof StoreError && !error.retryable);
  });

  void it('round-trips a batch of 40,000 writes', async () => {
    const store = await openStore({ home: tempHome() });
    try {
      const run = makeRun();
      await store.createRun(run);
      const writes: StoreWrite[] = [{ kind: 'run', runId: run.id, status: 'Running', time: 1 }];
      for (let i = 0; i < 10_000; i++) {
        const task = `t[${i}]`;
        writes.push(
          { kind: 'taskRun', record: { runId: run.id, task, attempt: 1, status: 'Running', startedAt: i, pid: 100 + i } },
          { kind: 'event', runId: run.id, time: i, task, attempt: 1, status: 'Running' },
          {
            kind: 'taskRun',
            record: { runId: run.id, task, attempt: 1, status: 'Succeeded', startedAt: i, finishedAt: i + 1, exitCode: 0 },
          },
          { kind: 'event', runId: run.id, time: i + 1, task, attempt: 1, status: 'Succeeded' },
        );
      }
      writes.push({ kind: 'run', runId: run.id, status: 'Succeeded', time: 20_000 });
      await store.applyWrites(writes);
      const tasks = await store.listTaskRuns(run.id);
      assert.equal(tasks.length, 10_000);
      assert.ok(tasks.every((t) => t.status === 'Succeeded' && t.exitCode === 0 && t.pid === undefined));
      const events = await store.listRunEvents(run.id);
      assert.equal(events.length, 20_001);
      assert.equal((await store.listRunEvents(run.id, events[10_000]?.seq)).length, 10_000);
      const got = await store.getRun(run.id);
      assert.equal(got?.status, 'Succeeded');
      assert.equal(got?.startedAt, 1);
      assert.equal(got?.finishedAt, 20_000);
    } finally {
      await store.close();
    }
  });
});
