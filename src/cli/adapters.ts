// The concrete store and engine behind the CLI's default Services (see runtime.ts).
import { LocalEngine } from '../engines/local/engine.js';
import { openStore } from '../store/open.js';
import type { Services } from './runtime.js';

export const adapters: Services = {
  openStore: (config) => openStore({ home: config.home }),
  openEngine: (config, store) =>
    LocalEngine.create({
      store,
      home: config.home,
      concurrency: config.engine.concurrency,
      logCapBytes: config.engine.logCapBytes,
      killGracePeriodMs: config.engine.killGracePeriodMs,
      spawner: config.engine.spawner,
    }),
};
