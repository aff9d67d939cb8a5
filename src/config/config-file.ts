// Which configuration file a command reads. Kept apart from the loader so that finding the file's
// name loads nothing else (the CLI names it before it knows whether it will read it).
import { resolve } from 'node:path';
import type { LoadConfigOptions } from './types.js';

const CONFIG_FILE_NAME = 'tandem.yaml';
/** Names the configuration file instead of ./tandem.yaml (as --config does). */
const CONFIG_FILE_ENV = 'TANDEM_CONFIG';

/** The configuration file: --config, else TANDEM_CONFIG (both "explicit": it must exist), else ./tandem.yaml. */
export function configFileOf(options: Required<Pick<LoadConfigOptions, 'cwd' | 'env' | 'flags'>>): { file: string; explicit: boolean } {
  const named = options.flags.config ?? nonEmpty(options.env[CONFIG_FILE_ENV]);
  return named !== undefined ? { file: resolve(options.cwd, named), explicit: true } : { file: resolve(options.cwd, CONFIG_FILE_NAME), explicit: false };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
