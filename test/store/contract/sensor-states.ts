// The sensor-states role's contract: one saved state per sensor, replaced by the next save.
// Every adapter passes it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SensorStateStore } from '../../../src/store/ports/sensor-states.js';
import { freshPerTest, type RoleFactory } from './handle.js';

export function sensorStateContract(make: RoleFactory<SensorStateStore>): void {
  void describe('sensor states', () => {
    const getStore = freshPerTest(make);

    void it('saves a snapshot per sensor and replaces it on the next save', async () => {
      const store = getStore();
      assert.equal(await store.loadSensorState('both'), undefined);
      const snapshot = { version: 1, events: { a: { id: 'm1' } }, seen: {}, fired: 0 };
      await store.saveSensorState({ sensor: 'both', snapshot, eventIds: { 'uploads\u0000m1': 'ev-1' }, updatedAt: 10 });
      await store.saveSensorState({ sensor: 'other', snapshot: { version: 1 }, eventIds: {}, updatedAt: 11 });
      assert.deepEqual(await store.loadSensorState('both'), { sensor: 'both', snapshot, eventIds: { 'uploads\u0000m1': 'ev-1' }, updatedAt: 10 });
      await store.saveSensorState({ sensor: 'both', snapshot: { version: 1, events: {} }, eventIds: {}, updatedAt: 20 });
      assert.deepEqual(await store.loadSensorState('both'), { sensor: 'both', snapshot: { version: 1, events: {} }, eventIds: {}, updatedAt: 20 });
      assert.equal((await store.loadSensorState('other'))?.updatedAt, 11);
    });
  });
}
