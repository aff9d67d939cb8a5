// The one place engines are constructed and registered: the composition root the CLI
// (cli/runtime.ts) and `tandem serve` (server/control-plane.ts) share. Only cli/, server/ and
// wiring/ may import adapters (lint enforces it; see docs/architecture.md).
import type { TandemConfig } from '../config/types.js';
import { LocalEngine, type LocalEngineOptions } from '../engines/local/engine.js';
import { localEngineOptions } from '../engines/local/from-config.js';
import { Engines } from '../engines/registry.js';
import type { Store } from '../store/store.js';

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
