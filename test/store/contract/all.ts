// Every role contract suite, for an adapter that implements the whole Store (SQLite today).
// An adapter still being written runs the suites of the roles it has instead, each on its own:
//   runContract(make), eventContract(make), ... (each file here names what its factory must give).
import { describe } from 'node:test';
import type { Store } from '../../../src/store/store.js';
import { cacheContract } from './cache.js';
import { cronTickContract } from './cron-ticks.js';
import { deadLetterContract } from './dead-letters.js';
import { eventContract } from './events.js';
import type { RoleFactory } from './handle.js';
import { lockContract } from './locks.js';
import { mlflowExportContract } from './mlflow-exports.js';
import { runContract } from './runs.js';
import { sensorStateContract } from './sensor-states.js';
import { trackingContract } from './tracking.js';
import { triggerClaimContract } from './trigger-claims.js';

export function storeContract(adapter: string, make: RoleFactory<Store>): void {
  void describe(`Store contract: ${adapter}`, () => {
    runContract(make);
    eventContract(make);
    triggerClaimContract(make);
    deadLetterContract(make);
    cronTickContract(make);
    sensorStateContract(make);
    cacheContract(make);
    trackingContract(make);
    lockContract(make);
    mlflowExportContract(make);
  });
}
