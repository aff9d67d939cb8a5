// The embedded engine as tandem's configuration (tandem.yaml < TANDEM_* < flags) sets it up. The
// composition roots add what is not configuration: where child runs go, and their own hooks.
import type { TandemConfig } from '../../config/types.js';
import type { LocalEngineStore } from './engine-store.js';
import type { LocalEngineOptions } from './engine.js';

export function localEngineOptions(config: TandemConfig, store: LocalEngineStore): Omit<LocalEngineOptions, 'childRuns'> {
  return {
    store,
    home: config.home,
    concurrency: config.engine.concurrency,
    logCapBytes: config.engine.logCapBytes,
    killGracePeriodMs: config.engine.killGracePeriodMs,
    spawner: config.engine.spawner,
  };
}
