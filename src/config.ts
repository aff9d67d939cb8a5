// tandem's own configuration: defaults, overridden by tandem.yaml (in the working directory, or
// --config FILE / TANDEM_CONFIG), overridden by TANDEM_* environment variables, overridden by flags.
// Every bad value is reported at once, naming where it came from and what was expected.
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { TandemError } from './errors.js';
import { parseDuration, parsePositiveInt, parseSize } from './config/values.js';

export { redactSecrets } from './config/values.js';

export const CONFIG_FILE_NAME = 'tandem.yaml';
export const DEFAULT_LOG_CAP_BYTES = 10 * 1024 * 1024;
export const DEFAULT_KILL_GRACE_PERIOD = '10s';

export interface TandemConfig {
  /** Absolute path of the data directory (store, logs, artifacts). */
  home: string;
  engine: {
    concurrency: number;
    logCapBytes: number;
    /** As written (`"10s"`); killGracePeriodMs holds its value. */
    killGracePeriod: string;
    killGracePeriodMs: number;
    /** Which helper spawns task processes: auto (perl where available), perl or node. */
    spawner: 'auto' | 'perl' | 'node';
  };
  /** The tandem.yaml that was read, if any. */
  file?: string;
  /** Where each key's value came from. */
  sources: Record<ConfigKey, ConfigSource>;
}

export type ConfigKey = 'home' | 'engine.concurrency' | 'engine.logCapBytes' | 'engine.killGracePeriod' | 'engine.spawner';
export type ConfigSource = 'default' | 'file' | 'env' | 'flag';

/** Values given on the command line; strings are parsed like environment variables. */
export interface ConfigFlags {
  home?: string;
  config?: string;
  concurrency?: string | number;
  logCapBytes?: string | number;
}

export interface LoadConfigOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  flags?: ConfigFlags;
}

/** Configuration that cannot be used: every problem, each naming its source, key and expectation. */
export class ConfigError extends TandemError {
  readonly code = 'CONFIG';
  override readonly exitCode = 2;
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? (problems[0] ?? '') : `invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

interface Setting {
  key: ConfigKey;
  env: string;
  flag: string;
  expected: string;
  parse(value: unknown): unknown;
}

const SETTINGS: readonly Setting[] = [
  {
    key: 'home',
    env: 'TANDEM_HOME',
    flag: '--home',
    expected: 'a directory path',
    parse: (v) => (typeof v === 'string' && v.trim() !== '' ? v : undefined),
  },
  {
    key: 'engine.concurrency',
    env: 'TANDEM_CONCURRENCY',
    flag: '--concurrency',
    expected: 'a positive integer',
    parse: parsePositiveInt,
  },
  {
    key: 'engine.logCapBytes',
    env: 'TANDEM_LOG_CAP',
    flag: '--log-cap',
    expected: 'a size in bytes, e.g. 10485760 or "10MiB"',
    parse: (v) => {
      const n = parseSize(v);
      return n !== undefined && n > 0 ? n : undefined;
    },
  },
  {
    key: 'engine.killGracePeriod',
    env: 'TANDEM_KILL_GRACE_PERIOD',
    flag: '--kill-grace-period',
    expected: 'a duration such as "10s", "1m30s", "500ms" or a number of seconds',
    parse: (v) => (parseDuration(v) !== undefined ? String(v) : undefined),
  },
  {
    key: 'engine.spawner',
    env: 'TANDEM_SPAWNER',
    flag: '--spawner',
    expected: 'auto, perl or node',
    parse: (v) => (v === 'auto' || v === 'perl' || v === 'node' ? v : undefined),
  },
];

const ALLOWED_KEYS: Record<string, readonly string[]> = {
  // The project keys are read by project/load.ts; config only lets them through.
  '': ['home', 'engine', 'namespace', 'workflows', 'eventSources', 'sensors', 'server'],
  engine: ['concurrency', 'logCapBytes', 'killGracePeriod', 'spawner'],
};

export async function loadConfig(options: LoadConfigOptions = {}): Promise<TandemConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const flags = options.flags ?? {};
  const problems: string[] = [];
  const values = new Map<ConfigKey, { value: unknown; source: ConfigSource }>();

  const explicit = flags.config ?? nonEmpty(env.TANDEM_CONFIG);
  const file = explicit !== undefined ? resolve(cwd, explicit) : resolve(cwd, CONFIG_FILE_NAME);
  const fromFile = await readConfigFile(file, explicit !== undefined, problems);
  const fileDir = dirname(file);

  for (const setting of SETTINGS) {
    const layers: [ConfigSource, unknown, string][] = [];
    const inFile = fromFile?.values.get(setting.key);
    if (inFile !== undefined) layers.push(['file', inFile.value, `${inFile.where} ${setting.key}`]);
    const inEnv = nonEmpty(env[setting.env]);
    if (inEnv !== undefined) layers.push(['env', inEnv, setting.env]);
    const flagValue = flagFor(flags, setting.key);
    if (flagValue !== undefined) layers.push(['flag', flagValue, setting.flag]);
    for (const [source, raw, where] of layers) {
      const parsed = setting.parse(raw);
      if (parsed === undefined) {
        problems.push(`${where}: expected ${setting.expected}, found ${JSON.stringify(raw)}`);
        continue;
      }
      const value = setting.key === 'home' ? resolve(source === 'file' ? fileDir : cwd, parsed as string) : parsed;
      values.set(setting.key, { value, source });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const pick = <T>(key: ConfigKey, fallback: T): [T, ConfigSource] => {
    const found = values.get(key);
    return found ? [found.value as T, found.source] : [fallback, 'default'];
  };
  const [home, homeSource] = pick('home', resolve(cwd, '.tandem'));
  const [concurrency, concurrencySource] = pick('engine.concurrency', availableParallelism());
  const [logCapBytes, logCapSource] = pick('engine.logCapBytes', DEFAULT_LOG_CAP_BYTES);
  const [killGracePeriod, graceSource] = pick('engine.killGracePeriod', DEFAULT_KILL_GRACE_PERIOD);
  const [spawner, spawnerSource] = pick<TandemConfig['engine']['spawner']>('engine.spawner', 'auto');
  return {
    home,
    engine: { concurrency, logCapBytes, killGracePeriod, killGracePeriodMs: parseDuration(killGracePeriod) ?? 10_000, spawner },
    ...(fromFile ? { file } : {}),
    sources: {
      home: homeSource,
      'engine.concurrency': concurrencySource,
      'engine.logCapBytes': logCapSource,
      'engine.killGracePeriod': graceSource,
      'engine.spawner': spawnerSource,
    },
  };
}

interface FileValues {
  values: Map<ConfigKey, { value: unknown; where: string }>;
}

async function readConfigFile(file: string, required: boolean, problems: string[]): Promise<FileValues | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return undefined;
    throw new ConfigError([`${file}: cannot read configuration file (${code ?? String(error)})`]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return `${file}:${pos.line}:${pos.col}: invalid YAML: ${e.message.split('\n')[0] ?? ''}`;
      }),
    );
  }
  const where = (path: string[]): string => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0];
    if (offset === undefined) return file;
    const pos = lineCounter.linePos(offset);
    return `${file}:${pos.line}:${pos.col}`;
  };
  const root: unknown = doc.toJS();
  const values = new Map<ConfigKey, { value: unknown; where: string }>();
  if (root === null || root === undefined) return { values };
  if (!isPlainObject(root)) {
    problems.push(`${file}: expected a mapping of settings (home, engine), found ${describe(root)}`);
    return { values };
  }
  checkKeys(root, '', where, problems);
  if (root.home !== undefined) values.set('home', { value: root.home, where: where(['home']) });
  const engine = root.engine;
  if (engine !== undefined && engine !== null) {
    if (!isPlainObject(engine)) {
      problems.push(`${where(['engine'])} engine: expected a mapping (${ALLOWED_KEYS.engine?.join(', ')}), found ${describe(engine)}`);
    } else {
      checkKeys(engine, 'engine', where, problems);
      for (const key of ['concurrency', 'logCapBytes', 'killGracePeriod', 'spawner'] as const) {
        if (engine[key] !== undefined) values.set(`engine.${key}`, { value: engine[key], where: where(['engine', key]) });
      }
    }
  }
  return { values };
}

function checkKeys(
  object: Record<string, unknown>,
  prefix: string,
  where: (path: string[]) => string,
  problems: string[],
): void {
  const allowed = ALLOWED_KEYS[prefix] ?? [];
  for (const key of Object.keys(object)) {
    if (allowed.includes(key)) continue;
    const path = prefix ? [prefix, key] : [key];
    problems.push(`${where(path)} ${path.join('.')}: unknown setting (expected one of ${allowed.join(', ')})`);
  }
}

function flagFor(flags: ConfigFlags, key: ConfigKey): unknown {
  switch (key) {
    case 'home':
      return flags.home;
    case 'engine.concurrency':
      return flags.concurrency;
    case 'engine.logCapBytes':
      return flags.logCapBytes;
    case 'engine.killGracePeriod':
    case 'engine.spawner':
      return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return JSON.stringify(value) ?? String(value);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
