// Builds the mirror from configuration: reads the token from where mlflow.token says (or
// MLFLOW_TRACKING_TOKEN when set and nothing is configured) and hands it to the client only.
import { MLFLOW_TOKEN_FALLBACK_ENV } from '../../config/settings.js';
import type { MlflowConfig } from '../../config/types.js';
import { readSecret } from '../../secrets.js';
import { MlflowClient } from './client.js';
import { MlflowMirror, type MlflowMirrorOptions, type MlflowMirrorStore } from './mirror.js';

/** The bearer token, undefined when none is configured and MLFLOW_TRACKING_TOKEN is unset. SecretError when a configured one is missing. */
function mlflowToken(config: MlflowConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (config.token !== undefined) return readSecret(config.token, env);
  const fallback = env[MLFLOW_TOKEN_FALLBACK_ENV];
  return fallback === undefined || fallback === '' ? undefined : fallback;
}

function createMlflowClient(config: MlflowConfig, env: NodeJS.ProcessEnv = process.env): MlflowClient {
  const token = mlflowToken(config, env);
  return new MlflowClient({ trackingUri: config.trackingUri, ...(token === undefined ? {} : { token }) });
}

export function createMlflowMirror(
  config: MlflowConfig,
  store: MlflowMirrorStore,
  options: Omit<MlflowMirrorOptions, 'store' | 'client' | 'experimentPrefix'> = {},
  env: NodeJS.ProcessEnv = process.env,
): MlflowMirror {
  return new MlflowMirror({ ...options, store, client: createMlflowClient(config, env), experimentPrefix: config.experimentPrefix });
}
