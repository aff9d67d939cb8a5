// From a `nats` source configuration to the client's connection options: servers, auth
// (token, user/password, NKey seed, creds file), TLS, reconnect with backoff. Secrets are read
// once here, so a missing one fails at start with a message naming where it was looked for, and
// again on each (re)connect, so a rotated file is picked up without a restart.
import { readFileSync } from 'node:fs';
import {
  credsAuthenticator,
  nkeyAuthenticator,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
  type Authenticator,
  type NodeConnectionOptions,
} from '@nats-io/transport-node';
import { Value } from '@sinclair/typebox/value';
import { durationMs } from '../../../spec/duration.js';
import { SpecValidationError, TandemError, type SpecIssue } from '../../../errors.js';
import { readSecret, type SecretRef } from '../../../secrets.js';
import { NatsSourceConfig, type NatsAuthConfig, type NatsReconnectConfig } from './schema.js';
import { backoffDelay, withJitter } from '../../../util/backoff.js';

/** A nats source that cannot connect or subscribe; retryable, since servers come back. */
export class NatsSourceError extends TandemError {
  readonly code = 'NATS';
  override readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NatsSourceError';
  }
}

/** Validates a `nats` source configuration; every problem, with its JSON path. */
export function parseNatsSourceConfig(value: unknown, file?: string): NatsSourceConfig {
  const issues: SpecIssue[] = [...Value.Errors(NatsSourceConfig, value)].map((error) => ({
    file,
    path: error.path,
    message: error.message,
    found: JSON.stringify(error.value)?.slice(0, 60),
  }));
  if (issues.length === 0) {
    const config = value as NatsSourceConfig;
    if (config.url === undefined && config.urls === undefined) issues.push({ file, path: '', message: 'a nats source needs url or urls' });
    if (config.url !== undefined && config.urls !== undefined) issues.push({ file, path: '/urls', message: 'give url or urls, not both' });
    if (config.queue !== undefined && config.jetStream !== undefined) {
      issues.push({ file, path: '/queue', message: 'queue groups are for core subscriptions; JetStream consumers share a durable consumer instead' });
    }
    issues.push(...authIssues(config.auth, file));
  }
  if (issues.length > 0) throw new SpecValidationError(issues);
  return value as NatsSourceConfig;
}

function authIssues(auth: NatsAuthConfig | undefined, file?: string): SpecIssue[] {
  if (!auth) return [];
  const issues: SpecIssue[] = [];
  const methods = [auth.token && 'token', (auth.user || auth.password) && 'user/password', auth.nkeySeed && 'nkeySeed', auth.credsFile && 'credsFile'].filter(Boolean);
  if (methods.length > 1) issues.push({ file, path: '/auth', message: 'choose one way to authenticate', found: methods.join(' and ') });
  if (auth.password && !auth.user) issues.push({ file, path: '/auth/password', message: 'a password needs a user' });
  if (auth.tls?.key && !auth.tls.cert) issues.push({ file, path: '/auth/tls/key', message: 'a TLS key needs a cert' });
  if (auth.tls?.cert && !auth.tls.key) issues.push({ file, path: '/auth/tls/cert', message: 'a TLS cert needs a key' });
  return issues;
}

export function serversOf(config: Pick<NatsSourceConfig, 'url' | 'urls'>): string[] {
  return config.urls ?? (config.url !== undefined ? [config.url] : []);
}

/**
 * Reconnect delays: waitMs, doubling per failed attempt up to maxWaitMs, with ±20% jitter; back to
 * waitMs once connected. The client asks for the delay more than once per attempt, so the value
 * only moves when the source sees an attempt (a `reconnecting` status) or a reconnect.
 */
export class ReconnectBackoff {
  private attempts = 0;
  private current: number;
  constructor(
    private readonly waitMs: number,
    private readonly maxWaitMs: number,
    private readonly random: () => number = Math.random,
  ) {
    this.current = this.compute();
  }
  private compute(): number {
    const base = backoffDelay({ initialMs: this.waitMs, maxMs: this.maxWaitMs }, this.attempts);
    return withJitter(base, { below: 0.2, above: 0.2 }, this.random);
  }
  delay(): number {
    return this.current;
  }
  attempted(): void {
    this.attempts++;
    this.current = this.compute();
  }
  reset(): void {
    this.attempts = 0;
    this.current = this.compute();
  }
}

export interface BuiltOptions {
  options: NodeConnectionOptions;
  backoff: ReconnectBackoff;
}

export interface BuildContext {
  /** Client name shown by the server's monitoring pages. */
  name: string;
  env?: NodeJS.ProcessEnv;
  readFile?: (path: string) => Uint8Array;
}

/** Client connection options for a configuration. Throws SecretError when a secret is missing. */
export function connectionOptions(config: NatsSourceConfig, context: BuildContext): BuiltOptions {
  const env = context.env ?? process.env;
  const readFile = context.readFile ?? ((path: string) => readFileSync(path));
  const reconnect: NatsReconnectConfig = config.reconnect ?? {};
  const backoff = new ReconnectBackoff(reconnect.waitMs ?? 250, reconnect.maxWaitMs ?? 10_000);
  const options: NodeConnectionOptions = {
    servers: serversOf(config),
    name: context.name,
    timeout: config.connectTimeout !== undefined ? durationMs(config.connectTimeout) : 10_000,
    reconnect: reconnect.maxAttempts !== 0,
    maxReconnectAttempts: reconnect.maxAttempts ?? -1,
    reconnectDelayHandler: () => backoff.delay(),
    waitOnFirstConnect: false,
    // The client otherwise builds an Error (with a stack) for every request, ack confirmations
    // included, only to enrich a failure that almost never happens: at thousands of events per
    // second that is most of the source's own cost.
    noAsyncTraces: true,
  };
  const authenticator = authenticatorFor(config.auth, env, readFile);
  if (authenticator) options.authenticator = authenticator;
  const tls = config.auth?.tls;
  if (tls) {
    options.tls = {};
    if (tls.ca !== undefined) options.tls.caFile = tls.ca;
    if (tls.cert !== undefined) options.tls.certFile = tls.cert;
    if (tls.key !== undefined) {
      if ('file' in tls.key) options.tls.keyFile = tls.key.file;
      else options.tls.key = readSecret(tls.key, env);
    }
    if (tls.handshakeFirst !== undefined) options.tls.handshakeFirst = tls.handshakeFirst;
  }
  return { options, backoff };
}

/** Reads the secret now (to fail early) and returns a reader for each later (re)connect. */
function secret(ref: SecretRef, env: NodeJS.ProcessEnv): () => string {
  readSecret(ref, env);
  return () => readSecret(ref, env);
}

function authenticatorFor(auth: NatsAuthConfig | undefined, env: NodeJS.ProcessEnv, readFile: (path: string) => Uint8Array): Authenticator | undefined {
  if (!auth) return undefined;
  if (auth.token) return tokenAuthenticator(secret(auth.token, env));
  if (auth.user !== undefined) {
    return usernamePasswordAuthenticator(auth.user, auth.password ? secret(auth.password, env) : undefined);
  }
  if (auth.nkeySeed) {
    const seed = secret(auth.nkeySeed, env);
    return nkeyAuthenticator(() => new TextEncoder().encode(seed().trim()));
  }
  if (auth.credsFile !== undefined) {
    const path = auth.credsFile;
    const read = (): Uint8Array => {
      try {
        return readFile(path);
      } catch (error) {
        throw new NatsSourceError(`nats: cannot read creds file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    };
    read();
    return credsAuthenticator(read);
  }
  return undefined;
}
