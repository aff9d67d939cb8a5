// tandem events, in process: list and show from a real store, replay through a real server, post
// a signed webhook to a real webhook source, publish to a real NATS server. Help and exit codes.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decode } from '@msgpack/msgpack';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { main } from '../../src/cli/main.js';
import { defaultServices } from '../../src/cli/runtime.js';
import { ApiRunStarter } from '../../src/events/api-runs.js';
import type { IncomingEvent } from '../../src/events/model.js';
import { EventPipeline } from '../../src/events/pipeline.js';
import { WebhookEventSource } from '../../src/events/sources/webhook/source.js';
import { WorkflowCatalog } from '../../src/project/catalog.js';
import { buildApiServer } from '../../src/server/api.js';
import type { TandemServer } from '../../src/server/app.js';
import { TokenAuth } from '../../src/server/auth.js';
import { ServerMetrics } from '../../src/server/metrics.js';
import { makeHarness, type Harness } from '../engines/harness.js';
import { deleteStreams, natsConnection, natsUrl, requireNats, uniquePrefix } from '../helpers/services.js';
import { captureIo } from '../helpers/cli-io.js';

const TOKEN = 'cli-events-token-0123456789';
const HOOK_SECRET = 'cli-events-hook-secret';

const capture = captureIo;

/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

let seq = 0;
const hookEvent = (message: string, overrides: Partial<IncomingEvent> = {}): IncomingEvent => ({
  sourceName: 'hooks',
  id: `cli-${seq++}`,
  source: '/events/hooks',
  type: 'dev.tandem.webhook',
  time: new Date().toISOString(),
  datacontenttype: 'application/json',
  data: { message },
  ...overrides,
});

describe('tandem events', () => {
  let h: Harness;
  let server: TandemServer;
  let base: string;
  let pipeline: EventPipeline;
  const cwd = mkdtempSync(join(tmpdir(), 'tandem-cli-events-'));
  const catalog = new WorkflowCatalog([
    {
      spec: { name: 'note', params: { what: { type: 'string' as const, default: '-' } }, tasks: [{ name: 'say', process: { command: '/bin/echo', args: ['{{ params.what }}'] } }] },
      namespace: 'default',
      baseDir: process.cwd(),
    },
  ]);
  const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const c = capture(cwd, env);
    const code = await main(['--home', h.home, ...argv], { io: c.io, services: defaultServices });
    return { code, out: c.out(), err: c.err() };
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
          triggers: [{ name: 'note', workflow: 'note', params: [{ name: 'what', src: { dependencyName: 'hook', dataKey: 'message' } }] }],
        },
      ],
    });
    server = buildApiServer({
      auth: new TokenAuth([{ name: 'admin', token: TOKEN, namespaces: ['*'] }]),
      context: { store: h.store, engine: h.engine, catalog, runs: new ApiRunStarter(h.store, h.engine, catalog), pipeline },
      health: { ready: () => true, sources: () => [] },
      metrics: new ServerMetrics(),
    });
    const hooks = new WebhookEventSource('hooks', { hmac: { secret: { env: 'HOOK_SECRET' }, prefix: 'sha256=' } }, { env: { HOOK_SECRET } });
    hooks.mountRoutes(server.app);
    base = await server.app.listen({ host: '127.0.0.1', port: 0 });
    await hooks.start(pipeline);
  });
  after(async () => {
    await server.app.close();
    await h.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('shows help with examples for every subcommand', async () => {
    for (const sub of ['list', 'show', 'replay', 'publish', 'post']) {
      const result = await run(['events', sub, '--help']);
      assert.equal(result.code, 0, sub);
      assert.match(result.out, /Examples:\n {2}\$ /, sub);
    }
    const bare = await run(['events']);
    assert.equal(bare.code, 2);
    assert.match(bare.err, /tandem events \[options\] \[command\]/);
    for (const argv of [['events', 'frob'], ['events', 'list', '--status', 'nope'], ['events', 'list', '--limit', '0'], ['events', 'publish'], ['events', 'post', '--data', '{}']]) {
      assert.equal((await run(argv)).code, 2, argv.join(' '));
    }
  });

  it('lists events newest first and shows one with the runs it started', async () => {
    const first = await pipeline.receive(hookEvent('listed'));
    await pipeline.receive(hookEvent('other', { sourceName: 'elsewhere', type: 'dev.tandem.other' }));
    await h.engine.wait(first.runIds[0]!);

    const table = await run(['events', 'list']);
    assert.equal(table.code, 0, table.err);
    const lines = table.out.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^EVENT\s+SOURCE\s+TYPE\s+STATUS\s+RECEIVED\s+RUNS$/);
    assert.match(lines[1] ?? '', /elsewhere\s+dev\.tandem\.other\s+dispatched\s+.*\s0$/);
    assert.ok(lines.some((line) => line.startsWith(first.eventId) && / 1$/.test(line)));

    const json = await run(['events', 'list', '--source', 'hooks', '--limit', '1', '--json']);
    const listed = JSON.parse(json.out) as Array<{ eventId: string; sourceName: string; runIds: string[]; data?: unknown }>;
    assert.equal(listed.length, 1);
    assert.equal(listed[0]?.sourceName, 'hooks');
    assert.equal(listed[0]?.data, undefined);
    assert.equal((await run(['events', 'list', '--type', 'nothing.of.the.kind'])).out, 'no events\n');

    const shown = await run(['events', 'show', first.eventId, '--json']);
    assert.equal(shown.code, 0, shown.err);
    const event = JSON.parse(shown.out) as { eventId: string; data: unknown; runIds: string[]; runs: Array<{ workflow: string; status: string }> };
    assert.deepEqual(event.data, { message: 'listed' });
    assert.deepEqual(event.runIds, first.runIds);
    assert.deepEqual(event.runs.map((r) => [r.workflow, r.status]), [['note', 'Succeeded']]);
    const text = await run(['events', 'show', first.eventId]);
    assert.match(text.out, /^event {5}ev/m);
    assert.match(text.out, /^source {4}hooks \(\/events\/hooks\)$/m);
    assert.match(text.out, /^data \(application\/json\):\n {2}\{\n {4}"message": "listed"\n {2}\}$/m);
    assert.match(text.out, new RegExp(`^runs:\\n  RUN\\s+WORKFLOW\\s+STATUS\\n  ${first.runIds[0]!}\\s+note\\s+Succeeded$`, 'm'));

    const missing = await run(['events', 'show', 'ev-nope']);
    assert.equal(missing.code, 3);
    assert.equal(missing.err, 'error: event "ev-nope" not found\n');
    assert.equal((await run(['events', 'list', '--before', 'ev-nope'])).code, 3);
  });

  it('replays an event through the server, with the token from the environment', async () => {
    const original = await pipeline.receive(hookEvent('again'));
    const replayed = await run(['events', 'replay', original.eventId, '--server', base], { TANDEM_API_TOKEN: TOKEN });
    assert.equal(replayed.code, 0, replayed.err);
    const match = /^replayed (\S+) as (\S+): run (\S+)\n$/.exec(replayed.out);
    assert.ok(match, replayed.out);
    assert.equal(match[1], original.eventId);
    assert.notEqual(match[3], original.runIds[0]);
    assert.deepEqual((await h.engine.wait(match[3]!)).params, { what: 'again' });

    const viaEnv = await run(['events', 'replay', original.eventId, '--token-env', 'MY_TOKEN', '--json'], { MY_TOKEN: TOKEN, TANDEM_SERVER: `${base}/` });
    assert.equal(viaEnv.code, 0, viaEnv.err);
    assert.equal((JSON.parse(viaEnv.out) as { runIds: string[] }).runIds.length, 1);

    const noToken = await run(['events', 'replay', original.eventId, '--server', base]);
    assert.equal(noToken.code, 2);
    assert.match(noToken.err, /set TANDEM_API_TOKEN/);
    // The variable the README exports and the example project's server.tokens reads; the old name is pointed out.
    const oldName = await run(['events', 'replay', original.eventId, '--server', base], { TANDEM_TOKEN: TOKEN });
    assert.equal(oldName.code, 2);
    assert.match(oldName.err, /TANDEM_TOKEN is set, but the variable is now TANDEM_API_TOKEN/);
    const badToken = await run(['events', 'replay', original.eventId, '--server', base], { TANDEM_API_TOKEN: 'wrong' });
    assert.equal(badToken.code, 2);
    assert.match(badToken.err, /^error: \S+ answered 401 unauthorized(: [^;]+)?; check that TANDEM_API_TOKEN holds an API token of this server\n$/);
    assert.equal((await run(['events', 'replay', 'ev-nope', '--server', base], { TANDEM_API_TOKEN: TOKEN })).code, 3);
    const closed = await freePort();
    const down = await run(['events', 'replay', original.eventId, '--server', `http://127.0.0.1:${closed}`], { TANDEM_API_TOKEN: TOKEN });
    assert.equal(down.code, 4);
    assert.match(down.err, new RegExp(`^error: cannot reach http://127\\.0\\.0\\.1:${closed}/api/v1/events/\\S+: ECONNREFUSED\n$`));
  });

  it('posts a signed webhook that the webhook source accepts', async () => {
    const env = { HOOK_SECRET };
    const url = `${base}/events/hooks`;
    const posted = await run(['events', 'post', '--url', url, '--hmac-secret-env', 'HOOK_SECRET', '--prefix', 'sha256=', '--data', '{"message":"posted"}', '--json'], env);
    assert.equal(posted.code, 0, posted.err);
    const answer = JSON.parse(posted.out) as { eventId: string; runIds: string[] };
    assert.equal(answer.runIds.length, 1);
    assert.deepEqual((await h.engine.wait(answer.runIds[0]!)).params, { what: 'posted' });

    writeFileSync(join(cwd, 'body.json'), '{"message":"from a file"}');
    const fromFile = await run(['events', 'post', '--url', url, '--hmac-secret-env', 'HOOK_SECRET', '--prefix', 'sha256=', '--file', 'body.json', '--header', 'X-Extra=1'], env);
    assert.equal(fromFile.code, 0, fromFile.err);
    assert.match(fromFile.out, /^HTTP 202 \{"eventId":/);

    // Refusals are said in words (the body's error and limit) with what to do, never [object Object].
    const unsigned = await run(['events', 'post', '--url', url, '--data', '{"message":"x"}']);
    assert.equal(unsigned.code, 2);
    assert.equal(unsigned.err, `error: ${url} answered 401 unauthorized; the webhook wants a signature or a token: give --hmac-secret-env or --token-env\n`);
    const wrongPrefix = await run(['events', 'post', '--url', url, '--hmac-secret-env', 'HOOK_SECRET', '--data', '{}'], env);
    assert.equal(wrongPrefix.code, 2, 'the source expects the sha256= prefix');
    assert.match(wrongPrefix.err, /answered 401 unauthorized; the signature was not accepted: check that --hmac-secret-env names a variable holding the source's secret/);
    const big = `{"message":"${'x'.repeat(1024 * 1024)}"}`;
    writeFileSync(join(cwd, 'big.json'), big);
    const tooLarge = await run(['events', 'post', '--url', url, '--hmac-secret-env', 'HOOK_SECRET', '--prefix', 'sha256=', '--file', 'big.json'], env);
    assert.equal(tooLarge.code, 2);
    assert.equal(tooLarge.err, `error: ${url} answered 413 payload too large: the body is over this source's limit of 1048576 bytes (maxBodyBytes); the body is ${big.length} bytes: send less, or raise the source's maxBodyBytes\n`);
    assert.doesNotMatch(unsigned.err + wrongPrefix.err + tooLarge.err, /object Object/);
    assert.equal((await run(['events', 'post', '--url', url, '--hmac-secret-env', 'NOT_SET', '--data', '{}'])).code, 2);
    assert.equal((await run(['events', 'post', '--url', url, '--data', '{not json'])).code, 2);
    // An unknown path on the API server is a 401 (the server reveals nothing without a token).
    assert.equal((await run(['events', 'post', '--url', `${base}/events/nowhere`, '--data', '{}'])).code, 2);
  });

  describe('publish (real NATS)', () => {
    const prefix = uniquePrefix('cli_events');
    let nc: NatsConnection | undefined;
    after(async () => {
      if (nc) {
        await deleteStreams(nc, prefix.toUpperCase());
        await nc.close();
      }
    });

    it('publishes JSON and MessagePack messages, core and JetStream', async (t) => {
      if (!(await requireNats(t))) return;
      nc = await natsConnection();
      const received: Array<{ data: Uint8Array; type: string | undefined; ce: string | undefined }> = [];
      const sub = nc.subscribe(`${prefix}.>`, {
        callback: (_error, msg) => {
          received.push({ data: msg.data, type: msg.headers?.get('Content-Type'), ce: msg.headers?.get('ce-type') });
        },
      });
      await nc.flush();

      const json = await run(['events', 'publish', '--nats', natsUrl(), '--subject', `${prefix}.json`, '--count', '3', '--data', '{"n":1}', '--header', 'ce-type=com.example.test']);
      assert.equal(json.code, 0, json.err);
      assert.equal(json.out, `published 3 messages to ${prefix}.json\n`);
      writeFileSync(join(cwd, 'doc.json'), '{"title":"packed"}');
      const packed = await run(['events', 'publish', '--subject', `${prefix}.packed`, '--msgpack', '--file', 'doc.json'], { NATS_URL: natsUrl() });
      assert.equal(packed.code, 0, packed.err);

      const deadline = Date.now() + 60_000;
      while (received.length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      sub.unsubscribe();
      assert.equal(received.length, 4);
      assert.deepEqual(JSON.parse(new TextDecoder().decode(received[0]!.data)), { n: 1 });
      assert.equal(received[0]?.ce, 'com.example.test');
      assert.match(received[0]?.type ?? '', /json/);
      assert.deepEqual(decode(received[3]!.data), { title: 'packed' });
      assert.match(received[3]?.type ?? '', /msgpack/);

      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: prefix.toUpperCase(), subjects: [`${prefix}.js`] });
      const acked = await run(['events', 'publish', '--nats', natsUrl(), '--subject', `${prefix}.js`, '--jetstream', '--count', '2']);
      assert.equal(acked.code, 0, acked.err);
      assert.equal(acked.out, `published 2 messages to ${prefix}.js (stream sequence 1-2)\n`);
      assert.equal((await jsm.streams.info(prefix.toUpperCase())).state.messages, 2);

      const down = await run(['events', 'publish', '--nats', 'nats://127.0.0.1:1', '--subject', `${prefix}.x`]);
      assert.equal(down.code, 4);
      assert.match(down.err, /^error: cannot publish to nats:\/\/127\.0\.0\.1:1: /);
    });
  });
});
