// The Store: every role port (ports/) in one, plus close(). Only the composition roots (the CLI's
// runtime, `tandem serve`) and the adapters (sqlite/, later postgres/) hold a whole Store;
// every other component takes the roles it uses, from ports/<role>.ts, so an adapter can be
// written and tested one role at a time (test/store/contract/<role>.ts) and a test fake
// implements only what its component calls.
import type { CacheStore } from './ports/cache.js';
import type { CronTickStore } from './ports/cron-ticks.js';
import type { DeadLetterStore } from './ports/dead-letters.js';
import type { EventStore } from './ports/events.js';
import type { LockStore } from './ports/locks.js';
import type { MlflowExportStore } from './ports/mlflow-exports.js';
import type { RunStore } from './ports/runs.js';
import type { SensorStateStore } from './ports/sensor-states.js';
import type { TrackingStore } from './ports/tracking.js';
import type { TriggerClaimStore } from './ports/trigger-claims.js';

export interface Store
  extends RunStore,
    EventStore,
    TriggerClaimStore,
    DeadLetterStore,
    CronTickStore,
    SensorStateStore,
    CacheStore,
    TrackingStore,
    LockStore,
    MlflowExportStore {
  /** Commits what is still pending and lets go of the database; a second close does nothing. */
  close(): Promise<void>;
}
