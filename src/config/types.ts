// tandem's effective configuration, as commands use it: defaults < tandem.yaml < TANDEM_* <
// flags, resolved. The value types come from the settings' declarations (settings.ts).
import type { SpecIssue } from '../errors.js';
import type { SecretRef } from '../secrets.js';
import type { ArtifactRepositoryConfig } from './artifacts.js';
import type { ArgoEngineConfig, KfpEngineConfig } from './remote-engines.js';
import type { Limits } from '../util/limits.js';
import type { TandemFile } from './file.js';
import type { FlagKey, LayeredKey, SettingValue } from './schema.js';
import type { RoutingRuleDecl } from './shapes.js';

export interface TandemConfig {
  /** Absolute path of the data directory (store, logs, artifacts). */
  home: SettingValue<'home'>;
  engine: {
    concurrency: SettingValue<'engine.concurrency'>;
    logCapBytes: SettingValue<'engine.logCapBytes'>;
    /** As written (`"10s"`); killGracePeriodMs holds its value. */
    killGracePeriod: SettingValue<'engine.killGracePeriod'>;
    killGracePeriodMs: number;
    /** Which helper spawns task processes: auto (perl where available), perl or node. */
    spawner: SettingValue<'engine.spawner'>;
  };
  /** `limits` in tandem.yaml (or TANDEM_LIMIT_*): what one workflow may ask for; applied per process with useLimits. */
  limits: Limits;
  /** `routing` in tandem.yaml: rules before (or instead of) the built-in routing policy; see docs/router.md. */
  routing: {
    rules: RoutingRuleDecl[];
    /** true: the configured rules are the whole policy; false (default): they come before the built-in rules. */
    replaceDefaults: boolean;
  };
  /** Which engine executes each lane (`lanes.kubeflow.engine`, `lanes.argo.engine`); default local. */
  lanes: {
    kubeflow: { engine: SettingValue<'lanes.kubeflow.engine'> };
    argo: { engine: SettingValue<'lanes.argo.engine'> };
  };
  /** `images` in tandem.yaml: the images compiled manifests name (tandem's, node tasks', other tasks', the project's task image). */
  images: {
    tandem: string;
    node: string;
    default: string;
    tasks: string;
  };
  /** `argo` in tandem.yaml (or TANDEM_ARGO_*): the Argo Server, when its URL is set; see docs/remote-engines.md. */
  argo?: ArgoEngineConfig;
  /** `kfp` in tandem.yaml (or TANDEM_KFP_*): the KFP API, when its URL is set. */
  kfp?: KfpEngineConfig;
  /** `mlflow` in tandem.yaml (or TANDEM_MLFLOW_TRACKING_URI): mirror ML-lane runs into MLflow; see docs/mlflow.md. */
  mlflow?: MlflowConfig;
  /** `artifacts` in tandem.yaml: the artifact repository compiled Argo workflows use; absent: Argo's default one. */
  artifacts?: ArtifactRepositoryConfig;
  /** The tandem.yaml that was read, if any. */
  file?: string;
  /** Where each layered setting's value came from. */
  sources: Record<LayeredKey, ConfigSource>;
}

export interface MlflowConfig {
  /** http(s) URL of the tracking server. */
  trackingUri: SettingValue<'mlflow.trackingUri'>;
  /** Put before every experiment name; '' for none. */
  experimentPrefix: string;
  /** Where the bearer token is (a file path resolved against tandem.yaml); without it MLFLOW_TRACKING_TOKEN is used when set. */
  token?: SecretRef;
}

export type ConfigSource = 'default' | 'file' | 'env' | 'flag';

/** Values given on the command line; strings are parsed like environment variables. */
export type ConfigFlags = {
  /** The configuration file, instead of TANDEM_CONFIG or ./tandem.yaml. */
  config?: string;
} & { [K in FlagKey]?: string | number };

/**
 * A check of tandem.yaml that needs knowledge from above config/ (the router compiles the routing
 * rules' CEL against its features). The composition roots pass them in, so that config/ does not
 * import the layers that read it; its issues are reported with every other problem.
 */
export type FileCheck = (file: TandemFile) => SpecIssue[];

export interface LoadConfigOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  flags?: ConfigFlags;
  /** Checks beyond the declaration's, run on the file once it is read. */
  checks?: readonly FileCheck[];
}
