// The concrete store and engines behind the CLI's default Services (see runtime.ts), loaded only
// when a command needs them: the SQLite store in the configured home, and the engines registry.
import { openStore } from '../store/sqlite/open.js';
import { openEngines } from '../wiring/engines.js';
import type { Services } from './runtime.js';

export const adapters: Services = {
  openStore: (config) => openStore({ home: config.home }),
  openEngines: (config, store) => openEngines(config, store),
};
