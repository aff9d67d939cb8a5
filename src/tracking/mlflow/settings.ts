// The `mlflow` section of tandem.yaml, read for config.ts: where the tracking server is, an
// optional prefix for experiment names, and where the token is (a SecretRef: an environment
// variable or a file, never the token itself). TANDEM_MLFLOW_TRACKING_URI overrides the file.
//
//   mlflow:
//     trackingUri: http://mlflow.internal:5000
//     experimentPrefix: team-a/
//     token: { env: MLFLOW_TRACKING_TOKEN }   # or { file: secrets/mlflow-token }
import { resolve } from 'node:path';
import type { SecretRef } from '../../secrets.js';
import { isRecord } from '../../util/is-record.js';

export interface MlflowConfig {
  /** http(s) URL of the tracking server. */
  trackingUri: string;
  /** Put before every experiment name; '' for none. */
  experimentPrefix: string;
  /** Where the bearer token is; without it MLFLOW_TRACKING_TOKEN is used when set. */
  token?: SecretRef;
}

/** What the file said, before the environment is applied. */
export interface MlflowFileSection {
  trackingUri?: string;
  experimentPrefix?: string;
  token?: SecretRef;
}

export const MLFLOW_KEYS = ['trackingUri', 'experimentPrefix', 'token'] as const;
export const MLFLOW_URI_ENV = 'TANDEM_MLFLOW_TRACKING_URI';
export const DEFAULT_TOKEN_ENV = 'MLFLOW_TRACKING_TOKEN';

type Locate = (path: string[]) => string;

/** Parses `mlflow:`; pushes one problem per mistake. A relative token file resolves against `fileDir`. */
export function parseMlflowSection(raw: unknown, where: Locate, problems: string[], fileDir: string): MlflowFileSection | undefined {
  if (raw === undefined || raw === null) return undefined;
  const report = (key: string | undefined, message: string) => {
    const path = key === undefined ? ['mlflow'] : ['mlflow', key];
    problems.push(`${where(path)} ${path.join('.')}: ${message}`);
  };
  if (!isRecord(raw)) {
    report(undefined, `expected a mapping (${MLFLOW_KEYS.join(', ')}), found ${describe(raw)}`);
    return undefined;
  }
  const section: MlflowFileSection = {};
  for (const key of Object.keys(raw)) {
    if (!(MLFLOW_KEYS as readonly string[]).includes(key)) report(key, `unknown setting (expected one of ${MLFLOW_KEYS.join(', ')})`);
  }
  if (raw.trackingUri !== undefined) {
    const problem = checkUri(raw.trackingUri);
    if (problem === undefined) section.trackingUri = raw.trackingUri as string;
    else report('trackingUri', problem);
  }
  if (raw.experimentPrefix !== undefined) {
    if (typeof raw.experimentPrefix === 'string') section.experimentPrefix = raw.experimentPrefix;
    else report('experimentPrefix', `expected a string, found ${describe(raw.experimentPrefix)}`);
  }
  if (raw.token !== undefined) {
    const token = raw.token;
    if (isRecord(token) && Object.keys(token).length === 1 && typeof token.env === 'string' && token.env !== '') {
      section.token = { env: token.env };
    } else if (isRecord(token) && Object.keys(token).length === 1 && typeof token.file === 'string' && token.file !== '') {
      section.token = { file: resolve(fileDir, token.file) };
    } else {
      report('token', `expected { env: VARIABLE } or { file: PATH } (never the token itself), found ${typeof token === 'string' ? 'a string' : describe(token)}`);
    }
  }
  return section;
}

/** The effective settings: the file's, with TANDEM_MLFLOW_TRACKING_URI over trackingUri; undefined when no URI is set. */
export function resolveMlflowConfig(section: MlflowFileSection | undefined, env: NodeJS.ProcessEnv, problems: string[]): MlflowConfig | undefined {
  let trackingUri = section?.trackingUri;
  const fromEnv = env[MLFLOW_URI_ENV]?.trim();
  if (fromEnv !== undefined && fromEnv !== '') {
    const problem = checkUri(fromEnv);
    if (problem === undefined) trackingUri = fromEnv;
    else problems.push(`${MLFLOW_URI_ENV}: ${problem}`);
  }
  if (trackingUri === undefined) {
    if (section !== undefined && (section.experimentPrefix !== undefined || section.token !== undefined)) {
      problems.push(`mlflow.trackingUri: missing; set it (e.g. http://127.0.0.1:5000) or ${MLFLOW_URI_ENV}, or remove the mlflow section`);
    }
    return undefined;
  }
  const config: MlflowConfig = { trackingUri, experimentPrefix: section?.experimentPrefix ?? '' };
  if (section?.token !== undefined) config.token = section.token;
  return config;
}

function checkUri(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return `expected an http(s) URL such as http://127.0.0.1:5000, found ${describe(value)}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `expected an http(s) URL such as http://127.0.0.1:5000, found ${JSON.stringify(value)}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `expected an http(s) URL of a tracking server, found ${url.protocol} (tandem talks to MLflow over its REST API only)`;
  }
  if (url.username !== '' || url.password !== '') return 'credentials do not belong in the URL; use mlflow.token ({ env: NAME } or { file: PATH })';
  return undefined;
}


function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return JSON.stringify(value) ?? String(value);
}
