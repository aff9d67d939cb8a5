// The events, sensors and dead-letter routes over a real socket, with a real pipeline, store and
// engine: listing and paging, an event tied to the runs it started, replay as a new delivery that
// starts a new run, the namespace rules (an event belongs to the namespaces of the sensors
// listening to its source, a sensor to those of its triggers), and a server without a pipeline.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { IncomingEvent } from '../../src/events/model.js';
import { EventPipeline } from '../../src/events/pipeline.js';
import type { SensorSpec } from '../../src/events/sensors/schema.js';
import { WorkflowCatalog } from '../../src/project/catalog.js';
import { buildApiServer } from '../../src/server/api.js';
import type { TandemServer } from '../../src/server/app.js';
import { TokenAuth } from '../../src/server/auth.js';
import type { ApiContext } from '../../src/server/context.js';
import { ApiRunStarter } from '../../src/events/api-runs.js';
import { ServerMetrics } from '../../src/server/metrics.js';
import { makeHarness, type Harness } from '../engines/harness.js';

const ADMIN = 'admin-token-0123456789';
const TEAM_A = 'team-a-token-0123456789';
const TEAM_AB = 'team-ab-token-0123456789';

const echo = (name: string, namespace: string) => ({
  spec: { name, params: { what: { type: 'string' as const, default: '-' } }, tasks: [{ name: 'say', process: { command: '/bin/echo', args: ['{{ params.what }}'] } }] },
  namespace,
  baseDir: process.cwd(),
});

const sensors: SensorSpec[] = [
  {
    name: 'on-hook',
    dependencies: [{ name: 'hook', eventSource: 'hooks' }],
    triggers: [{ name: 'note', workflow: 'beta', params: [{ name: 'what', src: { dependencyName: 'hook', dataKey: 'message' } }] }],
  },
  {
    name: 'on-shared',
    dependencies: [{ name: 'hook', eventSource: 'shared' }],
    triggers: [
      { name: 'in-a', workflow: 'alpha', params: [{ name: 'what', src: { dependencyName: 'hook', dataKey: 'message' } }] },
      { name: 'in-b', workflow: 'beta', params: [{ name: 'what', src: { dependencyName: 'hook', dataKey: 'message' } }] },
    ],
  },
];

let seq = 0;
const hookEvent = (data: Record<string, unknown>, overrides: Partial<IncomingEvent> = {}): IncomingEvent => ({
  sourceName: 'hooks',
  id: `delivery-${seq++}`,
  source: '/events/hooks',
  type: 'dev.tandem.webhook',
  time: new Date().toISOString(),
  datacontenttype: 'application/json',
  data,
  ...overrides,
});

interface EventBody {
  eventId: string;
  id: string;
  sourceName: string;
  type: string;
  status: string;
  data?: unknown;
  extensions?: Record<string, string>;
  runIds: string[];
  runs: Array<{ id: string; workflow: string; namespace: string; status: string }>;
}

describe('events, sensors and dead letters API', () => {
  let h: Harness;
  let server: TandemServer;
  let bare: TandemServer;
  let base: string;
  let bareBase: string;
  let pipeline: EventPipeline;
  const catalog = new WorkflowCatalog([echo('alpha', 'team-a'), echo('beta', 'team-b')]);
  const auth = new TokenAuth([
    { name: 'admin', token: ADMIN, namespaces: ['*'] },
    { name: 'team-a', token: TEAM_A, namespaces: ['team-a'] },
    { name: 'team-ab', token: TEAM_AB, namespaces: ['team-a', 'team-b'] },
  ]);

  const call = async (method: string, url: string, token?: string) => {
    const response = await fetch(url, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  before(async () => {
    h = await makeHarness();
    pipeline = new EventPipeline({ store: h.store, engine: h.engine, catalog, sensors });
    const context: ApiContext = { store: h.store, engine: h.engine, catalog, runs: new ApiRunStarter(h.store, h.engine, catalog), pipeline };
    const common = { auth, health: { ready: () => true, sources: () => [] } };
    server = buildApiServer({ ...common, context, metrics: new ServerMetrics() });
    base = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const { pipeline: _pipeline, ...withoutPipeline } = context;
    bare = buildApiServer({ ...common, context: withoutPipeline, metrics: new ServerMetrics() });
    bareBase = await bare.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await server.app.close();
    await bare.app.close();
    await h.close();
  });

  it('lists events newest first with filters and paging, and ties an event to the runs it started', async () => {
    const fired = await pipeline.receive(hookEvent({ message: 'first' }));
    await pipeline.receive(hookEvent({ message: 'second' }, { type: 'dev.tandem.other' }));
    await pipeline.receive(hookEvent({ message: 'third' }, { sourceName: 'elsewhere' }));
    assert.equal(fired.runIds.length, 1);

    const all = await call('GET', `${base}/api/v1/events`, ADMIN);
    assert.equal(all.status, 200);
    const events = all.body.events as EventBody[];
    assert.ok(events.length >= 3);
    assert.equal(events.at(-1)?.eventId, fired.eventId, 'oldest last');
    assert.equal(events[0]?.data, undefined, 'listings leave the payload out');

    const bySource = (await call('GET', `${base}/api/v1/events?source=elsewhere`, ADMIN)).body.events as EventBody[];
    assert.deepEqual(bySource.map((e) => e.sourceName), ['elsewhere']);
    const byType = (await call('GET', `${base}/api/v1/events?type=dev.tandem.other`, ADMIN)).body.events as EventBody[];
    assert.deepEqual(byType.map((e) => e.type), ['dev.tandem.other']);
    const dispatched = (await call('GET', `${base}/api/v1/events?status=dispatched`, ADMIN)).body.events as EventBody[];
    assert.equal(dispatched.length, events.length);

    const page1 = await call('GET', `${base}/api/v1/events?limit=2`, TEAM_AB);
    assert.equal((page1.body.events as EventBody[]).length, 2);
    assert.equal(typeof page1.body.next, 'string');
    const page2 = await call('GET', `${base}/api/v1/events?limit=2&before=${String(page1.body.next)}`, TEAM_AB);
    const ids = [...(page1.body.events as EventBody[]), ...(page2.body.events as EventBody[])].map((e) => e.eventId);
    assert.deepEqual(ids, events.slice(0, ids.length).map((e) => e.eventId));

    const one = await call('GET', `${base}/api/v1/events/${fired.eventId}`, ADMIN);
    assert.equal(one.status, 200);
    const body = one.body as unknown as EventBody;
    assert.deepEqual(body.data, { message: 'first' });
    assert.deepEqual(body.runIds, fired.runIds);
    assert.equal(body.runs[0]?.workflow, 'beta');
    assert.equal(body.runs[0]?.namespace, 'team-b');

    // Only team-b's sensor listens to `hooks`: its events are team-b's, unknown to a team-a token.
    assert.equal((await call('GET', `${base}/api/v1/events/${fired.eventId}`, TEAM_A)).status, 404);
    const listedForA = (await call('GET', `${base}/api/v1/events`, TEAM_A)).body.events as EventBody[];
    assert.deepEqual(listedForA.map((e) => e.sourceName), ['elsewhere'], 'an event no sensor listens to belongs to no namespace');
    // An event of a source both namespaces listen to: each token sees it, with only its own runs.
    const shared = await pipeline.receive(hookEvent({ message: 'both' }, { sourceName: 'shared' }));
    assert.equal(shared.runIds.length, 2);
    const scoped = (await call('GET', `${base}/api/v1/events/${shared.eventId}`, TEAM_A)).body as unknown as EventBody;
    assert.equal(scoped.eventId, shared.eventId);
    assert.deepEqual(scoped.runs.map((r) => r.workflow), ['alpha']);
    assert.equal(scoped.runIds.length, 1);

    assert.equal((await call('GET', `${base}/api/v1/events/ev-nope`, ADMIN)).status, 404);
    assert.equal((await call('GET', `${base}/api/v1/events?status=bogus`, ADMIN)).status, 400);
    assert.equal((await call('GET', `${base}/api/v1/events?limit=0`, ADMIN)).status, 400);
    for (const path of ['/api/v1/events', `/api/v1/events/${fired.eventId}`, '/api/v1/sensors', '/api/v1/dead-letters']) {
      assert.equal((await call('GET', `${base}${path}`)).status, 401, path);
    }
  });

  it('replays an event as a new delivery that starts a new run with the same payload', async () => {
    const original = await pipeline.receive(hookEvent({ message: 'replay me' }));
    const [firstRun] = original.runIds;
    assert.ok(firstRun);
    await h.engine.wait(firstRun);

    const replayed = await call('POST', `${base}/api/v1/events/${original.eventId}/replay`, ADMIN);
    assert.equal(replayed.status, 202);
    const answer = replayed.body as { eventId: string; replayOf: string; duplicate: boolean; runIds: string[] };
    assert.equal(answer.replayOf, original.eventId);
    assert.equal(answer.duplicate, false);
    assert.notEqual(answer.eventId, original.eventId);
    assert.equal(answer.runIds.length, 1);
    assert.notEqual(answer.runIds[0], firstRun);
    const run = await h.engine.wait(answer.runIds[0]!);
    assert.equal(run.status, 'Succeeded');
    assert.deepEqual(run.params, { what: 'replay me' });
    assert.deepEqual(run.origin.detail?.eventIds, [answer.eventId]);

    const stored = (await call('GET', `${base}/api/v1/events/${answer.eventId}`, ADMIN)).body as unknown as EventBody;
    assert.match(stored.id, /^delivery-\d+#replay-\d+$/);
    assert.equal(stored.extensions?.replayof, original.eventId);
    assert.deepEqual(stored.data, { message: 'replay me' });
    // The original still points at its own run only.
    assert.deepEqual(((await call('GET', `${base}/api/v1/events/${original.eventId}`, ADMIN)).body as unknown as EventBody).runIds, [firstRun]);
    // A token allowed in every served namespace may replay too, without `*`.
    assert.equal((await call('POST', `${base}/api/v1/events/${original.eventId}/replay`, TEAM_AB)).status, 202);
  });

  it('refuses a replay to a token that may not act in every served namespace, and 404s an unknown event', async () => {
    const event = await pipeline.receive(hookEvent({ message: 'no' }));
    // team-b's event is unknown to a team-a token; a shared one it may see, but not replay into team-b.
    assert.equal((await call('POST', `${base}/api/v1/events/${event.eventId}/replay`, TEAM_A)).status, 404);
    const shared = await pipeline.receive(hookEvent({ message: 'no' }, { sourceName: 'shared' }));
    const countBefore = (await h.store.listEvents({ limit: 500 })).length;
    const refused = await call('POST', `${base}/api/v1/events/${shared.eventId}/replay`, TEAM_A);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error, 'forbidden');
    assert.match(String(refused.body.message), /team-b/);
    assert.equal((await h.store.listEvents({ limit: 500 })).length, countBefore, 'nothing was replayed');
    assert.equal((await call('POST', `${base}/api/v1/events/${event.eventId}/replay`)).status, 401);
    assert.equal((await call('POST', `${base}/api/v1/events/ev-nope/replay`, ADMIN)).status, 404);
  });

  it("keeps an API call's event in its workflow's namespace, and replays it as a new run with the same params", async () => {
    const started = await fetch(`${base}/api/v1/workflows/beta/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ params: { what: 'secret-ish' } }),
    });
    const { runId } = (await started.json()) as { runId: string };
    const run = await h.engine.wait(runId);
    const eventId = (run.origin.detail?.eventIds as string[])[0]!;

    assert.equal((await call('GET', `${base}/api/v1/events/${eventId}`, TEAM_A)).status, 404);
    const listed = (await call('GET', `${base}/api/v1/events?source=api`, TEAM_A)).body.events as EventBody[];
    assert.ok(!listed.some((e) => e.eventId === eventId), 'a scoped token does not see API calls of other namespaces');
    const own = (await call('GET', `${base}/api/v1/events/${eventId}`, TEAM_AB)).body as unknown as EventBody;
    assert.deepEqual(own.runIds, [runId]);

    assert.equal((await call('POST', `${base}/api/v1/events/${eventId}/replay`, TEAM_A)).status, 404);
    const replayed = await call('POST', `${bareBase}/api/v1/events/${eventId}/replay`, ADMIN);
    assert.equal(replayed.status, 202, 'an API call replays without a pipeline');
    const answer = replayed.body as { eventId: string; runIds: string[] };
    assert.equal(answer.runIds.length, 1);
    assert.notEqual(answer.runIds[0], runId);
    assert.notEqual(answer.eventId, eventId);
    const again = await h.engine.wait(answer.runIds[0]!);
    assert.deepEqual(again.params, { what: 'secret-ish' });
    assert.deepEqual(again.origin.detail?.eventIds, [answer.eventId]);
  });

  it('shows sensor states and dead letters, each to the tokens of its namespaces', async () => {
    const sensorsAnswer = await call('GET', `${base}/api/v1/sensors`, ADMIN);
    assert.equal(sensorsAnswer.status, 200);
    const states = sensorsAnswer.body.sensors as Array<{ name: string; fired: number; dependencies: Record<string, unknown>; lastFire?: { runIds: string[] } }>;
    assert.deepEqual(states.map((s) => s.name), ['on-hook', 'on-shared']);
    assert.ok((states[0]?.fired ?? 0) >= 1);
    assert.ok(states[0]?.dependencies.hook);
    assert.equal(states[0]?.lastFire?.runIds.length, 1);
    // on-hook starts team-b runs, on-shared team-a and team-b runs: a team-a token sees neither.
    assert.deepEqual((await call('GET', `${base}/api/v1/sensors`, TEAM_A)).body, { sensors: [] });
    assert.deepEqual(((await call('GET', `${base}/api/v1/sensors`, TEAM_AB)).body.sensors as Array<{ name: string }>).map((s) => s.name), ['on-hook', 'on-shared']);

    await h.store.recordDeadLetter({ sensor: 'on-hook', trigger: 'note', eventIds: ['ev-1'], error: 'boom', attempts: 3, time: Date.now() });
    await h.store.recordDeadLetter({ sensor: 'on-shared', trigger: 'in-a', eventIds: ['ev-3'], error: 'in a', attempts: 1, time: Date.now() });
    await h.store.recordDeadLetter({ sensor: 'other', trigger: 't', eventIds: ['ev-2'], error: 'bang', attempts: 1, time: Date.now() });
    const letters = (await call('GET', `${base}/api/v1/dead-letters?sensor=on-hook`, ADMIN)).body.deadLetters as Array<{ sensor: string; error: string }>;
    assert.deepEqual(letters.map((l) => [l.sensor, l.error]), [['on-hook', 'boom']]);
    const limited = (await call('GET', `${base}/api/v1/dead-letters?limit=1`, ADMIN)).body.deadLetters as Array<{ sensor: string }>;
    assert.deepEqual(limited.map((l) => l.sensor), ['other']);
    // A letter belongs to its trigger's namespace; one of a sensor the server does not run, to `*` tokens.
    const forA = (await call('GET', `${base}/api/v1/dead-letters`, TEAM_A)).body.deadLetters as Array<{ sensor: string; trigger: string }>;
    assert.deepEqual(forA.map((l) => `${l.sensor}/${l.trigger}`), ['on-shared/in-a']);
    assert.equal((await call('GET', `${base}/api/v1/dead-letters?sensr=x`, ADMIN)).status, 400);
  });

  it('without a pipeline: no sensors, and replay answers 503', async () => {
    const event = await pipeline.receive(hookEvent({ message: 'bare' }));
    assert.deepEqual((await call('GET', `${bareBase}/api/v1/sensors`, ADMIN)).body, { sensors: [] });
    const replay = await call('POST', `${bareBase}/api/v1/events/${event.eventId}/replay`, ADMIN);
    assert.equal(replay.status, 503);
    assert.match(String(replay.body.message), /no event pipeline/);
    assert.equal((await call('GET', `${bareBase}/api/v1/events/${event.eventId}`, ADMIN)).status, 200);
  });
});
