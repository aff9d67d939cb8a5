// The store roles the embedded engine uses: it creates, writes, owns and reads runs (the write
// buffer, resume, watch and logs), keeps the component cache, and holds workflow mutexes and
// semaphores across processes. Nothing else of the store: events, tracking and exports belong to
// the layers above it.
import type { CacheStore } from '../../store/ports/cache.js';
import type { LockStore } from '../../store/ports/locks.js';
import type { RunStore } from '../../store/ports/runs.js';

export type LocalEngineStore = RunStore & CacheStore & LockStore;
