// The tracking routes over a real socket: lineage and comparison answer with the --json shapes,
// need a token, and keep to the token's namespaces.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiRunStarter } from '../../src/events/api-runs.js';
import { WorkflowCatalog } from '../../src/project/catalog.js';
import { buildApiServer } from '../../src/server/api.js';
import type { TandemServer } from '../../src/server/app.js';
import { TokenAuth } from '../../src/server/auth.js';
import { ServerMetrics } from '../../src/server/metrics.js';
import type { Comparison } from '../../src/tracking/compare.js';
import type { LineageGraph } from '../../src/tracking/lineage.js';
import { makeHarness, runToEnd, type Harness } from '../engines/harness.js';
import { pipeline } from './fixtures.js';

const ADMIN = 'admin-token-0123456789';
const TEAM_A = 'team-a-token-0123456789';

void describe('tracking API', () => {
  let h: Harness;
  let server: TandemServer;
  let base: string;
  const runs: string[] = [];
  let other: string;
  let modelDigest: string;

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  before(async () => {
    h = await makeHarness();
    const mine = pipeline({ name: 'mine', experiment: 'sweep' });
    const theirs = pipeline({ name: 'theirs', experiment: 'sweep' });
    const catalog = new WorkflowCatalog([
      { spec: mine, baseDir: process.cwd(), namespace: 'team-a' },
      { spec: theirs, baseDir: process.cwd(), namespace: 'team-b' },
    ]);
    for (const lr of [0.1, 0.2]) runs.push((await runToEnd(h, mine, { lr })).run.id);
    other = (await runToEnd(h, theirs, { lr: 0.19 })).run.id;
    modelDigest = (await h.store.listArtifacts(runs[0]!)).find((a) => a.name === 'model')!.digest;
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
  });
  after(async () => {
    await server.app.close();
    await h.close();
  });

  void it('lists every tracking route as needing a token and answers 401 without one', async () => {
    const tracking = server.routes.filter((r) => r.url.startsWith('/api/v1/lineage') || r.url.includes('compare'));
    assert.equal(tracking.length, 4);
    assert.ok(tracking.every((r) => r.auth && r.namespaced));
    assert.equal((await call('GET', `/api/v1/lineage/runs/${runs[0]}`)).status, 401);
    assert.equal((await call('POST', '/api/v1/compare', undefined, { runIds: runs })).status, 401);
  });

  void it('returns the lineage of an artifact and of a task run', async () => {
    const byDigest = await call('GET', `/api/v1/lineage/artifacts?ref=${modelDigest.slice(0, 12)}&direction=upstream`, TEAM_A);
    assert.equal(byDigest.status, 200, JSON.stringify(byDigest.body));
    const graph = byDigest.body as unknown as LineageGraph;
    assert.deepEqual(graph.tasks.map((t) => t.task).sort(), ['prepare', 'train']);
    const task = await call('GET', `/api/v1/lineage/runs/${runs[0]}?task=evaluate&depth=1`, TEAM_A);
    assert.deepEqual((task.body as unknown as LineageGraph).tasks.map((t) => `${t.side}:${t.task}`).sort(), ['root:evaluate', 'upstream:train']);
    const bad = await call('GET', '/api/v1/lineage/artifacts?ref=zz', TEAM_A);
    assert.equal(bad.status, 404);
  });

  void it("keeps lineage and comparisons to the token's namespaces", async () => {
    // A run of another namespace is unknown to the token, as in every route (test/server/namespace-isolation.test.ts).
    assert.equal((await call('GET', `/api/v1/lineage/runs/${other}`, TEAM_A)).status, 404);
    assert.equal((await call('POST', '/api/v1/compare', TEAM_A, { runIds: [runs[0], other] })).status, 404);
    assert.equal((await call('GET', `/api/v1/lineage/artifacts?ref=${other}/prepare/data`, TEAM_A)).status, 404);
    // The experiments an unknown one's 404 lists are every namespace's: a scoped token is not told them.
    const unknown = await call('GET', '/api/v1/experiments/nothing-here/compare', TEAM_A);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.message, 'experiment "nothing-here" not found');
    // The same content produced in team-b's run is left out for team-a, shown to the admin.
    const dataDigest = (await h.store.listArtifacts(runs[0]!)).find((a) => a.name === 'data')!.digest;
    const scoped = (await call('GET', `/api/v1/lineage/artifacts?ref=${dataDigest}&depth=1`, TEAM_A)).body as unknown as LineageGraph;
    const all = (await call('GET', `/api/v1/lineage/artifacts?ref=${dataDigest}&depth=1`, ADMIN)).body as unknown as LineageGraph;
    assert.ok(scoped.tasks.every((t) => t.runId !== other));
    assert.ok(all.tasks.some((t) => t.runId === other));
    const sweep = (await call('GET', '/api/v1/experiments/sweep/compare', TEAM_A)).body as unknown as Comparison;
    assert.deepEqual(sweep.runs.map((r) => r.id), runs);
  });

  void it('names the artifacts an ambiguous digest prefix matches only to a token of every namespace', async () => {
    // Two digests sharing a prefix, as the store would find them: here one of team-b's is among them.
    const theirs = (await h.store.listArtifacts(other)).find((a) => a.name === 'model')!.digest;
    const store = new Proxy(h.store, {
      get(target, property) {
        if (property === 'findArtifactDigests') return async () => [modelDigest, theirs];
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const catalog = new WorkflowCatalog([
      { spec: pipeline({ name: 'mine', experiment: 'sweep' }), baseDir: process.cwd(), namespace: 'team-a' },
      { spec: pipeline({ name: 'theirs', experiment: 'sweep' }), baseDir: process.cwd(), namespace: 'team-b' },
    ]);
    const ambiguous = buildApiServer({
      auth: new TokenAuth([
        { name: 'admin', token: ADMIN, namespaces: ['*'] },
        { name: 'team-a', token: TEAM_A, namespaces: ['team-a'] },
      ]),
      context: { store, engine: h.engine, catalog, runs: new ApiRunStarter(h.store, h.engine, catalog) },
      health: { ready: () => true, sources: () => [] },
      metrics: new ServerMetrics(),
    });
    const url = await ambiguous.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const ask = async (token: string) => {
        const response = await fetch(`${url}/api/v1/lineage/artifacts?ref=abcdef`, { headers: { authorization: `Bearer ${token}` } });
        return { status: response.status, body: (await response.json()) as { message: string } };
      };
      const scoped = await ask(TEAM_A);
      assert.equal(scoped.status, 400);
      assert.equal(scoped.body.message, 'abcdef matches several artifacts; give more digits');
      const admin = await ask(ADMIN);
      assert.equal(admin.status, 400);
      assert.ok(admin.body.message.includes(theirs.slice(0, 16)), admin.body.message);
    } finally {
      await ambiguous.app.close();
    }
  });

  void it('compares an experiment or given runs with the --json structure, best first with ?best=', async () => {
    const sweep = await call('GET', '/api/v1/experiments/sweep/compare?best=accuracy', ADMIN);
    assert.equal(sweep.status, 200, JSON.stringify(sweep.body));
    const c = sweep.body as unknown as Comparison;
    assert.deepEqual(c.best?.winners, [runs[1]]);
    assert.deepEqual(c.runs.map((r) => r.id), [runs[1], other, runs[0]]);
    assert.deepEqual(c.params.find((p) => p.name === 'lr')?.values, [0.2, 0.19, 0.1]);
    const given = await call('POST', '/api/v1/compare', TEAM_A, { runIds: runs, best: 'loss' });
    assert.deepEqual((given.body as unknown as Comparison).best?.winners, [runs[0]]);
    const missing = await call('GET', '/api/v1/experiments/nothing-here/compare', ADMIN);
    assert.equal(missing.status, 404);
    assert.match(String(missing.body.message), /has no runs; experiments with runs: sweep/);
    assert.equal((await call('POST', '/api/v1/compare', ADMIN, { runIds: [runs[0]] })).status, 400);
    assert.equal((await call('POST', '/api/v1/compare', ADMIN, {})).status, 400);
  });
});
