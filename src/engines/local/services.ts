// What every run of one engine shares: the dispatcher (concurrency, locks), the store writer,
// the runners and the artifact store.
import type { ArtifactStore } from './artifacts.js';
import type { Dispatcher } from './dispatcher.js';
import type { RunnerRegistry } from './runner.js';
import type { WriteBuffer } from './write-buffer.js';

export interface EngineServices {
  dispatcher: Dispatcher;
  writer: WriteBuffer;
  runners: RunnerRegistry;
  artifacts: ArtifactStore;
  /** <home>/runs: each attempt's logs, inputs and outputs live under <runsDir>/<run>/<task>/<attempt>. */
  runsDir: string;
  onError(error: unknown): void;
}
