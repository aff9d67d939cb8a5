// Opens what a command needs from its configuration: the store, and the engines registry over it.
// The concrete adapters live in adapters.ts, loaded only when a command needs them (so that
// `--help` and `validate` stay fast); tests may pass their own Services.
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
    const { adapters } = await import('./adapters.js');
    return adapters.openStore(config);
  },
  async openEngines(config, store) {
    const { adapters } = await import('./adapters.js');
    return adapters.openEngines(config, store);
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
