// CloudEvents end to end through `tandem serve`: a Knative-style sender posts one event in binary
// mode and the same event (same id) again in structured mode to a webhook source; a sensor that
// filters on the CloudEvents type starts one run, with a param from the event's data. A malformed
// CloudEvent is refused with a 400 that names the fault. Real HTTP, store and engine.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CloudEvent, HTTP } from 'cloudevents';
import { loadConfig } from '../../src/config/load.js';
import { loadProject } from '../../src/project/load.js';
import { ControlPlane } from '../../src/server/control-plane.js';
import { openStore } from '../../src/store/sqlite/open.js';

const TOKEN = 'api-token-for-cloudevents-0123';

function post(url: string, message: { headers: Record<string, unknown>; body: unknown }): Promise<Response> {
  const headers = Object.fromEntries(Object.entries(message.headers).map(([name, value]) => [name, String(value)]));
  return fetch(url, { method: 'POST', headers, body: typeof message.body === 'string' ? message.body : JSON.stringify(message.body) });
}

describe('tandem serve: CloudEvents over HTTP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-cloudevents-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('turns a CloudEvent sent in either mode into one event and one run', async () => {
    process.env.TANDEM_TEST_CE_TOKEN = TOKEN;
    writeFileSync(join(dir, 'note.yaml'), ['name: note', 'params:', '  what: { type: string }', 'tasks:', '  - name: say', '    process: { command: /bin/echo, args: ["{{ params.what }}"] }', ''].join('\n'));
    writeFileSync(
      join(dir, 'tandem.yaml'),
      `
home: ./home
workflows: [note.yaml]
eventSources:
  - name: cloud
    webhook: {}
sensors:
  - name: on-order
    dependencies: [{ name: order, eventSource: cloud, eventType: com.example.order.created }]
    triggers: [{ name: note_order, workflow: note, params: [{ name: what, src: { dependencyName: order, dataKey: item } }] }]
server:
  tokens: [{ name: tests, token: { env: TANDEM_TEST_CE_TOKEN }, namespaces: ["*"] }]
  shutdownGracePeriod: 5s
`,
    );
    const file = join(dir, 'tandem.yaml');
    const config = await loadConfig({ cwd: dir, env: {}, flags: { config: file } });
    const plane = await ControlPlane.start({ project: await loadProject(file), config, port: 0 });
    const url = `${plane.url}/events/cloud`;
    try {
      const event = new CloudEvent({ id: 'order-7', source: '/shop', type: 'com.example.order.created', data: { item: 'teapot' } });
      const binary = await post(url, HTTP.binary(event));
      assert.equal(binary.status, 202);
      const first = (await binary.json()) as { eventId: string; duplicate: boolean; runIds: string[] };
      assert.equal(first.duplicate, false);
      assert.equal(first.runIds.length, 1);

      const structured = await post(url, HTTP.structured(event));
      assert.equal(structured.status, 202);
      assert.deepEqual(await structured.json(), { ...first, duplicate: true });

      // Another type: recorded, but the sensor's eventType filter lets it pass by.
      const other = await post(url, HTTP.binary(new CloudEvent({ id: 'order-8', source: '/shop', type: 'com.example.order.deleted', data: { item: 'cup' } })));
      assert.deepEqual(((await other.json()) as { runIds: string[] }).runIds, []);

      const malformed = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ specversion: '1.0', id: 'x', type: 't' }) });
      assert.equal(malformed.status, 400);
      assert.match(((await malformed.json()) as { message: string }).message, /not a valid CloudEvent \(structured mode\): "source" is missing/);

      const store = await openStore({ home: config.home });
      try {
        const stored = await store.getEvent(first.eventId);
        assert.deepEqual(
          { id: stored?.id, source: stored?.source, type: stored?.type, data: stored?.data, status: stored?.status },
          { id: 'order-7', source: '/shop', type: 'com.example.order.created', data: { item: 'teapot' }, status: 'dispatched' },
        );
        const runs = await store.listRuns({ workflow: 'note' });
        assert.deepEqual(runs.map((run) => [run.id, run.params.what]), [[first.runIds[0], 'teapot']]);
      } finally {
        await store.close();
      }
    } finally {
      await plane.stop();
    }
  });
});
