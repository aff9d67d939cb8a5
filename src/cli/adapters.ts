// The concrete store and engine behind the CLI's default Services (see runtime.ts).
import { LocalEngine } from '../engines/local/engine.js';
import { localEngineOptions } from '../engines/local/from-config.js';
import { openStore } from '../store/open.js';
import type { Services } from './runtime.js';

export const adapters: Services = {
  openStore: (config) => openStore({ home: config.home }),
  openEngine: (config, store) =>
    LocalEngine.create(localEngineOptions(config, store)),
};
