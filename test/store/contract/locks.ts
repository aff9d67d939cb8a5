// The locks role's contract: mutex and semaphore holders shared by every process using the store,
// admitted up to the limit, atomically. Every adapter passes it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LockHolderRecord, LockStore } from '../../../src/store/ports/locks.js';
import { freshPerTest, type RoleFactory } from './handle.js';

const holder = (lock: string, name: string, owner = 'host:1:a', acquiredAt = 1): LockHolderRecord => ({ lock, holder: name, owner, ownerPid: 1, acquiredAt });

export function lockContract(make: RoleFactory<LockStore>): void {
  void describe('synchronization locks', () => {
    const getStore = freshPerTest(make);

    void it('admits holders up to the limit, then reports who holds the lock', async () => {
      const store = getStore();
      assert.equal((await store.acquireLock(holder('semaphore/db', 'r1/a', 'host:1:a', 10), 2)).acquired, true);
      assert.equal((await store.acquireLock(holder('semaphore/db', 'r2/a', 'host:2:b', 20), 2)).acquired, true);
      const refused = await store.acquireLock(holder('semaphore/db', 'r3/a', 'host:3:c', 30), 2);
      assert.equal(refused.acquired, false);
      assert.deepEqual(refused.holders.map((h) => [h.holder, h.owner, h.acquiredAt]), [['r1/a', 'host:1:a', 10], ['r2/a', 'host:2:b', 20]]);
      assert.equal((await store.acquireLock(holder('mutex/other', 'r3/a'), 1)).acquired, true, 'locks are counted apart');

      await store.releaseLock('semaphore/db', 'r1/a');
      assert.equal((await store.acquireLock(holder('semaphore/db', 'r3/a', 'host:3:c', 30), 2)).acquired, true);
      assert.deepEqual((await store.listLocks()).map((h) => [h.lock, h.holder]), [['mutex/other', 'r3/a'], ['semaphore/db', 'r2/a'], ['semaphore/db', 'r3/a']]);
    });

    void it('lets a holder ask again (from another process) without taking a second place', async () => {
      const store = getStore();
      assert.equal((await store.acquireLock(holder('mutex/prod', 'r1/deploy', 'host:1:a'), 1)).acquired, true);
      const again = await store.acquireLock({ ...holder('mutex/prod', 'r1/deploy', 'host:9:z'), ownerPid: 9 }, 1);
      assert.equal(again.acquired, true, 'its run resumed by another process keeps the mutex');
      assert.deepEqual((await store.listLocks()).map((h) => [h.holder, h.owner, h.ownerPid]), [['r1/deploy', 'host:9:z', 9]]);
      assert.equal((await store.acquireLock(holder('mutex/prod', 'r2/deploy'), 1)).acquired, false);
    });

    void it('releasing what is not held changes nothing', async () => {
      const store = getStore();
      await store.releaseLock('mutex/none', 'r1/a');
      await store.acquireLock(holder('mutex/prod', 'r1/a'), 1);
      await store.releaseLock('mutex/prod', 'r2/a');
      assert.equal((await store.listLocks()).length, 1);
    });

    void it('lets exactly `limit` of many concurrent requests in', async () => {
      const store = getStore();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.acquireLock(holder('semaphore/gpu', `r${i}/train`), 3)));
      assert.equal(results.filter((r) => r.acquired).length, 3);
    });
  });
}
