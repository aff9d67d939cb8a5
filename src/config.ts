// tandem's own configuration: defaults, overridden by tandem.yaml (in the working directory, or
// --config FILE / TANDEM_CONFIG), overridden by TANDEM_* environment variables, overridden by flags.
// Every bad value is reported at once, naming where it came from and what was expected.
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { TandemError } from './errors.js';
import { parseDuration, parsePositiveInt, parseSize } from './config/values.js';
import { LANE_ENGINES, emptyRouting, parseRoutingSection, readLanesSection } from './router/config-section.js';
import type { LanesConfig, RoutingConfig } from './router/types.js';
import { parseMlflowSection, resolveMlflowConfig, type MlflowConfig, type MlflowFileSection } from './tracking/mlflow/settings.js';
import { isRecord } from './util/is-record.js';

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
  /** `routing` in tandem.yaml: rules before (or instead of) the built-in routing policy; see docs/router.md. */
  routing: RoutingConfig;
  /** Which engine executes each lane (`lanes.kubeflow.engine`, `lanes.argo.engine`); default local. */
  lanes: LanesConfig;
  /** `mlflow` in tandem.yaml (or TANDEM_MLFLOW_TRACKING_URI): mirror ML-lane runs into MLflow; see docs/mlflow.md. */
  mlflow?: MlflowConfig;
  /** The tandem.yaml that was read, if any. */
  file?: string;
  /** Where each key's value came from. */
  sources: Record<ConfigKey, ConfigSource>;
}

export type ConfigKey =
  | 'home'
  | 'engine.concurrency'
  | 'engine.logCapBytes'
  | 'engine.killGracePeriod'
  | 'engine.spawner'
  | 'lanes.kubeflow.engine'
  | 'lanes.argo.engine';
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
  {
    key: 'lanes.kubeflow.engine',
    env: 'TANDEM_KUBEFLOW_ENGINE',
    flag: '',
    expected: LANE_ENGINES.kubeflow.join(' or '),
    parse: (v) => ((LANE_ENGINES.kubeflow as readonly unknown[]).includes(v) ? v : undefined),
  },
  {
    key: 'lanes.argo.engine',
    env: 'TANDEM_ARGO_ENGINE',
    flag: '',
    expected: LANE_ENGINES.argo.join(' or '),
    parse: (v) => ((LANE_ENGINES.argo as readonly unknown[]).includes(v) ? v : undefined),
  },
];

const ALLOWED_KEYS: Record<string, readonly string[]> = {
  // The project keys are read by project/load.ts; config only lets them through.
  '': ['home', 'engine', 'routing', 'lanes', 'namespace', 'workflows', 'eventSources', 'sensors', 'server', 'mlflow'],
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
  const mlflow = resolveMlflowConfig(fromFile?.mlflow, env, problems);
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
  const [kubeflowEngine, kubeflowEngineSource] = pick<LanesConfig['kubeflow']['engine']>('lanes.kubeflow.engine', 'local');
  const [argoEngine, argoEngineSource] = pick<LanesConfig['argo']['engine']>('lanes.argo.engine', 'local');
  return {
    home,
    engine: { concurrency, logCapBytes, killGracePeriod, killGracePeriodMs: parseDuration(killGracePeriod) ?? 10_000, spawner },
    routing: fromFile?.routing ?? emptyRouting(),
    lanes: { kubeflow: { engine: kubeflowEngine }, argo: { engine: argoEngine } },
    ...(mlflow ? { mlflow } : {}),
    ...(fromFile ? { file } : {}),
    sources: {
      home: homeSource,
      'engine.concurrency': concurrencySource,
      'engine.logCapBytes': logCapSource,
      'engine.killGracePeriod': graceSource,
      'engine.spawner': spawnerSource,
      'lanes.kubeflow.engine': kubeflowEngineSource,
      'lanes.argo.engine': argoEngineSource,
    },
  };
}

interface FileValues {
  values: Map<ConfigKey, { value: unknown; where: string }>;
  routing?: RoutingConfig;
  mlflow?: MlflowFileSection | undefined;
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
  if (!isRecord(root)) {
    problems.push(`${file}: expected a mapping of settings (home, engine), found ${describe(root)}`);
    return { values };
  }
  checkKeys(root, '', where, problems);
  if (root.home !== undefined) values.set('home', { value: root.home, where: where(['home']) });
  const engine = root.engine;
  if (engine !== undefined && engine !== null) {
    if (!isRecord(engine)) {
      problems.push(`${where(['engine'])} engine: expected a mapping (${ALLOWED_KEYS.engine?.join(', ')}), found ${describe(engine)}`);
    } else {
      checkKeys(engine, 'engine', where, problems);
      for (const key of ['concurrency', 'logCapBytes', 'killGracePeriod', 'spawner'] as const) {
        if (engine[key] !== undefined) values.set(`engine.${key}`, { value: engine[key], where: where(['engine', key]) });
      }
    }
  }
  for (const [key, found] of readLanesSection(root.lanes, where, problems)) values.set(key, found);
  return { values, routing: parseRoutingSection(root.routing, where, problems), mlflow: parseMlflowSection(root.mlflow, where, problems, dirname(file)) };
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
    case 'lanes.kubeflow.engine':
    case 'lanes.argo.engine':
      return undefined;
  }
}


function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return JSON.stringify(value) ?? String(value);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
