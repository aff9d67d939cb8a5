// From the layers to the configuration commands use, with the checks a schema cannot make: the
// MLflow section complete, and those the caller passes (the router compiles the routing rules'
// CEL). Returns every problem beside the result, so a caller can report them with its own.
import { resolve } from 'node:path';
import type { SpecIssue } from '../errors.js';
import type { SecretRef } from '../secrets.js';
import type { TandemFile } from './file.js';
import { resolveLayers, type LayeredValues } from './layers.js';
import { layeredSetting, settingPointer } from './schema.js';
import { DEFAULT_KILL_GRACE_MS, DEFAULT_NODE_IMAGE, DEFAULT_TANDEM_IMAGE, DEFAULT_TASKS_IMAGE } from './settings.js';
import { parseDuration } from './values.js';
import { remoteEnginesConfig } from './remote-engines.js';
import type { ConfigFlags, FileCheck, MlflowConfig, TandemConfig } from './types.js';

export interface ResolveOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  flags: ConfigFlags;
  checks?: readonly FileCheck[] | undefined;
}

export interface Resolved {
  /** The configuration; where a value had a problem, the default or the layer below stands in. */
  config: TandemConfig;
  /** Problems of values (file, variables, flags), of the mlflow section and the callers' checks; not the file's shape. */
  issues: SpecIssue[];
}

export function resolveConfig(file: TandemFile | undefined, options: ResolveOptions): Resolved {
  const { values, sources, issues } = resolveLayers({ file, ...options });
  const need = <K extends keyof LayeredValues>(key: K): NonNullable<LayeredValues[K]> => {
    const value = values[key];
    // Every layered setting but mlflow.trackingUri has a default, so only a broken table gets here.
    if (value === undefined) throw new Error(`configuration: ${key} has no value and no default`);
    return value as NonNullable<LayeredValues[K]>;
  };
  const killGracePeriod = need('engine.killGracePeriod');
  const checked = file !== undefined && file.parsed ? (options.checks ?? []).flatMap((check) => check(file)) : [];
  const mlflow = mlflowConfig(file, values['mlflow.trackingUri']);
  const artifacts = file?.value('artifacts');
  const remote = remoteEnginesConfig(file, values, sources);
  const config: TandemConfig = {
    home: need('home'),
    engine: {
      concurrency: need('engine.concurrency'),
      logCapBytes: need('engine.logCapBytes'),
      killGracePeriod,
      killGracePeriodMs: parseDuration(killGracePeriod) ?? DEFAULT_KILL_GRACE_MS,
      spawner: need('engine.spawner'),
    },
    limits: {
      forEachItems: need('limits.forEachItems'),
      documentBytes: need('limits.documentBytes'),
      nestingDepth: need('limits.nestingDepth'),
      celCost: need('limits.celCost'),
      templateBytes: need('limits.templateBytes'),
    },
    // The rules of the declared shape; the router's check (among options.checks) compiles them.
    routing: { rules: file?.items('routing.rules').map(({ value }) => value) ?? [], replaceDefaults: file?.value('routing.replaceDefaults') ?? false },
    lanes: { kubeflow: { engine: need('lanes.kubeflow.engine') }, argo: { engine: need('lanes.argo.engine') } },
    images: {
      tandem: file?.value('images.tandem') ?? DEFAULT_TANDEM_IMAGE,
      node: file?.value('images.node') ?? DEFAULT_NODE_IMAGE,
      default: file?.value('images.default') ?? DEFAULT_NODE_IMAGE,
      tasks: file?.value('images.tasks') ?? DEFAULT_TASKS_IMAGE,
    },
    ...(remote.argo ? { argo: remote.argo } : {}),
    ...(remote.kfp ? { kfp: remote.kfp } : {}),
    ...(mlflow.config ? { mlflow: mlflow.config } : {}),
    ...(artifacts !== undefined ? { artifacts } : {}),
    ...(file ? { file: file.file } : {}),
    sources,
  };
  return { config, issues: [...issues, ...remote.issues, ...mlflow.issues, ...checked] };
}

/** The mlflow section with the URI's layers applied; none without a URI. */
function mlflowConfig(file: TandemFile | undefined, trackingUri: string | undefined): { config?: MlflowConfig; issues: SpecIssue[] } {
  const experimentPrefix = file?.value('mlflow.experimentPrefix');
  const written = file?.value('mlflow.token');
  const token: SecretRef | undefined = written !== undefined && 'file' in written && file ? { file: resolve(file.dir, written.file) } : written;
  if (trackingUri === undefined) {
    if (file === undefined || (experimentPrefix === undefined && token === undefined)) return { issues: [] };
    const env = layeredSetting('mlflow.trackingUri').env ?? '';
    const issue = { path: settingPointer('mlflow.trackingUri'), message: `missing; set it (e.g. http://127.0.0.1:5000) or ${env}, or remove the mlflow section` };
    return { issues: [file.place(issue)] };
  }
  return { config: { trackingUri, experimentPrefix: experimentPrefix ?? '', ...(token !== undefined ? { token } : {}) }, issues: [] };
}
