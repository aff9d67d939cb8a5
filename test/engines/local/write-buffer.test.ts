// The engine's write buffer: what close() commits, how a failing store is retried, and that a
// store which can no longer be written (closed) ends the buffer instead of a retry loop. The CI
// run of 2026-12-05 hung for ten minutes in such a loop: writes pushed while the last batch
// committed were flushed after the store had closed, and retried every 5 ms, keeping the
// process alive.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StoreClosedError, StoreError } from '../../../src/errors.js';
import { WriteBuffer } from '../../../src/engines/local/write-buffer.js';
import type { StoreWrite } from '../../../src/store/ports/runs.js';
import { openStore } from '../../../src/store/sqlite/open.js';

const event = (status: string): StoreWrite => ({ kind: 'event', runId: 'run-1', time: 1, status });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A store whose batch writes are held until the test releases them, and can be made to fail. */
class ScriptedStore {
  readonly batches: string[][] = [];
  private held: Array<() => void> = [];
  hold = false;
  failWith: unknown;

  applyWrites(writes: readonly StoreWrite[]): Promise<void> {
    this.batches.push(writes.map((w) => (w.kind === 'event' ? w.status : w.kind)));
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    if (!this.hold) return Promise.resolve();
    return new Promise((resolve) => this.held.push(resolve));
  }

  release(): void {
    for (const resolve of this.held.splice(0)) resolve();
  }
}

describe('the engine write buffer', () => {
  it('commits on close what was pushed while the last batch was committing', async () => {
    const store = new ScriptedStore();
    const buffer = new WriteBuffer(store, (error) => assert.fail(String(error)));
    store.hold = true;
    buffer.push(event('a'));
    const first = buffer.flushed();
    await sleep(20);
    assert.deepEqual(store.batches, [['a']], 'the first batch is in flight');
    buffer.push(event('b'));
    const closed = buffer.close();
    store.hold = false;
    store.release();
    await first;
    await closed;
    assert.deepEqual(store.batches, [['a'], ['b']]);
    buffer.push(event('after close'));
    await sleep(20);
    assert.equal(store.batches.length, 2, 'a closed buffer takes no more writes');
  });

  it('retries a retryable failure after a pause, not at once, ahead of newer writes', async () => {
    const store = new ScriptedStore();
    const errors: unknown[] = [];
    const buffer = new WriteBuffer(store, (error) => errors.push(error));
    store.failWith = new StoreError('disk busy');
    // The retry timer does not keep a process alive by itself (a store that keeps failing must
    // not hold one open); here the test holds the event loop while the pause runs.
    const keepAlive = setInterval(() => undefined, 1000);
    buffer.push(event('a'));
    const done = buffer.flushed();
    await sleep(50);
    // The first pause is 100 ms: however slow the machine, no second try is made before it.
    assert.equal(store.batches.length, 1);
    buffer.push(event('b'));
    store.failWith = undefined;
    await done;
    await buffer.flushed();
    assert.deepEqual(store.batches.slice(1).flat(), ['a', 'b'], 'the failed batch goes again, first');
    assert.equal(errors.length, 1);
    clearInterval(keepAlive);
    await buffer.close();
  });

  it('stops at a store that fails the same way every time, rejecting whoever waits', async () => {
    const store = new ScriptedStore();
    const errors: unknown[] = [];
    const buffer = new WriteBuffer(store, (error) => errors.push(error));
    store.failWith = new StoreClosedError('/tmp/x.db', 'cannot apply writes');
    buffer.push(event('a'));
    await assert.rejects(buffer.flushed(), StoreClosedError);
    buffer.push(event('b'));
    await sleep(150);
    assert.equal(store.batches.length, 1, 'no retry, and later writes are not tried');
    assert.equal(errors.length, 1);
    await buffer.close();
  });

  it('over a SQLite store that was closed: one typed, non-retryable error and no loop', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tandem-write-buffer-'));
    try {
      const store = await openStore({ home });
      await store.close();
      const rejected = await store.applyWrites([event('a')]).then(
        () => assert.fail('a closed store took a write'),
        (error: unknown) => error,
      );
      assert.ok(rejected instanceof StoreClosedError, String(rejected));
      assert.equal(rejected.retryable, false);
      assert.match(rejected.message, /tandem\.db\): the store is closed/);

      let tries = 0;
      const counting = { applyWrites: (writes: readonly StoreWrite[]) => (tries++, store.applyWrites(writes)) };
      const buffer = new WriteBuffer(counting, () => undefined);
      buffer.push(event('a'));
      await assert.rejects(buffer.flushed(), StoreClosedError);
      await sleep(150);
      assert.equal(tries, 1);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
