// The control plane end to end, in process: a project file with a webhook (HMAC), a NATS JetStream
// source (MessagePack), a cron schedule and the API; each fires a run that records the event
// that started it. Real HTTP, real NATS, real store and engine.
import { strict as assert } from 'node:assert';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { publishEvents } from '../../src/events/sources/nats/publish.js';
import { loadProject } from '../../src/project/load.js';
import { ControlPlane } from '../../src/server/control-plane.js';
import { createLogger } from '../../src/server/log.js';
import { openStore } from '../../src/store/sqlite/open.js';
import { deleteStreams, natsConnection, natsUrl, requireNats, uniquePrefix } from '../helpers/services.js';

const SECRET = 'webhook-secret-for-tests';
const TOKEN = 'api-token-for-tests-0123';

describe('tandem serve: the control plane', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-serve-'));
  const prefix = uniquePrefix('serve');
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    const nc = await natsConnection().catch(() => undefined);
    if (nc) {
      await deleteStreams(nc, prefix.toUpperCase());
      await nc.close();
    }
  });

  it('turns webhook, NATS, cron and API calls into runs that record their event', async (t) => {
    if (!(await requireNats(t))) return;
    process.env.TANDEM_TEST_WEBHOOK_SECRET = SECRET;
    process.env.TANDEM_TEST_API_TOKEN = TOKEN;
    writeFileSync(
      join(dir, 'note.yaml'),
      ['name: note', 'params:', '  what: { type: string }', 'tasks:', '  - name: say', '    process: { command: /bin/echo, args: ["{{ params.what }}"] }', ''].join('\n'),
    );
    const stream = prefix.toUpperCase();
    writeFileSync(
      join(dir, 'tandem.yaml'),
      `
home: ./home
workflows: [note.yaml]
eventSources:
  - name: hooks
    webhook:
      hmac: { secret: { env: TANDEM_TEST_WEBHOOK_SECRET }, prefix: "sha256=" }
  - name: queue
    nats:
      url: ${natsUrl()}
      subject: ${prefix}.docs
      payload: msgpack
      jetStream: { stream: ${stream}, consumer: tandem, createStream: true, ackWait: 5s }
  - name: ticker
    cron:
      schedules: ["* * * * * *"]
sensors:
  - name: on-hook
    dependencies: [{ name: hook, eventSource: hooks }]
    triggers: [{ name: note_hook, workflow: note, params: [{ name: what, src: { dependencyName: hook, dataKey: message } }] }]
  - name: on-queue
    dependencies: [{ name: doc, eventSource: queue }]
    triggers: [{ name: note_doc, workflow: note, params: [{ name: what, src: { dependencyName: doc, dataKey: title } }] }]
  - name: on-tick
    dependencies: [{ name: tick, eventSource: ticker }]
    triggers: [{ name: note_tick, workflow: note, params: [{ name: what, src: { value: tick } }] }]
server:
  tokens: [{ name: tests, token: { env: TANDEM_TEST_API_TOKEN }, namespaces: ["*"] }]
  shutdownGracePeriod: 5s
`,
    );
    const file = join(dir, 'tandem.yaml');
    const config = await loadConfig({ cwd: dir, env: {}, flags: { config: file } });
    const plane = await ControlPlane.start({ project: await loadProject(file), config, port: 0 });
    try {
      // Webhook, signed.
      const body = JSON.stringify({ message: 'from a webhook' });
      const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
      const hook = await fetch(`${plane.url}/events/hooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature-256': signature }, body });
      assert.equal(hook.status, 202);
      const hookAnswer = (await hook.json()) as { eventId: string; runIds: string[] };
      assert.equal(hookAnswer.runIds.length, 1);
      const unsigned = await fetch(`${plane.url}/events/hooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(unsigned.status, 401);

      // NATS JetStream, MessagePack.
      await publishEvents({ url: natsUrl(), subject: `${prefix}.docs`, payload: { title: 'from nats' }, format: 'msgpack', jetStream: true });

      // API.
      const api = await fetch(`${plane.url}/api/v1/workflows/note/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ params: { what: 'from the api' } }),
      });
      assert.equal(api.status, 201);

      // Wait for the NATS and cron runs.
      const store = await openStore({ home: config.home });
      try {
        const deadline = Date.now() + 60_000;
        let runs = await store.listRuns({ workflow: 'note' });
        while (Date.now() < deadline && !(runs.some((r) => r.params.what === 'from nats') && runs.some((r) => r.params.what === 'tick'))) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          runs = await store.listRuns({ workflow: 'note' });
        }
        const byWhat = (what: string) => runs.filter((r) => r.params.what === what);
        assert.equal(byWhat('from a webhook').length, 1);
        assert.equal(byWhat('from nats').length, 1);
        assert.equal(byWhat('from the api').length, 1);
        assert.ok(byWhat('tick').length >= 1, 'the cron schedule fired');
        const fromHook = byWhat('from a webhook')[0]!;
        assert.deepEqual(fromHook.origin.detail?.eventIds, [hookAnswer.eventId]);
        assert.equal(fromHook.origin.detail?.sensor, 'on-hook');
        assert.equal(byWhat('from nats')[0]!.origin.detail?.sensor, 'on-queue');
        const event = await store.getEvent(hookAnswer.eventId);
        assert.equal(event?.sourceName, 'hooks');
        assert.deepEqual(await store.listRunsForEvent(hookAnswer.eventId), [fromHook.id]);
      } finally {
        await store.close();
      }
      const health = (await (await fetch(`${plane.url}/healthz`)).json()) as { sources: Array<{ name: string; state: string }> };
      assert.deepEqual(health.sources.map((s) => s.name).sort(), ['hooks', 'queue', 'ticker']);
      assert.equal(health.sources.find((s) => s.name === 'queue')?.state, 'connected');
      const metrics = await (await fetch(`${plane.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      assert.match(metrics, /tandem_event_source_up\{source="queue",kind="nats",state="connected"\} 1/);
      assert.match(metrics, /tandem_events_received_total\{source="hooks",duplicate="false"\} 1/);
    } finally {
      await plane.stop();
    }
  });

  it('keeps serving when an event source cannot start, and shows it as down', async () => {
    const sub = join(dir, 'nats-down');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'note.yaml'), ['name: note', 'tasks:', '  - name: say', '    process: { command: /bin/true }', ''].join('\n'));
    writeFileSync(
      join(sub, 'tandem.yaml'),
      [
        'home: ./home',
        'workflows: [note.yaml]',
        'eventSources:',
        '  - { name: queue, nats: { url: "nats://127.0.0.1:1", subject: nowhere, connectTimeout: 500ms, reconnect: { maxAttempts: 0 } } }',
        '  - { name: hooks, webhook: {} }',
        'sensors:',
        '  - { name: on-hook, dependencies: [{ name: hook, eventSource: hooks }], triggers: [{ name: note, workflow: note }] }',
        '',
      ].join('\n'),
    );
    const file = join(sub, 'tandem.yaml');
    const lines: string[] = [];
    const config = await loadConfig({ cwd: sub, env: {}, flags: { config: file } });
    const plane = await ControlPlane.start({ project: await loadProject(file), config, port: 0, logger: createLogger({ write: (line: string) => lines.push(line) }) });
    try {
      assert.equal((await fetch(`${plane.url}/readyz`)).status, 200);
      const health = (await (await fetch(`${plane.url}/healthz`)).json()) as { sources: Array<{ name: string; state: string }> };
      assert.notEqual(health.sources.find((s) => s.name === 'queue')?.state, 'connected');
      assert.ok(lines.some((line) => /event source queue could not start/.test(line)), lines.join('\n'));
      const hook = await fetch(`${plane.url}/events/hooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(hook.status, 202, 'the other sources serve');
      // The trigger's log line joins the event and the run it started.
      const { eventId, runIds } = (await hook.json()) as { eventId: string; runIds: string[] };
      const fired = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.msg === 'trigger started a run');
      assert.ok(fired, lines.join('\n'));
      assert.deepEqual([fired.correlationId, fired.eventIds, fired.runId, fired.sensor], [eventId, [eventId], runIds[0], 'on-hook']);
    } finally {
      await plane.stop();
    }
  });

  it('reports every problem of a bad project file at once, with positions', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      [
        'workflows: [missing.yaml]',
        'eventSources:',
        '  - name: hooks',
        '    webhook: { maxBodyBytes: -1 }',
        'sensors:',
        '  - name: s',
        '    dependencies: [{ name: d, eventSource: nowhere }]',
        '    triggers: [{ name: t, workflow: nope }]',
        'server: { port: 99999 }',
        '',
      ].join('\n'),
    );
    await assert.rejects(loadProject(bad), (error: Error & { issues?: Array<{ path: string; line?: number }> }) => {
      assert.ok(error.issues, error.message);
      assert.ok(error.issues.some((i) => i.path === '/server/port' && i.line === 9), JSON.stringify(error.issues));
      return true;
    });
    writeFileSync(bad, ['workflows: [missing.yaml]', 'eventSources:', '  - name: hooks', '    webhook: { maxBodyBytes: -1 }', 'sensors:', '  - name: s', '    dependencies: [{ name: d, eventSource: nowhere }]', '    triggers: [{ name: t, workflow: nope }]', ''].join('\n'));
    await assert.rejects(loadProject(bad), (error: Error & { issues?: Array<{ path: string; line?: number; message: string }> }) => {
      const paths = (error.issues ?? []).map((i) => i.path);
      assert.ok(paths.includes('/workflows/0'), paths.join(' '));
      assert.ok(paths.some((p) => p.startsWith('/eventSources/0/webhook')), paths.join(' '));
      assert.ok(paths.includes('/sensors/0/dependencies/0/eventSource'), paths.join(' '));
      assert.ok(paths.includes('/sensors/0/triggers/0/workflow'), paths.join(' '));
      assert.ok((error.issues ?? []).every((i) => i.line !== undefined), JSON.stringify(error.issues));
      return true;
    });
  });
});
