// Connection options from configuration: validated without a server; token, user/password and
// NKey auth also against a throwaway nats-server with that auth turned on (creds files and TLS
// need an operator setup and certificates, so only their option building is tested).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { connect, nkeys, type Authenticator, type NodeConnectionOptions } from '@nats-io/transport-node';
import { SpecValidationError } from '../../../src/errors.js';
import { SecretError } from '../../../src/secrets.js';
import { connectionOptions, parseNatsSourceConfig, ReconnectBackoff } from '../../../src/events/sources/nats/options.js';
import type { NatsSourceConfig } from '../../../src/events/sources/nats/schema.js';
import { NatsEventSource } from '../../../src/events/sources/nats/source.js';
import { requireNatsServerBinary, spawnNatsServer as authServer } from './server.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-nats-opts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function auth(options: NodeConnectionOptions, nonce?: string): unknown {
  const authenticator = options.authenticator as Authenticator | undefined;
  assert.ok(authenticator, 'an authenticator');
  return authenticator(nonce);
}

const base: NatsSourceConfig = { url: 'nats://127.0.0.1:4222', subject: 'x' };

void describe('parseNatsSourceConfig', () => {
  void it('accepts a full JetStream configuration', () => {
    const config = parseNatsSourceConfig({
      urls: ['nats://a:4222', 'nats://b:4222'],
      subject: 'orders.>',
      payload: 'msgpack',
      jetStream: { stream: 'ORDERS', consumer: 'tandem', ackWait: '30s', maxDeliver: 5, deliverPolicy: 'new', createStream: true, backoff: { initial: '1s', max: '1m' } },
      auth: { user: 'svc', password: { env: 'NATS_PASSWORD' }, tls: { ca: '/etc/ca.pem' } },
      reconnect: { maxAttempts: -1, waitMs: 100 },
      maxInFlight: 64,
    });
    assert.equal(config.jetStream?.stream, 'ORDERS');
  });

  void it('reports every problem with its path', () => {
    assert.throws(
      () => parseNatsSourceConfig({ subject: 'x', queue: 'q', jetStream: { stream: 'A', consumer: 'c' } }),
      (error: unknown) =>
        error instanceof SpecValidationError &&
        error.issues.some((i) => /url or urls/.test(i.message)) &&
        error.issues.some((i) => i.path === '/queue'),
    );
    assert.throws(
      () => parseNatsSourceConfig({ ...base, auth: { token: 'inline-secret' } }),
      (error: unknown) => error instanceof SpecValidationError && error.issues.some((i) => i.path.startsWith('/auth/token')),
      'secrets are never inline',
    );
    assert.throws(
      () => parseNatsSourceConfig({ ...base, auth: { token: { env: 'T' }, user: 'u' } }),
      (error: unknown) => error instanceof SpecValidationError && /choose one way/.test(error.message),
    );
    assert.throws(
      () => parseNatsSourceConfig({ ...base, jetStream: { stream: 'A.B', consumer: 'c' } }),
      (error: unknown) => error instanceof SpecValidationError && error.issues.some((i) => i.path === '/jetStream/stream'),
    );
  });
});

void describe('connectionOptions', () => {
  void it('sets servers, a client name, reconnect forever with backoff', () => {
    const { options, backoff } = connectionOptions({ ...base, urls: undefined, url: 'nats://h:1' }, { name: 'tandem:n' });
    assert.deepEqual(options.servers, ['nats://h:1']);
    assert.equal(options.name, 'tandem:n');
    assert.equal(options.maxReconnectAttempts, -1);
    assert.equal(options.reconnect, true);
    assert.equal(options.reconnectDelayHandler?.(), backoff.delay());
    assert.equal(options.authenticator, undefined);
    assert.equal(options.tls, undefined);
  });

  void it('reads a token from the environment, and again on each connect', () => {
    const env: NodeJS.ProcessEnv = { NATS_TOKEN: 'abc' };
    const { options } = connectionOptions({ ...base, auth: { token: { env: 'NATS_TOKEN' } } }, { name: 'n', env });
    assert.deepEqual(auth(options), { auth_token: 'abc' });
    env.NATS_TOKEN = 'rotated';
    assert.deepEqual(auth(options), { auth_token: 'rotated' });
  });

  void it('fails early, naming where it looked, when a secret is missing', () => {
    assert.throws(
      () => connectionOptions({ ...base, auth: { user: 'u', password: { env: 'NOPE' } } }, { name: 'n', env: {} }),
      (error: unknown) => error instanceof SecretError && /NOPE/.test(error.message),
    );
  });

  void it('builds user/password from a secret file', () => {
    const file = join(dir, 'password');
    writeFileSync(file, 's3cret\n');
    const { options } = connectionOptions({ ...base, auth: { user: 'svc', password: { file } } }, { name: 'n' });
    assert.deepEqual(auth(options), { user: 'svc', pass: 's3cret' });
  });

  void it('signs the server nonce with an NKey seed', () => {
    const user = nkeys.createUser();
    const seed = new TextDecoder().decode(user.getSeed());
    const { options } = connectionOptions({ ...base, auth: { nkeySeed: { env: 'SEED' } } }, { name: 'n', env: { SEED: seed } });
    const answer = auth(options, 'nonce-123') as { nkey: string; sig: string };
    assert.equal(answer.nkey, user.getPublicKey());
    assert.ok(user.verify(new TextEncoder().encode('nonce-123'), Buffer.from(answer.sig, 'base64url')));
  });

  void it('reads a creds file into a JWT authenticator', () => {
    const user = nkeys.createUser();
    const creds = [
      '-----BEGIN NATS USER JWT-----',
      'eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.sig',
      '------END NATS USER JWT------',
      '',
      '-----BEGIN USER NKEY SEED-----',
      new TextDecoder().decode(user.getSeed()),
      '------END USER NKEY SEED------',
      '',
    ].join('\n');
    const file = join(dir, 'user.creds');
    writeFileSync(file, creds);
    const { options } = connectionOptions({ ...base, auth: { credsFile: file } }, { name: 'n' });
    const answer = auth(options, 'n0nce') as { jwt: string; nkey: string; sig: string };
    assert.equal(answer.jwt, 'eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.sig');
    assert.equal(answer.nkey, user.getPublicKey());
    assert.throws(() => connectionOptions({ ...base, auth: { credsFile: join(dir, 'missing.creds') } }, { name: 'n' }), /cannot read creds file/);
  });

  void it('maps TLS files, and a key given by environment as its PEM text', () => {
    const fromFiles = connectionOptions({ ...base, auth: { tls: { ca: '/ca.pem', cert: '/c.pem', key: { file: '/k.pem' }, handshakeFirst: true } } }, { name: 'n' });
    assert.deepEqual(fromFiles.options.tls, { caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem', handshakeFirst: true });
    const fromEnv = connectionOptions({ ...base, auth: { tls: { cert: '/c.pem', key: { env: 'KEY' } } } }, { name: 'n', env: { KEY: 'PEM' } });
    assert.deepEqual(fromEnv.options.tls, { certFile: '/c.pem', key: 'PEM' });
  });
});

void describe('ReconnectBackoff', () => {
  void it('doubles per attempt up to the cap, stays put between attempts, resets on reconnect', () => {
    const backoff = new ReconnectBackoff(100, 1000, () => 0.5);
    assert.equal(backoff.delay(), 100);
    assert.equal(backoff.delay(), 100);
    backoff.attempted();
    assert.equal(backoff.delay(), 200);
    for (let i = 0; i < 10; i++) backoff.attempted();
    assert.equal(backoff.delay(), 1000);
    backoff.reset();
    assert.equal(backoff.delay(), 100);
  });
});

// --- against a throwaway server with auth turned on ----------------------------------------------

async function connects(config: NatsSourceConfig, env: NodeJS.ProcessEnv): Promise<boolean> {
  const { options } = connectionOptions({ ...config, reconnect: { maxAttempts: 0 } }, { name: 'tandem-test', env });
  try {
    const nc = await connect({ ...options, timeout: 10_000 });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

void describe('auth against nats-server', () => {
  void it('token', async (t) => {
    if (!requireNatsServerBinary(t)) return;
    const server = await authServer(['--auth', 'tok-123']);
    try {
      const config: NatsSourceConfig = { url: server.url, subject: 'x', auth: { token: { env: 'T' } } };
      assert.equal(await connects(config, { T: 'tok-123' }), true);
      assert.equal(await connects(config, { T: 'wrong' }), false);
    } finally {
      await server.stop();
    }
  });

  void it('user and password', async (t) => {
    if (!requireNatsServerBinary(t)) return;
    const server = await authServer(['--user', 'svc', '--pass', 'pw-9']);
    try {
      const config: NatsSourceConfig = { url: server.url, subject: 'x', auth: { user: 'svc', password: { env: 'P' } } };
      assert.equal(await connects(config, { P: 'pw-9' }), true);
      assert.equal(await connects(config, { P: 'nope' }), false);
    } finally {
      await server.stop();
    }
  });

  void it('NKey seed', async (t) => {
    if (!requireNatsServerBinary(t)) return;
    const user = nkeys.createUser();
    const conf = join(dir, 'nkey.conf');
    writeFileSync(conf, `authorization { users = [ { nkey: ${user.getPublicKey()} } ] }\n`);
    const server = await authServer(['-c', conf]);
    try {
      const config: NatsSourceConfig = { url: server.url, subject: 'x', auth: { nkeySeed: { env: 'SEED' } } };
      assert.equal(await connects(config, { SEED: new TextDecoder().decode(user.getSeed()) }), true);
      assert.equal(await connects(config, { SEED: new TextDecoder().decode(nkeys.createUser().getSeed()) }), false);
    } finally {
      await server.stop();
    }
  });

  void it('a source that cannot authenticate fails start with a typed, retryable error and reports it', async (t) => {
    if (!requireNatsServerBinary(t)) return;
    const server = await authServer(['--auth', 'right']);
    try {
      const source = new NatsEventSource('guarded', { url: server.url, subject: 'x', auth: { token: { env: 'T' } }, reconnect: { maxAttempts: 0 } }, { env: { T: 'wrong' } });
      await assert.rejects(
        source.start({ receive: () => Promise.reject(new Error('unused')) }),
        (error: unknown) => error instanceof Error && error.name === 'NatsSourceError' && (error as { retryable?: boolean }).retryable === true,
      );
      assert.equal(source.health().state, 'failed');
      assert.match(source.health().lastError ?? '', /cannot connect/);
    } finally {
      await server.stop();
    }
  });
});
