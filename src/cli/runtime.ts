// Opens what a command needs from its configuration: the store, and the engines registry over it.
// Each concrete adapter is loaded only when a command opens it: `--help` and `validate` load
// neither, and `runs` or `show` (the store alone) not the engines. Tests may pass their own Services.
import type { TandemConfig } from '../config/types.js';
import type { Engines } from '../engines/registry.js';
import type { Store } from '../store/store.js';

export interface Services {
  openStore(config: TandemConfig): Promise<Store>;
  /** The registry the commands reach engines through (routing a new run, then its lane's engine). */
  openEngines(config: TandemConfig, store: Store): Promise<Engines>;
}

export const defaultServices: Services = {
  async openStore(config) {
    const { openStore } = await import('../store/sqlite/open.js');
    return openStore({ home: config.home });
  },
  async openEngines(config, store) {
    const { openEngines } = await import('../wiring/engines.js');
    return openEngines(config, store);
  },
};

export interface Runtime {
  config: TandemConfig;
  store: Store;
  engines: Engines;
}

/** Opens the store and the engines, runs `use`, then closes both whatever happens. */
export async function withRuntime<T>(services: Services, config: TandemConfig, use: (rt: Runtime) => Promise<T>): Promise<T> {
  const store = await services.openStore(config);
  let engines: Engines | undefined;
  try {
    engines = await services.openEngines(config, store);
    return await use({ config, store, engines });
  } finally {
    try {
      await engines?.close();
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
