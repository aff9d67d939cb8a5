// What the HTTP routes need from the rest of tandem.
import type { Engine } from '../engines/engine.js';
import type { WorkflowCatalog } from '../project/catalog.js';
import type { Store } from '../store/store.js';
import type { Principal } from './auth.js';

export interface StartRunRequest {
  workflow: string;
  params: Record<string, unknown>;
  /** The Idempotency-Key header: repeats of a request with the same key return the same run. */
  idempotencyKey?: string;
  principal: Principal;
}

/** Starts runs for API calls; the event pipeline implements it so API calls are events too. */
export interface RunStarter {
  startRun(request: StartRunRequest): Promise<{ runId: string; duplicate: boolean }>;
}

export interface ApiContext {
  store: Store;
  engine: Engine;
  catalog: WorkflowCatalog;
  runs: RunStarter;
}
