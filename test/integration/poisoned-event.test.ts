// A poisoned event must not make start-up crash-loop. The home holds two events recorded by an
// earlier process that died before dispatching them (status `received`), whose JetStream messages
// were never acknowledged, so every start gets them again:
//   n = "poison"  its param cannot become the workflow's integer param n (resolution throws);
//   no n at all   the trigger's dataKey finds nothing (TriggerParamError);
// and a healthy message (n = 1) published behind them. The control plane (serve-child.ts) is
// started twice on that home: each time it must become ready and stay up; the first start
// dead-letters each poisoned event once (after the trigger's retries) under the event id already
// stored, runs the healthy one, and acknowledges all three; the second start has nothing to redo.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { IncomingEvent } from '../../src/events/model.js';
import { publishEvents } from '../../src/events/sources/nats/publish.js';
import { openStore } from '../../src/store/sqlite/open.js';
import { deleteStreams, natsConnection, natsUrl, requireNats, uniquePrefix } from '../helpers/services.js';
import { sourceHealth, startServeChild, StoreCounts, until, writeNatsProject, type ServeChild } from './helpers.js';

const ACK_WAIT_S = 2;

describe('poisoned events at start-up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-poison-'));
  const prefix = uniquePrefix('poison');
  const stream = prefix.toUpperCase();
  const subject = `${prefix}.jobs`;
  let nc: NatsConnection | undefined;
  let child: ServeChild | undefined;
  after(async () => {
    await child?.kill().catch(() => undefined);
    if (nc) {
      await deleteStreams(nc, stream);
      await nc.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('start-up with undispatchable events in the store becomes ready twice and dead-letters them once', async (t) => {
    if (!(await requireNats(t))) return;
    const file = writeNatsProject(dir, {
      natsUrl: natsUrl(),
      subject,
      stream,
      ackWaitSeconds: ACK_WAIT_S,
      triggerExtra: '        retry: { steps: 2, duration: 100ms }',
    });
    const home = join(dir, 'home');
    nc = await natsConnection();
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [subject] });
    const payloads = [{ n: 'poison' }, { note: 'no n here' }, { n: 1 }];
    const published = await publishEvents({ url: natsUrl(), connection: nc, subject, format: 'msgpack', jetStream: true, count: payloads.length, payload: (i: number) => payloads[i] });
    const [poisonSeq, missingSeq] = published.sequences!;

    // What a process that died mid-dispatch leaves: the events recorded, never dispatched.
    const stored = new Map<number, string>();
    let store = await openStore({ home });
    try {
      for (const [index, seq] of [poisonSeq!, missingSeq!].entries()) {
        const event: IncomingEvent = {
          sourceName: 'queue',
          id: `${stream}:${seq}`,
          source: `nats://${stream}/${subject}`,
          type: 'dev.tandem.nats.message',
          subject,
          time: new Date().toISOString(),
          datacontenttype: 'application/msgpack',
          data: payloads[index],
          extensions: { 'nats-stream': stream, 'nats-sequence': String(seq) },
        };
        const recorded = await store.recordEvent(event, `ev-poisoned-${seq}`, Date.now());
        assert.equal(recorded.duplicate, false);
        stored.set(seq, recorded.eventId);
      }
    } finally {
      await store.close();
    }

    const counts = new StoreCounts(home);
    try {
      // First start: ready, and stays up while it deals with the poison.
      child = await startServeChild(file);
      assert.equal((await fetch(`${child.url}/readyz`)).status, 200);
      await until(() => counts.dispatchedEvents() >= 3 && counts.finishedRuns() >= 1, () => `${counts.dispatchedEvents()} of 3 events dispatched, ${counts.finishedRuns()} run(s) finished`);
      await until(
        async () => {
          const info = await jsm.consumers.info(stream, 'tandem');
          return info.num_pending === 0 && info.num_ack_pending === 0;
        },
        async () => `the consumer still holds messages: ${JSON.stringify(await jsm.consumers.info(stream, 'tandem'))}`,
      );
      const firstHealth = await sourceHealth(child.url, 'queue');
      assert.equal(firstHealth.state, 'connected');
      assert.equal(firstHealth.detail?.counters?.acked, 3, 'the poisoned messages were settled, not left to come back');
      assert.equal(child.proc.exitCode, null, 'still running');
      await child.stop();

      // Second start on the same home: ready again, nothing comes back.
      child = await startServeChild(file);
      assert.equal((await fetch(`${child.url}/readyz`)).status, 200);
      // Nothing can come back: the first life left the consumer with nothing pending and nothing
      // unacknowledged (checked above), so no redelivery is due, however long one waits. Once
      // the source is attached again, the consumer still says so and the source received nothing.
      const child2 = child;
      await until(async () => (await sourceHealth(child2.url, 'queue')).state === 'connected', async () => JSON.stringify(await sourceHealth(child2.url, 'queue')));
      const info = await jsm.consumers.info(stream, 'tandem');
      assert.deepEqual([info.num_pending, info.num_ack_pending], [0, 0], 'nothing pending or unacknowledged');
      const secondHealth = await sourceHealth(child.url, 'queue');
      assert.equal(secondHealth.received, 0, 'no message was delivered again');
      assert.equal(child.proc.exitCode, null, 'still running');
      await child.stop();
      child = undefined;
    } finally {
      counts.close();
    }

    store = await openStore({ home });
    try {
      const letters = await store.listDeadLetters();
      assert.deepEqual(
        letters.map((letter) => letter.eventIds).sort(),
        [[stored.get(poisonSeq!)], [stored.get(missingSeq!)]].sort(),
        'one dead letter for each poisoned event, under the event id already stored',
      );
      for (const letter of letters) {
        assert.equal(letter.sensor, 'on-job');
        assert.equal(letter.trigger, 'run_noop');
        assert.equal(letter.attempts, 3, 'the first attempt and two retries');
      }
      assert.match(letters.find((l) => l.eventIds[0] === stored.get(missingSeq!))!.error, /dataKey "n" not found/);
      for (const eventId of stored.values()) {
        const event = await store.getEvent(eventId);
        assert.notEqual(event?.status, 'received', `event ${eventId} is settled`);
        assert.deepEqual(await store.listRunsForEvent(eventId), []);
      }
      assert.equal((await store.listEvents({ source: 'queue' })).length, 3);
      const runs = await store.listRuns({ workflow: 'noop' });
      assert.deepEqual(runs.map((run) => [run.params.n, run.status]), [[1, 'Succeeded']]);
    } finally {
      await store.close();
    }
  });
});
