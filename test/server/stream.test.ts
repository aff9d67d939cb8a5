// GET /api/v1/stream read by a real HTTP client (fetch's body reader): event arrivals and run
// status changes as server-sent events, filtered by the token's namespaces; heartbeats; the
// stream ends when the client goes away (the hub stops polling) and when the server stops.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ApiRunStarter } from '../../src/events/api-runs.js';
import type { IncomingEvent } from '../../src/events/model.js';
import { EventPipeline } from '../../src/events/pipeline.js';
import { WorkflowCatalog } from '../../src/project/catalog.js';
import { buildApiServer } from '../../src/server/api.js';
import { createServer, type TandemServer } from '../../src/server/app.js';
import { TokenAuth } from '../../src/server/auth.js';
import { ServerMetrics } from '../../src/server/metrics.js';
import { NamespaceRules } from '../../src/server/namespace-rules.js';
import { registerStreamRoutes } from '../../src/server/routes/stream.js';
import { StreamHub } from '../../src/server/stream-hub.js';
import { makeHarness, type Harness } from '../engines/harness.js';

const ADMIN = 'admin-token-0123456789';
const TEAM_A = 'team-a-token-0123456789';

interface SseMessage {
  event: string;
  data: Record<string, unknown>;
}

/** Reads server-sent events from a fetch response; comments are kept as `{ event: ':', data: { text } }`. */
class SseReader {
  private buffer = '';
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  readonly seen: SseMessage[] = [];
  ended = false;

  constructor(response: Response) {
    assert.ok(response.body);
    this.reader = response.body.getReader();
  }

  /** Reads until a message satisfies `match` (checking those already read first), or fails after timeoutMs. */
  async until(match: (message: SseMessage) => boolean, timeoutMs = 60_000): Promise<SseMessage> {
    const deadline = Date.now() + timeoutMs;
    let checked = 0;
    for (;;) {
      for (; checked < this.seen.length; checked++) if (match(this.seen[checked]!)) return this.seen[checked]!;
      if (this.ended) throw new Error(`stream ended; seen ${JSON.stringify(this.seen)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; seen ${JSON.stringify(this.seen)}`);
      await this.readSome(left);
    }
  }

  async readSome(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const result = await Promise.race([this.reader.read(), timeout]);
    clearTimeout(timer);
    if (result === 'timeout') return;
    if (result.done) {
      this.ended = true;
      return;
    }
    this.buffer += this.decoder.decode(result.value, { stream: true });
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.seen.push({ event: ':', data: { text: line.slice(1).trim() } });
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
        else if (line.startsWith('retry: ')) this.seen.push({ event: 'retry', data: { ms: Number(line.slice(7)) } });
      }
      if (data) this.seen.push({ event, data: JSON.parse(data) as Record<string, unknown> });
    }
  }

  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }
}

const echo = (name: string, namespace: string) => ({
  spec: { name, params: { what: { type: 'string' as const, default: '-' } }, tasks: [{ name: 'say', process: { command: '/bin/echo', args: ['{{ params.what }}'] } }] },
  namespace,
  baseDir: process.cwd(),
});

let seq = 0;
const hookEvent = (message: string): IncomingEvent => ({
  sourceName: 'hooks',
  id: `d-${seq++}`,
  source: '/events/hooks',
  type: 'dev.tandem.webhook',
  time: new Date().toISOString(),
  datacontenttype: 'application/json',
  data: { message },
});

describe('live stream (server-sent events)', () => {
  let h: Harness;
  let server: TandemServer;
  let base: string;
  let pipeline: EventPipeline;
  const readers: SseReader[] = [];
  const catalog = new WorkflowCatalog([echo('alpha', 'team-a'), echo('beta', 'team-b')]);
  const auth = new TokenAuth([
    { name: 'admin', token: ADMIN, namespaces: ['*'] },
    { name: 'team-a', token: TEAM_A, namespaces: ['team-a'] },
  ]);

  const open = async (token: string | undefined, query = '', url = base) => {
    const response = await fetch(`${url}/api/v1/stream${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (response.status !== 200) return { response, reader: undefined };
    const reader = new SseReader(response);
    readers.push(reader);
    await reader.until((m) => m.event === ':' && m.data.text === 'connected');
    return { response, reader };
  };

  const startRun = async (workflow: string, what: string) => {
    const response = await fetch(`${base}/api/v1/workflows/${workflow}/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ params: { what } }),
    });
    return ((await response.json()) as { runId: string }).runId;
  };

  before(async () => {
    h = await makeHarness();
    pipeline = new EventPipeline({
      store: h.store,
      engine: h.engine,
      catalog,
      sensors: [
        {
          name: 'on-hook',
          dependencies: [{ name: 'hook', eventSource: 'hooks' }],
          triggers: [{ name: 'note', workflow: 'beta', params: [{ name: 'what', src: { dependencyName: 'hook', dataKey: 'message' } }] }],
        },
      ],
    });
    server = buildApiServer({
      auth,
      context: { store: h.store, engine: h.engine, catalog, runs: new ApiRunStarter(h.store, h.engine, catalog), pipeline },
      health: { ready: () => true, sources: () => [] },
      metrics: new ServerMetrics(),
      stream: { pollMs: 50, heartbeatMs: 300 },
    });
    base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    for (const reader of readers) await reader.cancel();
    await server.app.close();
    await h.close();
  });

  it('delivers an `event` for each received event and `run` messages for the runs it starts', async () => {
    const { response, reader } = await open(ADMIN);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(response.headers.get('cache-control'), 'no-cache, no-transform');
    assert.ok(reader);
    assert.deepEqual(reader.seen[0], { event: 'retry', data: { ms: 3000 } });

    const result = await pipeline.receive(hookEvent('streamed'));
    const runId = result.runIds[0]!;
    const event = await reader.until((m) => m.event === 'event' && m.data.eventId === result.eventId);
    assert.deepEqual(event.data.runIds, [runId]);
    assert.equal(event.data.sourceName, 'hooks');
    assert.equal(event.data.type, 'dev.tandem.webhook');
    assert.equal(event.data.status, 'dispatched');
    const done = await reader.until((m) => m.event === 'run' && m.data.id === runId && m.data.status === 'Succeeded');
    assert.equal(done.data.workflow, 'beta');
    assert.equal(done.data.namespace, 'team-b');
    assert.equal(done.data.origin, 'event');
    await reader.until((m) => m.event === ':' && m.data.text === 'heartbeat');
  });

  it("shows a scoped token only its namespaces' runs and API calls", async () => {
    const { reader } = await open(TEAM_A);
    const { reader: admin } = await open(ADMIN);
    assert.ok(reader && admin);
    const result = await pipeline.receive(hookEvent('hidden run'));
    const betaRun = await startRun('beta', 'hidden');
    const alphaRun = await startRun('alpha', 'shown');
    // The event feeds only team-b's sensor: it is team-b's, and the admin sees it with its run.
    const shown = await admin.until((m) => m.event === 'event' && m.data.eventId === result.eventId);
    assert.deepEqual(shown.data.runIds, result.runIds);
    assert.equal(shown.data.namespaces, undefined, 'the namespaces an event belongs to are not sent');
    await reader.until((m) => m.event === 'run' && m.data.id === alphaRun && m.data.status === 'Succeeded');
    await admin.until((m) => m.event === 'run' && m.data.id === betaRun && m.data.status === 'Succeeded');
    await admin.until((m) => m.event === 'run' && m.data.id === alphaRun && m.data.status === 'Succeeded');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await reader.readSome(100);
    assert.ok(!reader.seen.some((m) => m.event === 'event' && m.data.eventId === result.eventId), 'a team-b event is not sent to a team-a token');
    const runs = reader.seen.filter((m) => m.event === 'run').map((m) => m.data.namespace);
    assert.ok(runs.length > 0 && runs.every((ns) => ns === 'team-a'), JSON.stringify(reader.seen));
    const apiEvents = reader.seen.filter((m) => m.event === 'event' && m.data.sourceName === 'api');
    assert.ok(apiEvents.length >= 1 && apiEvents.every((m) => (m.data.runIds as string[]).includes(alphaRun)), JSON.stringify(apiEvents));
    assert.ok(admin.seen.some((m) => m.event === 'event' && m.data.sourceName === 'api' && (m.data.runIds as string[]).includes(betaRun)));
  });

  it('needs a token, and a namespace the token may act in', async () => {
    assert.equal((await open(undefined)).response.status, 401);
    assert.equal((await open(TEAM_A, '?namespace=team-b')).response.status, 403);
    const { reader } = await open(ADMIN, '?namespace=team-a');
    assert.ok(reader);
    const betaRun = await startRun('beta', 'filtered out');
    const alphaRun = await startRun('alpha', 'kept');
    await reader.until((m) => m.event === 'run' && m.data.id === alphaRun && m.data.status === 'Succeeded');
    await h.engine.wait(betaRun);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await reader.readSome(100);
    assert.ok(!reader.seen.some((m) => m.event === 'run' && m.data.id === betaRun));
  });

  it('stops polling when the last client goes away, and ends streams when the server stops', async () => {
    const own = createServer({ auth });
    const hub = new StreamHub(h.store, new NamespaceRules(catalog, () => []), { pollMs: 20 });
    registerStreamRoutes(own.app, hub, { heartbeatMs: 1000 });
    const url = await own.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const first = await open(ADMIN, '', url);
      assert.equal(hub.listeners, 1);
      await first.reader!.cancel();
      const deadline = Date.now() + 60_000;
      while (hub.listeners > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(hub.listeners, 0, 'a client that went away is unsubscribed');

      const second = await open(ADMIN, '', url);
      const third = await open(ADMIN, '', url);
      assert.equal(hub.listeners, 2);
      const closing = own.app.close();
      for (const reader of [second.reader!, third.reader!]) {
        while (!reader.ended) await reader.readSome(1000);
      }
      await closing;
      assert.equal(hub.listeners, 0);
    } finally {
      await own.app.close();
    }
  });
});
