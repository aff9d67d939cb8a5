// The trigger-claims role's contract: one claimer per unexpired (sensor, trigger, key), also under
// concurrency; pruning; and the event → run links claims leave, kept after pruning.
// Every adapter passes it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TriggerClaim, TriggerClaimStore } from '../../../src/store/ports/trigger-claims.js';
import { freshPerTest, type RoleFactory } from './handle.js';

const HOUR = 3_600_000;

function claim(overrides: Partial<TriggerClaim> = {}): TriggerClaim {
  return { sensor: 'docs', trigger: 'ingest', key: 'k1', runId: 'run-1', expiresAt: 10 * HOUR, eventIds: ['e1'], ...overrides };
}

export function triggerClaimContract(make: RoleFactory<TriggerClaimStore>): void {
  void describe('trigger claims', () => {
    const getStore = freshPerTest(make);

    void describe('claimTrigger / pruneTriggerClaims / listRunsForEvent', () => {
      void it('claims a key once: a second claim gets the first runId, not claimed', async () => {
        const store = getStore();
        assert.deepEqual(await store.claimTrigger(claim(), HOUR), { runId: 'run-1', claimed: true });
        assert.deepEqual(await store.claimTrigger(claim({ runId: 'run-2' }), HOUR + 1), { runId: 'run-1', claimed: false });
        assert.deepEqual(await store.claimTrigger(claim({ runId: 'run-3', expiresAt: 99 * HOUR }), 2 * HOUR), {
          runId: 'run-1',
          claimed: false,
        });
      });

      void it('keeps keys of different sensors and triggers apart', async () => {
        const store = getStore();
        assert.equal((await store.claimTrigger(claim({ runId: 'a' }), 0)).claimed, true);
        assert.equal((await store.claimTrigger(claim({ runId: 'b', key: 'k2' }), 0)).claimed, true);
        assert.equal((await store.claimTrigger(claim({ runId: 'c', trigger: 'other' }), 0)).claimed, true);
        assert.equal((await store.claimTrigger(claim({ runId: 'd', sensor: 'other' }), 0)).claimed, true);
        assert.deepEqual(await store.claimTrigger(claim({ runId: 'e', key: 'k2' }), 0), { runId: 'b', claimed: false });
      });

      void it('lets an expired claim be reclaimed (expiresAt <= now is expired)', async () => {
        const store = getStore();
        await store.claimTrigger(claim({ expiresAt: 100 }), 0);
        assert.deepEqual(await store.claimTrigger(claim({ runId: 'run-2', expiresAt: 200 }), 99), { runId: 'run-1', claimed: false });
        assert.deepEqual(await store.claimTrigger(claim({ runId: 'run-2', expiresAt: 200 }), 100), { runId: 'run-2', claimed: true });
        assert.deepEqual(await store.claimTrigger(claim({ runId: 'run-3', expiresAt: 300 }), 150), { runId: 'run-2', claimed: false });
      });

      void it('gives exactly one of many concurrent claimers the key', async () => {
        const store = getStore();
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.claimTrigger(claim({ runId: `run-${i}`, eventIds: [`e${i}`] }), 0)),
        );
        const winners = results.filter((r) => r.claimed);
        assert.equal(winners.length, 1);
        assert.ok(results.every((r) => r.runId === winners[0]?.runId));
      });

      void it('prunes expired claims only, and counts them', async () => {
        const store = getStore();
        await store.claimTrigger(claim({ key: 'a', expiresAt: 100 }), 0);
        await store.claimTrigger(claim({ key: 'b', expiresAt: 200 }), 0);
        await store.claimTrigger(claim({ key: 'c', expiresAt: 300 }), 0);
        assert.equal(await store.pruneTriggerClaims(50), 0);
        assert.equal(await store.pruneTriggerClaims(200), 2);
        assert.equal(await store.pruneTriggerClaims(200), 0);
        // The unexpired claim still deduplicates.
        assert.deepEqual(await store.claimTrigger(claim({ key: 'c', runId: 'x' }), 250), { runId: 'run-1', claimed: false });
        // A pruned key is free again.
        assert.deepEqual(await store.claimTrigger(claim({ key: 'a', runId: 'y' }), 250), { runId: 'y', claimed: true });
      });

      void it('lists the runs an event led to, deduplicated claims and pruned claims included', async () => {
        const store = getStore();
        assert.deepEqual(await store.listRunsForEvent('e1'), []);
        await store.claimTrigger(claim({ runId: 'run-1', eventIds: ['e1', 'e2', 'e1'], expiresAt: 100 }), 0);
        // A different event whose key was already claimed is folded into the same run.
        await store.claimTrigger(claim({ runId: 'run-x', eventIds: ['e3'], expiresAt: 100 }), 10);
        // Another trigger fired by e1 starts a second run.
        await store.claimTrigger(claim({ trigger: 'notify', runId: 'run-2', eventIds: ['e1'], expiresAt: 100 }), 20);
        assert.deepEqual(await store.listRunsForEvent('e1'), ['run-1', 'run-2']);
        assert.deepEqual(await store.listRunsForEvent('e2'), ['run-1']);
        assert.deepEqual(await store.listRunsForEvent('e3'), ['run-1']);
        assert.equal(await store.pruneTriggerClaims(100), 2);
        assert.deepEqual(await store.listRunsForEvent('e1'), ['run-1', 'run-2']);
        // After expiry the key starts a new run; the old link stays.
        await store.claimTrigger(claim({ runId: 'run-3', eventIds: ['e2'], expiresAt: 300 }), 200);
        assert.deepEqual(await store.listRunsForEvent('e2'), ['run-1', 'run-3']);
      });
    });
  });
}
