// Opens what a command needs from its configuration: the store, and the local engine over it.
// The concrete adapters live in adapters.ts, loaded only when a command needs them (so that
// `--help` and `validate` stay fast); tests may pass their own Services.
import type { TandemConfig } from '../config/types.js';
import type { Engine } from '../engines/engine.js';
import type { RunRecord, Store } from '../store/store.js';

/** What the CLI uses of an engine, beyond the Engine port. */
export interface CliEngine extends Engine {
  /** Resolves when the run reaches a terminal status, with its final record. */
  waitForRun(runId: string): Promise<RunRecord>;
  /** Takes over runs left in flight by a dead process (or just `runId`); returns their ids. */
  resume(runId?: string): Promise<string[]>;
}

export interface Services {
  openStore(config: TandemConfig): Promise<Store>;
  openEngine(config: TandemConfig, store: Store): Promise<CliEngine>;
}

export const defaultServices: Services = {
  async openStore(config) {
    const { adapters } = await import('./adapters.js');
    return adapters.openStore(config);
  },
  async openEngine(config, store) {
    const { adapters } = await import('./adapters.js');
    return adapters.openEngine(config, store);
  },
};

export interface Runtime {
  config: TandemConfig;
  store: Store;
  engine: CliEngine;
}

/** Opens the store and the engine, runs `use`, then closes both whatever happens. */
export async function withRuntime<T>(services: Services, config: TandemConfig, use: (rt: Runtime) => Promise<T>): Promise<T> {
  const store = await services.openStore(config);
  let engine: CliEngine | undefined;
  try {
    engine = await services.openEngine(config, store);
    return await use({ config, store, engine });
  } finally {
    try {
      await engine?.close();
    } finally {
      await store.close();
    }
  }
}

/** Opens only the store (listings and reports need no engine). */
export async function withStore<T>(services: Services, config: TandemConfig, use: (store: Store) => Promise<T>): Promise<T> {
  const store = await services.openStore(config);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
