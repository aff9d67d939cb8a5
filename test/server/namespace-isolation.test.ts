// No answer of the API holds data of a namespace the token may not see. Data is planted in
// namespace team-a — runs (with params, logs, artifacts, an experiment), an API call's event and
// a webhook-style event, a sensor that fired, dead letters, metrics — every string of it holding
// "planta", and the same kinds of data in team-b. Then every route the server registered (the
// list comes from the server, as the 401 test's does, so a new route cannot be forgotten) is
// called with a token scoped to team-b, and the raw body is searched for "planta" and for team-a's
// ids. A route naming a resource is called with team-a's ids and must answer 404, as for an id
// that does not exist: a 403 would confirm that the id exists and which namespace holds it.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ApiRunStarter } from '../../src/events/api-runs.js';
import type { IncomingEvent } from '../../src/events/model.js';
import { EventPipeline } from '../../src/events/pipeline.js';
import type { SensorSpec } from '../../src/events/sensors/schema.js';
import { WorkflowCatalog } from '../../src/project/catalog.js';
import { buildApiServer } from '../../src/server/api.js';
import type { RouteInfo, TandemServer } from '../../src/server/app.js';
import { TokenAuth } from '../../src/server/auth.js';
import { ServerMetrics } from '../../src/server/metrics.js';
import { makeHarness, type Harness } from '../engines/harness.js';
import { pipeline as trackedPipeline } from '../tracking/fixtures.js';

const ADMIN = 'admin-token-0123456789';
const TEAM_B = 'team-b-token-0123456789';
const PLANTED = /planta/i;

const echo = (name: string, namespace: string) => ({
  spec: { name, params: { who: { type: 'string' as const, default: '-' } }, tasks: [{ name: 'say', process: { command: '/bin/echo', args: ['said {{ params.who }}'] } }] },
  namespace,
  baseDir: process.cwd(),
});
const tracked = (name: string, namespace: string, label: string) => ({
  spec: trackedPipeline({ name, experiment: `${name}-exp`, confusion: { labels: [label, 'dog'], confusionMatrix: [[8, 2], [1, 9]] } }),
  namespace,
  baseDir: process.cwd(),
});

const sensors: SensorSpec[] = [
  {
    name: 'planta-sensor',
    dependencies: [{ name: 'hook', eventSource: 'hooks-a' }],
    triggers: [{ name: 'planta-trigger', workflow: 'planta-echo', params: [{ name: 'who', src: { dependencyName: 'hook', dataKey: 'who' } }] }],
  },
  {
    name: 'b-sensor',
    dependencies: [{ name: 'hook', eventSource: 'hooks-b' }],
    triggers: [{ name: 'b-trigger', workflow: 'b-echo', params: [{ name: 'who', src: { dependencyName: 'hook', dataKey: 'who' } }] }],
  },
];

const delivery = (sourceName: string, id: string, data: Record<string, unknown>): IncomingEvent => ({
  sourceName,
  id,
  source: `/events/${sourceName}`,
  type: 'dev.tandem.webhook',
  time: new Date().toISOString(),
  datacontenttype: 'application/json',
  data,
});

/** What team-a holds: every id a team-b token must never be shown. */
interface TeamA {
  workflow: string;
  experiment: string;
  runIds: string[];
  eventIds: string[];
  digests: string[];
}

describe('namespace isolation of every API answer', () => {
  let h: Harness;
  let server: TandemServer;
  let base: string;
  let events: EventPipeline;
  const metrics = new ServerMetrics();
  const a: TeamA = { workflow: 'planta-echo', experiment: 'planta-pipe-exp', runIds: [], eventIds: [], digests: [] };
  const b = { runIds: [] as string[], eventIds: [] as string[] };
  const catalog = new WorkflowCatalog([echo('planta-echo', 'team-a'), tracked('planta-pipe', 'team-a', 'planta-cat'), echo('b-echo', 'team-b'), tracked('b-pipe', 'team-b', 'cat')]);

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, text: await response.text() };
  };
  const start = async (workflow: string, body: Record<string, unknown>, key?: string) => {
    const response = await fetch(`${base}/api/v1/workflows/${workflow}/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 201, await response.clone().text());
    const { runId } = (await response.json()) as { runId: string };
    const run = await h.engine.wait(runId);
    assert.equal(run.status, 'Succeeded', `${workflow}: ${run.message ?? ''}`);
    return run;
  };

  /** Team-a's strings in `text` that the request did not carry itself (a 404 may echo the id asked for). */
  const leaks = (text: string, request: string): string[] => {
    const found = [...a.runIds, ...a.eventIds, ...a.digests, a.workflow, a.experiment].filter((s) => text.includes(s) && !request.includes(s));
    const planted = text.replaceAll(/planta[\w.:-]*/gi, (match) => (request.toLowerCase().includes(match.toLowerCase()) ? '' : match)).match(PLANTED);
    return planted ? [...found, `"${planted[0]}"`] : found;
  };

  before(async () => {
    h = await makeHarness();
    events = new EventPipeline({ store: h.store, engine: h.engine, catalog, sensors });
    server = buildApiServer({
      auth: new TokenAuth([
        { name: 'admin', token: ADMIN, namespaces: ['*'] },
        { name: 'team-b', token: TEAM_B, namespaces: ['team-b'] },
      ]),
      context: { store: h.store, engine: h.engine, catalog, runs: new ApiRunStarter(h.store, h.engine, catalog), pipeline: events },
      health: { ready: () => true, sources: () => [] },
      metrics,
    });
    base = await server.app.listen({ host: '127.0.0.1', port: 0 });

    for (const [team, ids] of [['planta', a], ['b', b]] as const) {
      const api = await start(`${team}-echo`, { params: { who: `${team}-param` } }, `${team}-key`);
      ids.runIds.push(api.id);
      ids.eventIds.push((api.origin.detail?.eventIds as string[])[0]!);
      const hooked = await events.receive(delivery(`hooks-${team === 'planta' ? 'a' : 'b'}`, `${team}-delivery`, { who: `${team}-from-hook` }));
      ids.eventIds.push(hooked.eventId);
      ids.runIds.push(...hooked.runIds);
      for (const runId of hooked.runIds) await h.engine.wait(runId);
      for (const rows of [3, 4]) {
        const run = await start(`${team}-pipe`, { params: { rows: team === 'planta' ? rows + 10 : rows } });
        ids.runIds.push(run.id);
        if (team === 'planta') a.digests.push(...(await h.store.listArtifacts(run.id)).map((artifact) => artifact.digest));
      }
      await h.store.recordDeadLetter({ sensor: `${team}-sensor`, trigger: `${team}-trigger`, eventIds: [hooked.eventId], error: `${team}-failed`, attempts: 2, time: Date.now(), params: { who: `${team}-dead` } });
      metrics.runsStarted.inc({ workflow: `${team}-echo`, origin: 'api' });
    }
    assert.equal(a.runIds.length, 4);
    assert.ok(a.digests.length >= 3);
  });
  after(async () => {
    await server.app.close();
    await h.close();
  });

  /** Team-a's values for a route's path params; a route with params this does not know fails the test. */
  const teamAPaths = (route: RouteInfo): string[] => {
    if (!route.url.includes(':')) return [route.url];
    if (route.url.startsWith('/api/v1/workflows/:name')) return [route.url.replace(':name', a.workflow), route.url.replace(':name', 'planta-pipe')];
    if (route.url.startsWith('/api/v1/experiments/:name')) return [route.url.replace(':name', a.experiment)];
    if (route.url.startsWith('/api/v1/runs/:id') || route.url.startsWith('/api/v1/lineage/runs/:id')) return a.runIds.map((id) => route.url.replace(':id', id));
    if (route.url.startsWith('/api/v1/events/:id')) return a.eventIds.map((id) => route.url.replace(':id', id));
    assert.fail(`${route.method} ${route.url}: this test does not know which of team-a's ids to call it with; add them`);
  };

  /** Requests beyond the bare route that reach team-a's data through a query or a body. */
  const extraRequests = (route: RouteInfo): Array<{ path: string; body?: unknown }> => {
    if (route.url === '/api/v1/lineage/artifacts') return [...a.runIds.map((id) => ({ path: `${route.url}?ref=${id}` })), ...a.digests.map((d) => ({ path: `${route.url}?ref=${d.slice(0, 12)}` }))];
    if (route.url === '/api/v1/compare') return [{ path: route.url, body: { runIds: [a.runIds[2], b.runIds[2]] } }, { path: route.url, body: { experiment: a.experiment } }];
    if (route.url === '/api/v1/runs') return [{ path: `${route.url}?workflow=${a.workflow}` }, { path: `${route.url}?limit=1` }];
    if (route.url === '/api/v1/events') return [{ path: `${route.url}?source=hooks-a` }, { path: `${route.url}?source=api&limit=1` }];
    if (route.url === '/api/v1/dead-letters') return [{ path: `${route.url}?sensor=planta-sensor` }];
    return [];
  };

  it('answers a team-b token on every route with nothing of team-a, and 404 for team-a ids', async () => {
    const routes = server.routes.filter((route) => route.url !== '/api/v1/stream');
    assert.ok(routes.length >= 18, `routes found: ${routes.map((r) => `${r.method} ${r.url}`).join(', ')}`);
    let calls = 0;
    for (const route of routes) {
      const named = route.url.includes(':');
      const requests = [...teamAPaths(route).map((path) => ({ path, body: route.method === 'POST' ? {} : undefined })), ...extraRequests(route)];
      for (const request of requests) {
        const answer = await call(route.method, request.path, TEAM_B, request.body);
        calls++;
        const what = `${route.method} ${request.path}${request.body !== undefined ? ` ${JSON.stringify(request.body)}` : ''} → ${answer.status} ${answer.text.slice(0, 300)}`;
        assert.ok(answer.status < 500, what);
        assert.deepEqual(leaks(answer.text, `${request.path} ${JSON.stringify(request.body ?? '')}`), [], what);
        if (named) assert.equal(answer.status, 404, `a team-a resource is unknown to a team-b token: ${what}`);
      }
    }
    assert.ok(calls >= 40, `only ${calls} calls`);
  });

  it("shows the team-b token its own data on the same routes (the filter is not just 'nothing')", async () => {
    const runs = await call('GET', '/api/v1/runs', TEAM_B);
    for (const id of b.runIds) assert.ok(runs.text.includes(id), `run ${id} listed: ${runs.text.slice(0, 300)}`);
    const listed = await call('GET', '/api/v1/events', TEAM_B);
    for (const id of b.eventIds) assert.ok(listed.text.includes(id), `event ${id} listed`);
    assert.equal((await call('GET', `/api/v1/events/${b.eventIds[1]}`, TEAM_B)).status, 200);
    assert.match((await call('GET', '/api/v1/sensors', TEAM_B)).text, /"name":"b-sensor"/);
    assert.match((await call('GET', '/api/v1/dead-letters', TEAM_B)).text, /b-failed/);
    assert.match((await call('GET', `/api/v1/runs/${b.runIds[0]}/logs`, TEAM_B)).text, /said b-param/);
    assert.equal((await call('GET', '/api/v1/experiments/b-pipe-exp/compare', TEAM_B)).status, 200);
    // The admin sees team-a's, so what team-b was not shown exists.
    assert.match((await call('GET', '/api/v1/sensors', ADMIN)).text, /planta-sensor/);
    assert.match((await call('GET', '/api/v1/dead-letters', ADMIN)).text, /planta-failed/);
    assert.match((await call('GET', `/api/v1/runs/${a.runIds[0]}/logs`, ADMIN)).text, /said planta-param/);
    assert.match((await call('GET', '/metrics', ADMIN)).text, /planta-echo/);
    assert.equal((await call('GET', '/metrics', TEAM_B)).status, 403, 'the metrics name every namespace: a token of one may not read them');
  });

  it('pages a scoped listing without handing out the id of a run it does not show', async () => {
    // Newest first: team-b's runs are the newest, so a page of one ends on a team-b run.
    let path = '/api/v1/runs?limit=1';
    const seen: string[] = [];
    for (let page = 0; page < 20; page++) {
      const answer = JSON.parse((await call('GET', path, TEAM_B)).text) as { runs: Array<{ id: string }>; next?: string };
      seen.push(...answer.runs.map((run) => run.id));
      if (answer.next === undefined) break;
      assert.ok(!a.runIds.includes(answer.next), `next is team-a's run ${answer.next}`);
      path = `/api/v1/runs?limit=1&before=${answer.next}`;
    }
    assert.deepEqual([...seen].sort(), [...b.runIds].sort());
  });

  it('streams to a team-b token nothing of what team-a does meanwhile', async () => {
    const open = async (token: string) => {
      const response = await fetch(`${base}/api/v1/stream`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200);
      const reader = response.body!.getReader();
      const stream = { text: '', reader };
      const decoder = new TextDecoder();
      const until = async (match: (text: string) => boolean) => {
        while (!match(stream.text)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`stream ended: ${stream.text}`);
          stream.text += decoder.decode(value, { stream: true });
        }
      };
      await until((text) => text.includes(': connected'));
      return { stream, until };
    };
    const admin = await open(ADMIN);
    const scoped = await open(TEAM_B);
    try {
      // team-a's activity first, seen through to the end by the admin's stream...
      const hooked = await events.receive(delivery('hooks-a', 'planta-delivery-2', { who: 'planta-streamed' }));
      const aRun = await start('planta-echo', { params: { who: 'planta-streamed-api' } });
      await admin.until((text) => text.includes(hooked.eventId) && new RegExp(`"id":"${aRun.id}"[^\\n]*"status":"Succeeded"`).test(text));
      // ...then team-b's: messages come in order, so team-b's stream has passed team-a's by the time it shows its own.
      const bRun = await start('b-echo', { params: { who: 'b-streamed' } });
      await scoped.until((text) => new RegExp(`"id":"${bRun.id}"[^\\n]*"status":"Succeeded"`).test(text));
      assert.deepEqual(leaks(scoped.stream.text, ''), [], scoped.stream.text);
      assert.ok(!scoped.stream.text.includes(hooked.eventId) && !scoped.stream.text.includes(aRun.id));
    } finally {
      await admin.stream.reader.cancel();
      await scoped.stream.reader.cancel();
    }
  });
});
