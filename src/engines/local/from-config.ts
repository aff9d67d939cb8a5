// The embedded engine as tandem's configuration (tandem.yaml < TANDEM_* < flags) sets it up.
import type { TandemConfig } from '../../config/types.js';
import { runRouterFromConfig } from '../../router/run-routing.js';
import type { Store } from '../../store/store.js';
import type { LocalEngineOptions } from './engine.js';

export function localEngineOptions(config: TandemConfig, store: Store): LocalEngineOptions {
  return {
    store,
    home: config.home,
    concurrency: config.engine.concurrency,
    logCapBytes: config.engine.logCapBytes,
    killGracePeriodMs: config.engine.killGracePeriodMs,
    spawner: config.engine.spawner,
    router: runRouterFromConfig(config),
  };
}
