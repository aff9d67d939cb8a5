// Every secret `tandem serve` will read, checked before anything opens: the API tokens, each event
// source's (webhook HMAC secret and bearer token, NATS token, password, NKey seed and TLS key) and
// the MLflow token. A missing one is named with all the others missing, in one error, so that a
// first start with nothing set takes one round of fixing, not one per secret.
import type { TandemConfig } from '../config/types.js';
import type { EventSourceConfig, Project } from '../project/load.js';
import { readSecret, SecretError, type SecretRef } from '../secrets.js';
import { errorMessage } from '../util/error-message.js';

interface NamedRef {
  /** Where the reference is written in tandem.yaml. */
  where: string;
  ref: SecretRef;
}

function sourceRefs(source: EventSourceConfig): NamedRef[] {
  const at = (path: string, ref: SecretRef | undefined): NamedRef[] => (ref === undefined ? [] : [{ where: `eventSources.${source.name}.${path}`, ref }]);
  switch (source.kind) {
    case 'webhook':
      return [...at('hmac.secret', source.config.hmac?.secret), ...at('bearer.token', source.config.bearer?.token)];
    case 'nats': {
      const auth = source.config.auth;
      return [...at('auth.token', auth?.token), ...at('auth.password', auth?.password), ...at('auth.nkeySeed', auth?.nkeySeed), ...at('auth.tls.key', auth?.tls?.key)];
    }
    case 'cron':
      return [];
  }
}

function projectSecretRefs(project: Project, config: TandemConfig): NamedRef[] {
  return [
    ...project.server.tokens.map((token) => ({ where: `server.tokens.${token.name}`, ref: token.token })),
    ...project.eventSources.flatMap(sourceRefs),
    ...(config.mlflow?.token !== undefined ? [{ where: 'mlflow.token', ref: config.mlflow.token }] : []),
  ];
}

/** Throws one SecretError naming every secret of the project that cannot be read. */
export function checkProjectSecrets(project: Project, config: TandemConfig, env: NodeJS.ProcessEnv = process.env): void {
  const missing: string[] = [];
  for (const { where, ref } of projectSecretRefs(project, config)) {
    try {
      readSecret(ref, env);
    } catch (error) {
      // readSecret's message starts "secret: "; here the place in the file says what it is.
      missing.push(`${where}: ${errorMessage(error).replace(/^secret: /, '')}`);
    }
  }
  if (missing.length === 0) return;
  const count = missing.length === 1 ? 'a secret is' : `${missing.length} secrets are`;
  throw new SecretError(`${project.file}: ${count} missing:\n${missing.map((line) => `  ${line}`).join('\n')}`);
}
