// What every command gets: the process surface, the services, and its effective configuration
// (tandem.yaml < TANDEM_* < flags) computed from the global and command flags.
import type { Command } from 'commander';
import { configFileOf, loadConfig } from '../config/load.js';
import type { ConfigFlags, LoadConfigOptions, TandemConfig } from '../config/types.js';
import type { Project, ProjectReading } from '../project/load.js';
import { CONFIG_CHECKS } from './config-checks.js';
import type { CliIo } from './io.js';
import type { Services } from './runtime.js';
import { useLimits } from '../util/limits.js';

export interface CliContext {
  io: CliIo;
  services: Services;
  /** Loads the configuration for `command`, taking --home, --config and `extra` flags into account. */
  config(command: Command, extra?: Omit<ConfigFlags, 'home' | 'config'>): Promise<TandemConfig>;
  /** Loads the configuration and the project of the same file (tandem serve): every problem of both at once. */
  project(command: Command): Promise<{ config: TandemConfig; project: Project }>;
  /** As project, with the problems returned rather than thrown (tandem compile reports them per file). */
  readProject(command: Command): Promise<ProjectReading>;
  /** The absolute path of the configuration file the command reads: --config, TANDEM_CONFIG or ./tandem.yaml. */
  configFile(command: Command): string;
}

interface GlobalOptions {
  home?: string;
  config?: string;
}

export function createContext(io: CliIo, services: Services): CliContext {
  const options = (command: Command, extra: Omit<ConfigFlags, 'home' | 'config'> = {}): LoadConfigOptions => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    const flags: ConfigFlags = { ...extra };
    if (globals.home !== undefined) flags.home = globals.home;
    if (globals.config !== undefined) flags.config = globals.config;
    return { cwd: io.cwd, env: io.env, flags, checks: CONFIG_CHECKS };
  };
  return {
    io,
    services,
    config: async (command, extra) => {
      const config = await loadConfig(options(command, extra));
      // Every workflow this command loads or runs is bounded by the configuration's limits.
      useLimits(config.limits);
      return config;
    },
    // The project loader (sensors, event sources, workflow files) is loaded only by the commands
    // that read a project: every other command starts without it.
    project: async (command) => (await import('../project/load.js')).loadServedProject(options(command)),
    readProject: async (command) => (await import('../project/load.js')).readServedProject(options(command)),
    configFile: (command) => configFileOf({ cwd: io.cwd, env: io.env, flags: options(command).flags ?? {} }).file,
  };
}
