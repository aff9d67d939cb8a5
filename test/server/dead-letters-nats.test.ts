// deadLetter.subject acted on: a trigger that fails for good under `tandem serve` is recorded in
// the store and published to its NATS subject as one JSON message, through the connection of the
// project's NATS event source. Real NATS (a unique subject prefix), real HTTP, real store.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { loadProject } from '../../src/project/load.js';
import { ControlPlane } from '../../src/server/control-plane.js';
import { openStore } from '../../src/store/sqlite/open.js';
import { natsConnection, natsUrl, requireNats, uniquePrefix } from '../helpers/services.js';

describe('tandem serve: dead letters to NATS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-dlq-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('publishes a trigger that failed for good to deadLetter.subject, with the id the store gave it', async (t) => {
    if (!(await requireNats(t))) return;
    const prefix = uniquePrefix('dlq');
    writeFileSync(join(dir, 'note.yaml'), 'name: note\nparams:\n  what: { type: string }\ntasks:\n  - name: say\n    process: { command: /bin/echo, args: ["{{ params.what }}"] }\n');
    const file = join(dir, 'tandem.yaml');
    writeFileSync(
      file,
      [
        'home: ./home',
        'workflows: [note.yaml]',
        'eventSources:',
        '  - name: hooks',
        '    webhook: {}',
        '  - name: queue',
        `    nats: { url: "${natsUrl()}", subject: ${prefix}.in }`,
        'sensors:',
        '  - name: on-hook',
        '    dependencies: [{ name: hook, eventSource: hooks }]',
        '    triggers:',
        '      - name: note_it',
        '        workflow: note',
        '        params: [{ name: what, src: { dataKey: message } }]',
        `        deadLetter: { subject: ${prefix}.dlq }`,
        '',
      ].join('\n'),
    );
    const nc = await natsConnection();
    const subscription = nc.subscribe(`${prefix}.dlq`, { max: 1, timeout: 60_000 });
    const config = await loadConfig({ cwd: dir, env: {}, flags: { config: file } });
    const plane = await ControlPlane.start({ project: await loadProject(file), config, port: 0 });
    try {
      // No `message` in the body: the param cannot be resolved, and there are no retries.
      const answer = await fetch(`${plane.url}/events/hooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ other: 1 }) });
      assert.equal(answer.status, 202);
      const { eventId } = (await answer.json()) as { eventId: string };
      let received: { subject: string; data: Record<string, unknown>; contentType: string | undefined } | undefined;
      for await (const message of subscription) received = { subject: message.subject, data: message.json<Record<string, unknown>>(), contentType: message.headers?.get('Content-Type') };
      assert.ok(received, 'a dead letter was published');
      assert.equal(received.subject, `${prefix}.dlq`);
      assert.equal(received.contentType, 'application/json');
      assert.equal(received.data.sensor, 'on-hook');
      assert.equal(received.data.trigger, 'note_it');
      assert.deepEqual(received.data.eventIds, [eventId]);
      assert.equal(received.data.attempts, 1);
      assert.match(String(received.data.error), /param what: dataKey "message" not found/);
      const store = await openStore({ home: config.home });
      try {
        const [stored] = await store.listDeadLetters({ sensor: 'on-hook' });
        assert.equal(received.data.id, stored?.id, 'the message carries the id of the stored dead letter');
      } finally {
        await store.close();
      }
    } finally {
      await plane.stop();
      await nc.close();
    }
  });
});
