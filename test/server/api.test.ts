// The HTTP API over a real socket: auth on every route (the list comes from the server itself, so a
// new route cannot be forgotten), namespaces, bad bodies as 400s naming the field, idempotent starts.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ApiRunStarter } from '../../src/events/api-runs.js';
import { WorkflowCatalog } from '../../src/project/catalog.js';
import { buildApiServer } from '../../src/server/api.js';
import { TokenAuth } from '../../src/server/auth.js';
import { ServerMetrics } from '../../src/server/metrics.js';
import type { TandemServer } from '../../src/server/app.js';
import { makeHarness, type Harness } from '../engines/harness.js';

const ADMIN = 'admin-token-0123456789';
const TEAM_A = 'team-a-token-0123456789';

describe('HTTP API', () => {
  let h: Harness;
  let server: TandemServer;
  let base: string;
  let runInB: string;

  const call = (method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });

  before(async () => {
    h = await makeHarness();
    const echo = (name: string) => ({
      spec: { name, params: { who: { type: 'string' as const, default: 'world' } }, tasks: [{ name: 'say', process: { command: '/bin/echo', args: ['hi {{ params.who }}'] } }] },
      baseDir: process.cwd(),
    });
    const catalog = new WorkflowCatalog([
      { ...echo('alpha'), namespace: 'team-a' },
      { ...echo('beta'), namespace: 'team-b' },
    ]);
    const auth = new TokenAuth([
      { name: 'admin', token: ADMIN, namespaces: ['*'] },
      { name: 'team-a', token: TEAM_A, namespaces: ['team-a'] },
    ]);
    server = buildApiServer({
      auth,
      context: { store: h.store, engine: h.engine, catalog, runs: new ApiRunStarter(h.store, h.engine, catalog) },
      health: { ready: () => true, sources: () => [] },
      metrics: new ServerMetrics(),
    });
    base = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const started = (await (await call('POST', '/api/v1/workflows/beta/runs', { token: ADMIN, body: {} })).json()) as { runId: string };
    runInB = started.runId;
    await h.engine.wait(runInB);
  });
  after(async () => {
    await server.app.close();
    await h.close();
  });

  const concrete = (url: string) => url.replace(':name', 'beta').replace(':id', runInB);

  it('answers 401 on every route that needs a token, without one or with a wrong one, and leaks nothing', async () => {
    const guarded = server.routes.filter((r) => r.auth);
    assert.ok(guarded.length >= 8, `routes found: ${guarded.map((r) => r.url).join(', ')}`);
    for (const route of guarded) {
      for (const token of [undefined, 'wrong-token']) {
        const response = await call(route.method, concrete(route.url), { ...(token ? { token } : {}), ...(route.method === 'POST' ? { body: {} } : {}) });
        assert.equal(response.status, 401, `${route.method} ${route.url} with ${token ?? 'no token'}`);
        assert.equal(response.headers.get('www-authenticate'), 'Bearer');
        const text = await response.text();
        assert.doesNotMatch(text, /token-0123456789|beta|alpha|at .*\.ts/);
      }
    }
  });

  it('answers 403 for a listing of a namespace the token may not act in, and 404 for a resource there', async () => {
    const namespaced = server.routes.filter((r) => r.namespaced);
    assert.ok(namespaced.length >= 6);
    for (const route of namespaced) {
      // Listings say which namespace with ?namespace=; other routes by the resource they name,
      // which a token of another namespace is told does not exist (see namespace-isolation.test.ts).
      const named = route.url.includes(':');
      const url = named ? concrete(route.url) : `${route.url}?namespace=team-b`;
      const response = await call(route.method, url, { token: TEAM_A, ...(route.method === 'POST' ? { body: {} } : {}) });
      assert.equal(response.status, named ? 404 : 403, `${route.method} ${url}`);
    }
  });

  it('lets a scoped token see and start only its own namespace', async () => {
    const list = (await (await call('GET', '/api/v1/workflows', { token: TEAM_A })).json()) as { workflows: Array<{ name: string }> };
    assert.deepEqual(list.workflows.map((w) => w.name), ['alpha']);
    const started = await call('POST', '/api/v1/workflows/alpha/runs', { token: TEAM_A, body: { params: { who: 'a' } } });
    assert.equal(started.status, 201);
    const runs = (await (await call('GET', '/api/v1/runs', { token: TEAM_A })).json()) as { runs: Array<{ workflow: string }> };
    assert.ok(runs.runs.length >= 1 && runs.runs.every((r) => r.workflow === 'alpha'));
  });

  it('answers a bad body with 400 naming the field, never 500', async () => {
    const cases: Array<[unknown, RegExp, RegExp]> = [
      [{ params: 5 }, /\/body\/params/, /object/],
      [{ parms: {} }, /\/body\/parms/, /unknown field "parms"/],
      [{ params: { nobody: 1 } }, /.*/, /nobody/],
      [{ params: { who: 5 } }, /.*/, /who/],
    ];
    for (const [body, field, message] of cases) {
      const response = await call('POST', '/api/v1/workflows/alpha/runs', { token: ADMIN, body });
      assert.equal(response.status, 400, JSON.stringify(body));
      const answer = (await response.json()) as { field?: string; message: string };
      assert.match(answer.field ?? '', field);
      assert.match(answer.message, message);
    }
    const garbage = await fetch(`${base}/api/v1/workflows/alpha/runs`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: '{"params": ' });
    assert.equal(garbage.status, 400);
  });

  it('returns the same run for repeats with one Idempotency-Key', async () => {
    const first = await call('POST', '/api/v1/workflows/alpha/runs', { token: ADMIN, body: {}, headers: { 'idempotency-key': 'order-42' } });
    const second = await call('POST', '/api/v1/workflows/alpha/runs', { token: ADMIN, body: {}, headers: { 'idempotency-key': 'order-42' } });
    const a = (await first.json()) as { runId: string; duplicate: boolean };
    const b = (await second.json()) as { runId: string; duplicate: boolean };
    assert.equal(first.status, 201);
    assert.equal(second.status, 200);
    assert.equal(a.runId, b.runId);
    assert.deepEqual([a.duplicate, b.duplicate], [false, true]);
    const run = (await (await call('GET', `/api/v1/runs/${a.runId}`, { token: ADMIN })).json()) as { run: { origin: { kind: string; detail: { eventIds: string[] } } } };
    assert.equal(run.run.origin.kind, 'api');
    // The API call is an event like any other: persisted, and tied to the run it started.
    const eventId = run.run.origin.detail.eventIds[0]!;
    assert.equal((await h.store.getEvent(eventId))?.sourceName, 'api');
    assert.deepEqual(await h.store.listRunsForEvent(eventId), [a.runId]);
  });

  it('answers the same Idempotency-Key with another request 422 naming the key, and with the same one its run', async () => {
    const first = await call('POST', '/api/v1/workflows/alpha/runs', { token: ADMIN, body: { params: { who: 'x' }, experiment: 'e1' }, headers: { 'idempotency-key': 'order-43' } });
    assert.equal(first.status, 201);
    const { runId } = (await first.json()) as { runId: string };
    for (const body of [{ params: { who: 'y' }, experiment: 'e1' }, { params: { who: 'x' } }, { params: { who: 'x' }, experiment: 'e2' }, { params: { who: 'x' }, experiment: 'e1', lane: 'argo' }]) {
      const reused = await call('POST', '/api/v1/workflows/alpha/runs', { token: ADMIN, body, headers: { 'idempotency-key': 'order-43' } });
      assert.equal(reused.status, 422, JSON.stringify(body));
      const answer = (await reused.json()) as { error: string; message: string; field: string };
      assert.equal(answer.error, 'unprocessable entity');
      assert.equal(answer.field, '/headers/idempotency-key');
      assert.match(answer.message, /Idempotency-Key "order-43" was already used for a run of alpha with different params/);
    }
    const same = await call('POST', '/api/v1/workflows/alpha/runs', { token: ADMIN, body: { experiment: 'e1', params: { who: 'x' } }, headers: { 'idempotency-key': 'order-43' } });
    assert.equal(same.status, 200);
    assert.deepEqual(((await same.json()) as { runId: string; duplicate: boolean }).runId, runId);
  });

  it('answers a cancel of a finished run 409, and the logs of a task the run does not have 404', async () => {
    const cancel = await call('POST', `/api/v1/runs/${runInB}/cancel`, { token: ADMIN });
    assert.equal(cancel.status, 409);
    assert.deepEqual(await cancel.json(), { error: 'conflict', message: `run ${runInB} already finished (Succeeded); nothing to cancel` });
    assert.equal((await h.store.getRun(runInB))?.status, 'Succeeded');
    const logs = await call('GET', `/api/v1/runs/${runInB}/logs?task=nope`, { token: ADMIN });
    assert.equal(logs.status, 404);
    assert.deepEqual(await logs.json(), { error: 'not found', message: 'task "nope" not found' });
    const known = await call('GET', `/api/v1/runs/${runInB}/logs?task=say`, { token: ADMIN });
    assert.equal(known.status, 200);
    assert.match(await known.text(), /hi world/);
  });

  it("labels every error with its status's reason phrase and names the field in plain words", async () => {
    const unsupported = await fetch(`${base}/api/v1/workflows/alpha/runs`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'text/plain' }, body: 'hi' });
    assert.equal(unsupported.status, 415);
    assert.equal(((await unsupported.json()) as { error: string }).error, 'unsupported media type');
    const status = await call('GET', '/api/v1/runs?status=bogus', { token: ADMIN });
    assert.deepEqual(await status.json(), {
      error: 'bad request',
      field: '/querystring/status/0',
      message: 'status must be one of Pending, Running, Succeeded, Failed, Error, Cancelled, Lost (got "bogus")',
    });
    const limit = await call('GET', '/api/v1/runs?limit=1e309', { token: ADMIN });
    assert.deepEqual(await limit.json(), { error: 'bad request', field: '/querystring/limit', message: 'limit must be at most 500 (got "1e309")' });
    const missing = await call('GET', '/api/v1/nowhere', { token: ADMIN });
    assert.equal(((await missing.json()) as { error: string }).error, 'not found');
  });

  it('serves health without a token, and an OpenAPI document listing every route', async () => {
    assert.equal((await call('GET', '/healthz')).status, 200);
    assert.equal((await call('GET', '/readyz')).status, 200);
    const doc = (await (await call('GET', '/api/v1/openapi.json', { token: ADMIN })).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    assert.equal(doc.openapi, '3.0.3');
    for (const route of server.routes) {
      const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
      assert.ok(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path} is documented`);
    }
    const metrics = await call('GET', '/metrics', { token: ADMIN });
    assert.match(await metrics.text(), /tandem_events_received_total/);
  });
});
