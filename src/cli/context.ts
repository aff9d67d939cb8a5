// What every command gets: the process surface, the services, and its effective configuration
// (tandem.yaml < TANDEM_* < flags) computed from the global and command flags.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { configFileOf } from '../config/config-file.js';
import type { ConfigFlags, LoadConfigOptions, TandemConfig } from '../config/types.js';
import type { Project, ProjectReading } from '../project/load.js';
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
  const flagsOf = (command: Command, extra: Omit<ConfigFlags, 'home' | 'config'> = {}): ConfigFlags => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    const flags: ConfigFlags = { ...extra };
    if (globals.home !== undefined) flags.home = globals.home;
    if (globals.config !== undefined) flags.config = globals.config;
    return flags;
  };
  const options = async (command: Command, extra?: Omit<ConfigFlags, 'home' | 'config'>): Promise<LoadConfigOptions> => {
    const flags = flagsOf(command, extra);
    // The checks (the router compiling the routing rules' CEL) look at a file only: without one
    // there is nothing for them to check, and nothing of theirs to load.
    const file = configFileOf({ cwd: io.cwd, env: io.env, flags }).file;
    const checks = existsSync(file) ? (await import('./config-checks.js')).CONFIG_CHECKS : [];
    return { cwd: io.cwd, env: io.env, flags, checks };
  };
  // The configuration loader (its schema, the YAML parser) and the project loader (sensors, event
  // sources, workflow files) are loaded only by the commands that read them: `tandem --version`
  // and every command's --help start without them.
  return {
    io,
    services,
    config: async (command, extra) => {
      const config = await (await import('../config/load.js')).loadConfig(await options(command, extra));
      // Every workflow this command loads or runs is bounded by the configuration's limits.
      useLimits(config.limits);
      return config;
    },
    project: async (command) => (await import('../project/load.js')).loadServedProject(await options(command)),
    readProject: async (command) => (await import('../project/load.js')).readServedProject(await options(command)),
    configFile: (command) => configFileOf({ cwd: io.cwd, env: io.env, flags: flagsOf(command) }).file,
  };
}
