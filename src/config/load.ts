// tandem's own configuration: defaults, overridden by tandem.yaml (in the working directory, or
// --config FILE / TANDEM_CONFIG), overridden by TANDEM_* environment variables, overridden by flags.
// Every problem is reported at once, naming where it came from and what was expected. Problems
// inside the project's sections (workflows, event sources...) are left to the commands that read
// them (project/load.ts): `tandem run` does not fail over a sensor it never uses.
import { readFile } from 'node:fs/promises';
import type { SpecIssue } from '../errors.js';
import { configFileOf } from './config-file.js';
import { ConfigError, inReadingOrder } from './errors.js';
import type { TandemFile } from './file.js';
import { resolveConfig } from './resolve.js';
import { PROJECT_SECTIONS, sectionOf } from './schema.js';
import type { LoadConfigOptions, TandemConfig } from './types.js';

// Named here too: the project loader finds the file the same way.
export { configFileOf };

export async function loadConfig(options: LoadConfigOptions = {}): Promise<TandemConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const flags = options.flags ?? {};
  const { file, explicit } = configFileOf({ cwd, env, flags });
  const text = await readConfigText(file, explicit);
  // The parser (YAML, the file's JSON Schema) is loaded only when there is a file to parse.
  const parsed = text !== undefined ? (await import('./file.js')).parseTandemFile(file, text) : undefined;
  const { config, issues } = resolveConfig(parsed, { cwd, env, flags, checks: options.checks });
  const problems = [...(parsed ? settingsIssues(parsed) : []), ...issues];
  if (problems.length > 0) throw new ConfigError(inReadingOrder(problems, file));
  return config;
}

/** The file's text; undefined when it does not exist and was not named. */
export async function readConfigText(file: string, explicit: boolean): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return undefined;
    throw new ConfigError([{ origin: file, path: '', message: `cannot read configuration file (${code ?? String(error)})` }]);
  }
}

/** The file's problems that concern the settings: all of them when its YAML does not parse, else those outside the project's sections. */
export function settingsIssues(file: TandemFile): SpecIssue[] {
  return file.parsed ? file.issues.filter((issue) => !PROJECT_SECTIONS.has(sectionOf(issue.path))) : file.issues;
}
