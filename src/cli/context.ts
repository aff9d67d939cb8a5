// What every command gets: the process surface, the services, and its effective configuration
// (tandem.yaml < TANDEM_* < flags) computed from the global and command flags.
import type { Command } from 'commander';
import type { ConfigFlags, TandemConfig } from '../config.js';
import { loadConfig } from '../config.js';
import type { CliIo } from './io.js';
import type { Services } from './runtime.js';

export interface CliContext {
  io: CliIo;
  services: Services;
  /** Loads the configuration for `command`, taking --home, --config and `extra` flags into account. */
  config(command: Command, extra?: Omit<ConfigFlags, 'home' | 'config'>): Promise<TandemConfig>;
}

interface GlobalOptions {
  home?: string;
  config?: string;
}

export function createContext(io: CliIo, services: Services): CliContext {
  return {
    io,
    services,
    config(command, extra = {}) {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const flags: ConfigFlags = { ...extra };
      if (globals.home !== undefined) flags.home = globals.home;
      if (globals.config !== undefined) flags.config = globals.config;
      return loadConfig({ cwd: io.cwd, env: io.env, flags });
    },
  };
}
