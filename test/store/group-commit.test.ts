// Group commit and the background checkpointer, on real SQLite files.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { StoreError } from '../../src/errors.js';
import { DB_FILE, openStore } from '../../src/store/sqlite/open.js';
import { GroupCommit } from '../../src/store/sqlite/group-commit.js';
import { makeEvent, makeRun } from './fixtures.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-group-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function countRows(db: Database.Database, name: string): number {
  return db.prepare<[], { c: number }>(`SELECT count(*) AS c FROM ${name}`).get()!.c;
}

function table(): { db: Database.Database; insert: (n: number) => number } {
  const db = new Database(join(tempDir(), 'g.db'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY)');
  const statement = db.prepare<[number]>('INSERT INTO t (n) VALUES (?)');
  return { db, insert: (n) => Number(statement.run(n).lastInsertRowid) };
}

void describe('GroupCommit', () => {
  void it('applies the writes of one turn in one transaction and resolves each with its result', async () => {
    const { db, insert } = table();
    let commits = 0;
    const group = new GroupCommit(db, () => commits++);
    const inOneTransaction: boolean[] = [];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        group.run(() => {
          inOneTransaction.push(db.inTransaction);
          return insert(n + 1);
        }),
      ),
    );
    assert.deepEqual(results, Array.from({ length: 50 }, (_, n) => n + 1));
    assert.ok(inOneTransaction.every(Boolean));
    assert.equal(commits, 1, 'fifty writes queued in one turn commit together');
    assert.equal(countRows(db, 't'), 50);
    db.close();
  });

  void it('rolls back only the write that throws; the rest of its batch commits', async () => {
    const { db, insert } = table();
    const group = new GroupCommit(db);
    const outcomes = await Promise.allSettled([
      group.run(() => insert(1)),
      group.run(() => {
        insert(2);
        insert(1); // primary key clash: this write's insert of 2 must go too
      }),
      group.run(() => insert(3)),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const stored = db.prepare<[], { n: number }>('SELECT n FROM t ORDER BY n').all().map((row) => row.n);
    assert.deepEqual(stored, [1, 3]);
    db.close();
  });

  void it('rejects every write of a batch whose transaction cannot start, and stores none of them', async () => {
    const dir = tempDir();
    const path = join(dir, 'g.db');
    const { db, insert } = (() => {
      const db = new Database(path, { timeout: 0 });
      db.pragma('journal_mode = WAL');
      db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY)');
      const statement = db.prepare<[number]>('INSERT INTO t (n) VALUES (?)');
      return { db, insert: (n: number) => statement.run(n) };
    })();
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE'); // another process holds the write lock
    const group = new GroupCommit(db);
    const outcomes = await Promise.allSettled([group.run(() => insert(1)), group.run(() => insert(2))]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected'],
    );
    other.exec('ROLLBACK');
    assert.equal(countRows(db, 't'), 0);
    other.close();
    db.close();
  });

  void it('keeps program order: a write queued after another sees it', async () => {
    const { db, insert } = table();
    const group = new GroupCommit(db);
    const count = db.prepare<[], { c: number }>('SELECT count(*) AS c FROM t');
    const [, seen] = await Promise.all([group.run(() => insert(1)), group.run(() => count.get()!.c)]);
    assert.equal(seen, 1);
    db.close();
  });
});

void describe('SqliteStore with group commit', () => {
  void it('records 500 concurrent events, and a failing one loses none of the others', async () => {
    const home = tempDir();
    const store = await openStore({ home });
    const writes = Array.from({ length: 500 }, (_, i) => store.recordEvent(makeEvent({ id: `m${i}` }), `ev${i}`, i));
    // Same tandem event id, another source id: a clash the store must refuse.
    const clash = store.recordEvent(makeEvent({ id: 'other' }), 'ev7', 999);
    const results = await Promise.all(writes);
    await assert.rejects(clash, StoreError);
    assert.equal(results.filter((r) => !r.duplicate).length, 500);
    assert.equal((await store.listEvents({ limit: 1000 })).length, 500);
    await store.close();
  });

  void it('lets the process exit when a write lands while the store closes', async () => {
    // Such a commit once started a second checkpoint worker that nothing closed, and the process
    // never exited.
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'close-child.ts'), tempDir()], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await exited;
    clearTimeout(timer);
    assert.equal(code, 0, 'the process exited on its own');
    assert.match(out, /^(stored|refused)$/);
  });

  void it('checkpoints the write-ahead log on a worker thread, not on the committing one', async () => {
    const home = tempDir();
    const store = await openStore({ home });
    const dbFile = join(home, DB_FILE);
    const before = statSync(dbFile).size;
    // Each run row carries its spec: fifty runs fill a few hundred log pages, fewer than the
    // thousand at which SQLite would checkpoint on its own.
    for (let i = 0; i < 50; i++) await store.createRun(makeRun());
    // The committing connection's own auto-checkpoint is raised far above this, so only the
    // worker can have copied these pages into the database file.
    const deadline = Date.now() + 60_000;
    while (statSync(dbFile).size <= before && Date.now() < deadline) await sleep(20);
    assert.ok(statSync(dbFile).size > before, 'the database file grew: the log was checkpointed');
    await store.close();
    // After close the database holds every run.
    const db = new Database(dbFile, { readonly: true });
    assert.equal(countRows(db, 'runs'), 50);
    db.close();
  });
});
