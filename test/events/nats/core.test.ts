// Core subscriptions against a real NATS server: counts, payload decoding, queue groups,
// malformed payloads.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NatsConnection } from '@nats-io/transport-node';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { publishEvents } from '../../../src/events/sources/nats/publish.js';
import { NatsEventSource } from '../../../src/events/sources/nats/source.js';
import { natsConnection, natsUrl, requireNats, uniquePrefix } from '../../helpers/services.js';
import { RecordingSink, sleep, waitUntil } from './helpers.js';

let nc: NatsConnection | undefined;
const sources: NatsEventSource[] = [];

before(async () => {
  try {
    nc = await natsConnection();
  } catch {
    nc = undefined; // requireNats reports it, per test
  }
});
after(async () => {
  for (const source of sources) await source.stop();
  await nc?.drain();
});

async function started(name: string, config: ConstructorParameters<typeof NatsEventSource>[1], sink: RecordingSink): Promise<NatsEventSource> {
  const source = new NatsEventSource(name, config);
  sources.push(source);
  await source.start(sink);
  return source;
}

void describe('nats source, core subscription', () => {
  void it('turns N JSON messages into N events with decoded data', async (t) => {
    if (!(await requireNats(t)) || !nc) return;
    const subject = `${uniquePrefix()}.orders`;
    const sink = new RecordingSink();
    const source = await started('orders', { url: natsUrl(), subject }, sink);
    const N = 500;
    await publishEvents({ url: natsUrl(), connection: nc, subject, format: 'json', count: N, payload: (i: number) => ({ n: i, name: `order-${i}` }) });
    await sink.waitFor(N);
    await sleep(100);
    assert.equal(sink.events.length, N);
    assert.equal(sink.duplicates, 0);
    const seen = new Set(sink.events.map((e) => (e.data as { n: number }).n));
    assert.equal(seen.size, N);
    const first = sink.events[0]!;
    assert.equal(first.datacontenttype, 'application/json');
    assert.equal(first.type, 'dev.tandem.nats.message');
    assert.equal(first.subject, subject);
    assert.equal(first.sourceName, 'orders');
    assert.match(first.source, new RegExp(`^nats://127\\.0\\.0\\.1:4222/${subject.replace(/\./g, '\\.')}$`));
    assert.ok(!Number.isNaN(Date.parse(first.time)));
    const health = source.health();
    assert.equal(health.state, 'connected');
    assert.equal(health.received, N);
    assert.deepEqual((health.detail?.counters as { acked: number; terminated: number }).acked, N);
  });

  void it('decodes MessagePack, and takes id, type and time from headers', async (t) => {
    if (!(await requireNats(t)) || !nc) return;
    const subject = `${uniquePrefix()}.docs`;
    const sink = new RecordingSink();
    await started('docs', { url: natsUrl(), subject }, sink);
    await publishEvents({ url: natsUrl(), connection: nc, subject, format: 'msgpack', count: 50, payload: (i: number) => ({ doc: i, tags: ['a', 'b'] }) });
    await sink.waitFor(50);
    assert.ok(sink.events.every((e) => e.datacontenttype === 'application/msgpack'));
    assert.deepEqual(
      sink.events.map((e) => (e.data as { doc: number }).doc).sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => i),
    );

    const h = natsHeaders();
    h.set('Nats-Msg-Id', 'msg-42');
    h.set('ce-type', 'com.acme.doc.uploaded');
    h.set('ce-time', '2024-01-02T03:04:05Z');
    h.set('X-Trace', 'abc');
    nc.publish(subject, new TextEncoder().encode('{"x":1}'), { headers: h });
    await sink.waitFor(51);
    const event = sink.events.find((e) => e.id === 'msg-42');
    assert.ok(event, 'the Nats-Msg-Id header is the event id');
    assert.equal(event.type, 'com.acme.doc.uploaded');
    assert.equal(event.time, '2024-01-02T03:04:05.000Z');
    assert.deepEqual(event.data, { x: 1 });
    assert.equal(event.extensions?.['x-trace'], 'abc');
  });

  void it('a queue group shares the messages between two sources', async (t) => {
    if (!(await requireNats(t)) || !nc) return;
    const subject = `${uniquePrefix()}.work`;
    const a = new RecordingSink();
    const b = new RecordingSink();
    await started('work-a', { url: natsUrl(), subject, queue: 'workers' }, a);
    await started('work-b', { url: natsUrl(), subject, queue: 'workers' }, b);
    const N = 400;
    await publishEvents({ url: natsUrl(), connection: nc, subject, format: 'json', count: N, payload: (i: number) => ({ i }) });
    await waitUntil(() => a.ids.size + b.ids.size >= N, 30_000, () => `${a.ids.size} + ${b.ids.size} of ${N} arrived`);
    await sleep(200); // a message delivered to both members would show here as one too many
    assert.equal(a.ids.size + b.ids.size, N, 'every message reached exactly one member');
    assert.ok(a.ids.size > 0 && b.ids.size > 0, `both members got some (${a.ids.size} / ${b.ids.size})`);
    const all = new Set([...a.events, ...b.events].map((e) => (e.data as { i: number }).i));
    assert.equal(all.size, N);
  });

  void it('drops a payload that is not JSON under payload: json, counts it, and keeps running', async (t) => {
    if (!(await requireNats(t)) || !nc) return;
    const subject = `${uniquePrefix()}.strict`;
    const problems: string[] = [];
    const sink = new RecordingSink();
    const source = new NatsEventSource('strict', { url: natsUrl(), subject, payload: 'json' }, { onProblem: (m) => problems.push(m) });
    sources.push(source);
    await source.start(sink);
    nc.publish(subject, new TextEncoder().encode('{not json'));
    nc.publish(subject, Uint8Array.of(0xff, 0x00));
    await publishEvents({ url: natsUrl(), connection: nc, subject, format: 'json', count: 10, payload: { ok: true } });
    await sink.waitFor(10);
    await sleep(100);
    assert.equal(source.counters().terminated, 2);
    assert.equal(source.counters().received, 10);
    assert.equal(source.health().state, 'connected');
    assert.match(problems.join('\n'), /"strict": payload is not JSON/);
  });

  void it('stop() lets in-flight deliveries finish and reports stopped', async (t) => {
    if (!(await requireNats(t)) || !nc) return;
    const subject = `${uniquePrefix()}.slow`;
    // The sink holds every delivery until the test lets go, after stop() was called: no sleep
    // decides whether the deliveries are still in flight when the source stops.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const sink = new RecordingSink(() => held);
    const source = new NatsEventSource('slow', { url: natsUrl(), subject });
    await source.start(sink);
    await publishEvents({ url: natsUrl(), connection: nc, subject, format: 'json', count: 5, payload: {} });
    await waitUntil(() => sink.attempts.size === 5, 30_000, () => `${sink.attempts.size} of 5 deliveries reached the sink`);
    const stopping = source.stop();
    assert.equal(sink.ids.size, 0, 'all five are still in the sink when stop() is called');
    release();
    await stopping;
    assert.equal(sink.ids.size, 5, 'deliveries in progress at stop() completed');
    assert.equal(source.health().state, 'stopped');
  });
});
