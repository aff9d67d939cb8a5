// The cron-ticks role's contract: the last fired tick per (source, schedule), never moving
// backwards. Every adapter passes it; the cron source's own tests use an in-memory fake of it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CronTickStore } from '../../../src/store/ports/cron-ticks.js';
import { freshPerTest, type RoleFactory } from './handle.js';

export function cronTickContract(make: RoleFactory<CronTickStore>): void {
  void describe('cron ticks', () => {
    const getStore = freshPerTest(make);

    void it('upserts the last tick per source and schedule, never moving backwards', async () => {
      const store = getStore();
      assert.equal(await store.getCronTick('nightly', '0 2 * * *'), undefined);
      await store.setCronTick('nightly', '0 2 * * *', 1000);
      await store.setCronTick('nightly', '*/5 * * * *', 5000);
      await store.setCronTick('hourly', '0 2 * * *', 7000);
      assert.equal(await store.getCronTick('nightly', '0 2 * * *'), 1000);
      await store.setCronTick('nightly', '0 2 * * *', 2000);
      assert.equal(await store.getCronTick('nightly', '0 2 * * *'), 2000);
      await store.setCronTick('nightly', '0 2 * * *', 1500);
      assert.equal(await store.getCronTick('nightly', '0 2 * * *'), 2000);
      assert.equal(await store.getCronTick('nightly', '*/5 * * * *'), 5000);
      assert.equal(await store.getCronTick('hourly', '0 2 * * *'), 7000);
      assert.equal(await store.getCronTick('hourly', '*/5 * * * *'), undefined);
    });
  });
}
