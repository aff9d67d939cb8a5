// What every run of one engine shares: the dispatcher (concurrency, locks), the store writer,
// the runners and the artifact store.
import type { ArtifactStore } from './artifacts.js';
import type { CacheService } from './cache/service.js';
import type { Dispatcher } from './dispatcher.js';
import type { RunnerRegistry } from './runner.js';
import type { WriteBuffer } from './write-buffer.js';

export interface EngineServices {
  dispatcher: Dispatcher;
  writer: WriteBuffer;
  runners: RunnerRegistry;
  artifacts: ArtifactStore;
  /** The component cache: entries in the store, file digests, cache writes in flight. */
  cache: CacheService;
  /** <home>/runs: each attempt's logs, inputs and outputs live under <runsDir>/<run>/<task>/<attempt>. */
  runsDir: string;
  /** Time between SIGTERM and SIGKILL when an adopted attempt is stopped (runners have their own copy). */
  killGraceMs: number;
  onError(error: unknown): void;
}
