// The concrete store and engines behind the CLI's default Services (see runtime.ts), and behind
// `tandem serve` (server/control-plane.ts): the one place engines are constructed and registered.
import type { TandemConfig } from '../config.js';
import { LocalEngine, type LocalEngineOptions } from '../engines/local/engine.js';
import { localEngineOptions } from '../engines/local/from-config.js';
import { Engines } from '../engines/registry.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import type { Services } from './runtime.js';

/** What a composition root adds to the configured engines: where their errors and finished runs are reported. */
export type EngineHooks = Pick<LocalEngineOptions, 'onError' | 'onRunFinished'>;

/**
 * The engines registry from the configuration, with the local engine registered under `local`
 * (the remote-engines issue registers argo and kfp here). The local engine's child runs go
 * through the registry, so each is routed and reaches the engine of its lane's ML step.
 */
export async function openEngines(config: TandemConfig, store: Store, hooks: EngineHooks = {}): Promise<Engines> {
  const engines = Engines.fromConfig(config, store);
  await registerLocalEngine(engines, { ...localEngineOptions(config, store), ...hooks });
  return engines;
}

/** Creates the local engine, its child runs going through `engines`, and registers it there as `local`. */
export async function registerLocalEngine(engines: Engines, options: Omit<LocalEngineOptions, 'childRuns'>): Promise<LocalEngine> {
  const local = await LocalEngine.create({ ...options, childRuns: engines.childRuns() });
  engines.register('local', local);
  return local;
}

export const adapters: Services = {
  openStore: (config) => openStore({ home: config.home }),
  openEngines: (config, store) => openEngines(config, store),
};
