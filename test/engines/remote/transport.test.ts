// The shared transport, through the KFP client's health call (one GET) against tiny in-file
// servers: what each failure becomes, auth headers, token rotation, redaction, timeouts, resets,
// refused connections and a server whose certificate a custom CA signed.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { NotFoundError } from '../../../src/errors.js';
import { KfpClient } from '../../../src/engines/kfp/api/client.js';
import { AlreadyExistsError, RemoteApiError, RemoteConfigError, RemoteNotFoundError, RemoteUnreachableError } from '../../../src/engines/remote/errors.js';
import type { RemoteEndpoint } from '../../../src/engines/remote/transport.js';
import { requireHere } from '../../helpers/skip.js';
import { json, tinyServer, type TinyServer } from './tiny-server.js';

const TOKEN = 'tok-3f9a1c77-secret-value';
const dir = mkdtempSync(join(tmpdir(), 'tandem-transport-'));
const servers: TinyServer[] = [];
const clients: KfpClient[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function serve(...args: Parameters<typeof tinyServer>): Promise<TinyServer> {
  const server = await tinyServer(...args);
  servers.push(server);
  return server;
}

function client(endpoint: RemoteEndpoint, env: NodeJS.ProcessEnv = { KFP_TOKEN: TOKEN }): KfpClient {
  const made = new KfpClient(endpoint, env);
  clients.push(made);
  return made;
}

/** The error a call rejects with (fails the test when it resolves). */
async function failure(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof Error, `rejected with a non-Error: ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

/** Every place an error could carry the token: message, stack, fields, the cause chain. */
function assertNoToken(error: Error): void {
  const everything = `${inspect(error, { depth: Infinity, showHidden: true })}\n${JSON.stringify(error)}\n${String(error.stack)}`;
  assert.ok(!everything.includes(TOKEN), `the token leaked into the error: ${everything}`);
}

describe('auth and headers', () => {
  it('sends the token from an environment variable as a bearer token, with the extra headers', async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    await client({ baseUrl: server.url, token: { env: 'KFP_TOKEN' }, headers: { 'kubeflow-userid': 'alice@example.com' } }).healthz();
    const [request] = server.received;
    assert.equal(request?.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(request?.headers['kubeflow-userid'], 'alice@example.com');
    assert.equal(request?.url, '/apis/v2beta1/healthz');
  });

  it('re-reads a token file on every request: a rotated projected token is used at once', async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const file = join(dir, 'token');
    writeFileSync(file, 'first-token\n');
    const kfp = client({ baseUrl: server.url, token: { file } });
    await kfp.healthz();
    writeFileSync(file, 'second-token\n');
    await kfp.healthz();
    assert.deepEqual(server.received.map((r) => r.headers.authorization), ['Bearer first-token', 'Bearer second-token']);
  });

  it('sends no authorization header when no token is configured', async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    await client({ baseUrl: server.url }).healthz();
    assert.equal(server.received[0]?.headers.authorization, undefined);
  });
});

describe('error statuses', () => {
  const cases: Array<{ status: number; retryable: boolean }> = [
    { status: 500, retryable: true },
    { status: 503, retryable: true },
    { status: 429, retryable: true },
    { status: 400, retryable: false },
    { status: 403, retryable: false },
  ];
  for (const { status, retryable } of cases) {
    it(`${status} is a RemoteApiError, retryable: ${retryable}, with the server's message`, async () => {
      const server = await serve((_req, res) => json(res, status, { code: 13, message: `server says ${status}`, details: [] }));
      const error = await failure(client({ baseUrl: server.url }).healthz());
      assert.ok(error instanceof RemoteApiError);
      assert.equal(error.status, status);
      assert.equal(error.retryable, retryable);
      assert.equal(error.serverMessage, `server says ${status}`);
      assert.equal(error.method, 'GET');
      assert.equal(error.path, '/apis/v2beta1/healthz');
      assert.match(error.message, new RegExp(`KFP API: GET /apis/v2beta1/healthz: ${status} server says ${status}`));
    });
  }

  it('409 is AlreadyExistsError, not retryable', async () => {
    const server = await serve((_req, res) => json(res, 409, { code: 6, message: 'run "x" already exists' }));
    const error = await failure(client({ baseUrl: server.url }).createRun({ display_name: 'x' }));
    assert.ok(error instanceof AlreadyExistsError);
    assert.equal(error.retryable, false);
    assert.equal(error.status, 409);
  });

  it('404 is a RemoteNotFoundError, which is a NotFoundError', async () => {
    const server = await serve((_req, res) => json(res, 404, { code: 5, message: 'run not found' }));
    const error = await failure(client({ baseUrl: server.url }).getRun('r-1'));
    assert.ok(error instanceof RemoteNotFoundError);
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.serverMessage, 'run not found');
    assert.equal(error.path, '/apis/v2beta1/runs/r-1');
  });

  it('a body that is not JSON is quoted, cut to a readable length', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end(`<html>${'x'.repeat(2000)}</html>`);
    });
    const error = await failure(client({ baseUrl: server.url }).healthz());
    assert.ok(error instanceof RemoteApiError);
    assert.ok(error.serverMessage.startsWith('<html>xxx'));
    assert.ok(error.serverMessage.length < 600, `quoted ${error.serverMessage.length} characters`);
  });
});

describe('the token never leaves in an error', () => {
  it('is masked when the server echoes the request headers back in its error body', async () => {
    const server = await serve((req, res) => json(res, 401, { code: 16, message: `invalid token in header: ${String(req.headers.authorization)}` }));
    const error = await failure(client({ baseUrl: server.url, token: { env: 'KFP_TOKEN' } }).healthz());
    assert.ok(error instanceof RemoteApiError);
    assert.match(error.serverMessage, /invalid token in header: Bearer \[redacted\]/);
    assertNoToken(error);
  });

  it('is masked from a stream error frame too', async () => {
    const { ArgoClient } = await import('../../../src/engines/argo/api/client.js');
    const server = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify({ error: { grpc_code: 16, http_code: 401, message: `bad ${String(req.headers.authorization)}` } })}\n\n`);
    });
    const argo = new ArgoClient({ baseUrl: server.url, token: { env: 'ARGO_TOKEN' } }, { ARGO_TOKEN: TOKEN });
    try {
      const error = await failure((async () => {
        for await (const _ of argo.watchWorkflows('argo')) void _;
      })());
      assert.ok(error instanceof RemoteApiError);
      assert.equal(error.status, 401);
      assertNoToken(error);
    } finally {
      await argo.close();
    }
  });

  it('is absent from a network failure and its cause', async () => {
    const server = await serve((req) => req.socket.destroy());
    const error = await failure(client({ baseUrl: server.url, token: { env: 'KFP_TOKEN' } }).healthz());
    assertNoToken(error);
  });
});

describe('failures without a response', () => {
  it('a server that never answers is a retryable timeout', async () => {
    const server = await serve(() => {
      // Never answers: the client's timeout must end the request.
    });
    const error = await failure(client({ baseUrl: server.url, timeoutMs: 300 }).healthz());
    assert.ok(error instanceof RemoteApiError);
    assert.ok(!(error instanceof RemoteUnreachableError), 'the server was reached');
    assert.equal(error.status, undefined);
    assert.equal(error.retryable, true);
    assert.match(error.message, /timed out: no response within 300 ms/);
  });

  it('a connection reset is retryable and not "unreachable" (the server may have acted)', async () => {
    const server = await serve((req) => req.socket.destroy());
    const error = await failure(client({ baseUrl: server.url }).healthz());
    assert.ok(error instanceof RemoteApiError);
    assert.ok(!(error instanceof RemoteUnreachableError));
    assert.equal(error.retryable, true);
    assert.match(error.message, /connection broken/);
  });

  it('a refused connection is RemoteUnreachableError, retryable', async () => {
    const port = await freePort();
    const error = await failure(client({ baseUrl: `http://127.0.0.1:${port}` }).healthz());
    assert.ok(error instanceof RemoteUnreachableError);
    assert.equal(error.retryable, true);
    assert.match(error.message, /ECONNREFUSED/);
  });

  it("the caller's own abort is passed through as it is", async () => {
    const server = await serve(() => {
      // Hangs until the caller aborts.
    });
    const { ArgoClient } = await import('../../../src/engines/argo/api/client.js');
    const argo = new ArgoClient({ baseUrl: server.url });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    try {
      const watching = (async () => {
        for await (const _ of argo.watchWorkflows('argo', { signal: controller.signal })) void _;
      })();
      controller.abort(reason);
      assert.equal(await failure(watching), reason);
    } finally {
      await argo.close();
    }
  });
});

describe('settings that cannot work', () => {
  it('a base URL that is not http(s) is a RemoteConfigError', () => {
    assert.throws(() => new KfpClient({ baseUrl: 'ftp://host' }), RemoteConfigError);
    assert.throws(() => new KfpClient({ baseUrl: 'not a url' }), RemoteConfigError);
  });

  it('an unreadable CA file is a RemoteConfigError naming the file', () => {
    assert.throws(() => new KfpClient({ baseUrl: 'https://host', caFile: join(dir, 'missing.pem') }), /cannot read the CA file .*missing\.pem \(ENOENT\)/);
  });
});

describe('TLS with a custom CA', () => {
  it('trusts a server whose certificate the configured CA signed, and refuses it without that CA', async (t) => {
    const openssl = spawnSync('openssl', ['version']);
    if (!requireHere(t, openssl.error !== undefined || openssl.status !== 0 ? 'openssl is not installed' : undefined, 'apt-get install openssl')) return;
    const pki = makePki(dir);
    const server = await serve((_req, res) => json(res, 200, {}), { key: pki.serverKey, cert: pki.serverCert });
    const port = new URL(server.url).port;
    // The certificate names localhost (its subjectAltName), not 127.0.0.1.
    await client({ baseUrl: `https://localhost:${port}`, caFile: pki.caFile }).healthz();
    assert.equal(server.received.length, 1);
    const error = await failure(client({ baseUrl: `https://localhost:${port}` }).healthz());
    assert.ok(error instanceof RemoteUnreachableError, `got ${String(error)}`);
    assert.match(error.message, /TLS/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** A throw-away CA and a localhost certificate it signed, made with openssl for this run only. */
function makePki(base: string): { caFile: string; serverKey: string; serverCert: string } {
  const at = (name: string): string => join(base, name);
  const run = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2', '-subj', '/CN=tandem test CA');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(at('ext.cnf'), 'subjectAltName=DNS:localhost\n');
  run('x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at('server.pem'), '-days', '2', '-extfile', at('ext.cnf'));
  return { caFile: at('ca.pem'), serverKey: readFileSync(at('server.key'), 'utf8'), serverCert: readFileSync(at('server.pem'), 'utf8') };
}
