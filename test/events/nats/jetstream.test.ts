// JetStream durable pull consumer against a real NATS server: nothing lost, acks after the sink,
// redelivery after a rejection, working() for slow sinks, resume after stop/start, term for
// payloads that never decode. Each test has its own stream, deleted at the end.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { publishEvents } from '../../../src/events/sources/nats/publish.js';
import type { NatsSourceConfig } from '../../../src/events/sources/nats/schema.js';
import { NatsEventSource } from '../../../src/events/sources/nats/source.js';
import { deleteStreams, natsConnection, natsUrl, requireNats, uniquePrefix } from '../../helpers/services.js';
import { RecordingSink, sleep, waitUntil } from './helpers.js';

let nc: NatsConnection | undefined;
let jsm: JetStreamManager | undefined;
const streams: string[] = [];
const sources: NatsEventSource[] = [];

before(async () => {
  try {
    nc = await natsConnection();
    jsm = await jetstreamManager(nc);
  } catch {
    nc = undefined; // requireNats reports it, per test
  }
});
after(async () => {
  for (const source of sources) await source.stop();
  if (nc) {
    await deleteStreams(nc, ...streams);
    await nc.drain();
  }
});

/** A fresh stream over `<prefix>.>` and a source config for a durable consumer on it. */
async function setup(jetStream: Partial<NatsSourceConfig['jetStream']> = {}, extra: Partial<NatsSourceConfig> = {}) {
  const prefix = uniquePrefix();
  const stream = prefix.toUpperCase();
  streams.push(stream);
  await jsm!.streams.add({ name: stream, subjects: [`${prefix}.>`] });
  const subject = `${prefix}.events`;
  const config: NatsSourceConfig = { url: natsUrl(), subject, ...extra, jetStream: { stream, consumer: 'tandem', ...jetStream } };
  return { stream, subject, config };
}

function track(source: NatsEventSource): NatsEventSource {
  sources.push(source);
  return source;
}

async function consumerState(stream: string, consumer = 'tandem') {
  const info = await jsm!.consumers.info(stream, consumer);
  return { pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered };
}

async function settled(stream: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const state = await consumerState(stream);
    if (state.pending === 0 && state.ackPending === 0) return;
    if (Date.now() > until) throw new Error(`consumer not settled: ${JSON.stringify(state)}`);
    await sleep(50);
  }
}

/**
 * Waits until the sources count `n` acks between them. The server has an ack (and settled() sees
 * it) a moment before the source counts it, on ackAck's reply: reading the counters right after
 * settled() raced that reply, and lost it on a loaded machine.
 */
async function ackedCounted(n: number, ...of: NatsEventSource[]): Promise<void> {
  const acked = () => of.reduce((sum, source) => sum + source.counters().acked, 0);
  await waitUntil(() => acked() >= n, 30_000, () => `the sources counted ${acked()} of ${n} acks`);
}

void describe('nats source, JetStream durable consumer', () => {
  void it('delivers exactly 1,000 distinct events published before it started, and acks them all', async (t) => {
    if (!(await requireNats(t)) || !nc) return;
    const { stream, subject, config } = await setup();
    const N = 1000;
    const published = await publishEvents({ url: natsUrl(), connection: nc, subject, format: 'json', count: N, payload: (i: number) => ({ i }), jetStream: true });
    assert.equal(published.sequences?.length, N);
    const sink = new RecordingSink();
    const source = track(new NatsEventSource('bulk', config));
    await source.start(sink);
    await sink.waitFor(N);
    await settled(stream);
    await ackedCounted(N, source);
    const counters = source.counters();
    t.diagnostic(`duplicates seen by the sink: ${sink.duplicates}, redelivered: ${counters.redelivered}`);
    assert.equal(sink.ids.size, N, 'nothing lost');
    assert.deepEqual(new Set(sink.ids), new Set(published.sequences!.map((seq) => `${stream}:${seq}`)));
    assert.equal(counters.acked, N);
    assert.equal(counters.terminated, 0);
    const event = sink.events[0]!;
    assert.equal(event.source, `nats://${stream}/${subject}`);
    assert.equal(event.extensions?.['nats-stream'], stream);
    const health = source.health();
    assert.equal(health.state, 'connected');
    assert.equal((health.detail as { consumer: string }).consumer, 'tandem');
  });

  void it('redelivers what the sink rejected until every message is acked', async (t) => {
    if (!(await requireNats(t)) || !nc) return;
    const { stream, subject, config } = await setup({ backoff: { initial: '100ms', max: '400ms' } });
    const N = 200;
    // every 10th message fails on its first two attempts
    const sink = new RecordingSink((event, attempt) => {
      const n = (event.data as { i: number }).i;
      if (n % 10 === 0 && attempt <= 2) throw new Error(`transient failure for ${n}`);
    });
    const source = track(new NatsEventSource('flaky', config));
    await source.start(sink);
    await publishEvents({ url: natsUrl(), connection: nc, subject, format: 'json', count: N, payload: (i: number) => ({ i }), jetStream: true });
    await sink.waitFor(N);
    await settled(stream);
    await ackedCounted(N, source);
    const counters = source.counters();
    assert.equal(sink.ids.size, N);
    assert.equal(sink.rejected, 40);
    assert.equal(counters.naked, 40);
    assert.ok(counters.redelivered >= 40, `redelivered ${counters.redelivered}`);
    assert.equal(counters.acked, N);
    for (const [id, attempts] of sink.attempts) {
      const event = sink.events.find((e) => e.id === id)!;
      assert.equal(attempts, (event.data as { i: number }).i % 10 === 0 ? 3 : 1, id);
    }
    assert.match(source.health().lastError ?? '', /rejected event .* \(delivery 2\); redelivery in 200ms/);
  });

  void it('keeps a delivery alive with working() while the sink takes longer than ackWait', async (t) => {
    if (!(await requireNats(t)) || !nc) return;
    // The sink takes 1.5 × ackWait. Keep-alives go out every third of ackWait, so only an event
    // loop held up for more than two thirds of it (2 s here) could let one lapse: 1 s, as this
    // test once used, was within what two CPU burners beside the suite cause.
    const ACK_WAIT_MS = 3000;
    const { stream, subject, config } = await setup({ ackWait: `${ACK_WAIT_MS}ms` });
    const sink = new RecordingSink(() => sleep(1.5 * ACK_WAIT_MS));
    const source = track(new NatsEventSource('slow', config));
    await source.start(sink);
    await publishEvents({ url: natsUrl(), connection: nc, subject, format: 'json', count: 3, payload: (i: number) => ({ i }), jetStream: true });
    await sink.waitFor(3);
    await settled(stream);
    await ackedCounted(3, source);
    assert.deepEqual([...sink.attempts.values()], [1, 1, 1], 'each message was handed over once');
    assert.equal(source.counters().expired, 0, 'no keep-alive lapsed');
    assert.equal(source.counters().redelivered, 0);
    assert.equal((await consumerState(stream)).redelivered, 0);
    assert.equal(source.counters().acked, 3);
  });

  void it('loses nothing across stop and start: the durable consumer resumes', async (t) => {
    if (!(await requireNats(t)) || !nc) return;
    // Messages the server sent while the first source was closing reach no one; they come back
    // after ackWait, so the test keeps it short.
    const { stream, subject, config } = await setup({ ackWait: '2s' }, { maxInFlight: 16 });
    const N = 600;
    await publishEvents({ url: natsUrl(), connection: nc, subject, format: 'msgpack', count: N, payload: (i: number) => ({ i }), jetStream: true });
    const sink = new RecordingSink(() => sleep(5));
    const first = track(new NatsEventSource('resume', config));
    await first.start(sink);
    await waitUntil(() => sink.ids.size >= 150, 30_000, () => `${sink.ids.size} events`);
    await first.stop();
    const atStop = sink.ids.size;
    assert.ok(atStop < N, `stopped part-way (${atStop})`);
    assert.equal(first.health().state, 'stopped');
    assert.equal(first.counters().acked, atStop, 'everything handed over before stop was acked');

    const second = track(new NatsEventSource('resume', config));
    await second.start(sink);
    await sink.waitFor(N);
    await settled(stream);
    await ackedCounted(N, first, second);
    t.diagnostic(
      `first run: ${atStop}, given back at stop: ${first.counters().naked}, ` +
        `repeats seen by the sink: ${sink.duplicates}, repeats coalesced by the source: ${second.counters().duplicates}`,
    );
    assert.equal(sink.ids.size, N, 'nothing lost');
    assert.ok(first.counters().acked + second.counters().acked >= N);

    // and the same instance can be started again
    await second.stop();
    await second.start(sink);
    await publishEvents({ url: natsUrl(), connection: nc, subject, format: 'json', count: 5, payload: { late: true }, jetStream: true });
    await sink.waitFor(N + 5);
    assert.equal(second.health().state, 'connected');
  });

  void it('terminates a payload that is not JSON under payload: json, counts it, and keeps running', async (t) => {
    if (!(await requireNats(t)) || !nc) return;
    const { stream, subject, config } = await setup({ ackWait: '1s' }, { payload: 'json' });
    const sink = new RecordingSink();
    const source = track(new NatsEventSource('strict', config));
    await source.start(sink);
    const js = (await import('@nats-io/jetstream')).jetstream(nc);
    await js.publish(subject, new TextEncoder().encode('{broken'));
    await js.publish(subject, Uint8Array.of(0xc1, 0xff));
    await publishEvents({ url: natsUrl(), connection: nc, subject, format: 'json', count: 20, payload: (i: number) => ({ i }), jetStream: true });
    await sink.waitFor(20);
    // Settled means nothing is pending or waiting for an ack: a terminated message is done with
    // on the server, so it cannot come back (no need to sit out ackWait to see that).
    await settled(stream);
    const counters = source.counters();
    assert.equal(counters.terminated, 2);
    assert.equal(counters.redelivered, 0);
    assert.equal(counters.received, 20);
    assert.equal(sink.ids.size, 20);
    assert.equal(source.health().state, 'connected');
    assert.match(source.health().lastError ?? '', /"strict": payload is not JSON .* terminated/);
  });

  void it('creates the stream when asked, and updates an existing consumer to the configuration', async (t) => {
    if (!(await requireNats(t)) || !nc) return;
    const prefix = uniquePrefix();
    const stream = prefix.toUpperCase();
    streams.push(stream);
    const subject = `${prefix}.created`;
    const config: NatsSourceConfig = { url: natsUrl(), subject, jetStream: { stream, consumer: 'tandem', createStream: true, ackWait: '5s', maxDeliver: 3 } };
    const sink = new RecordingSink();
    const source = track(new NatsEventSource('create', config));
    await source.start(sink);
    const info = await jsm!.consumers.info(stream, 'tandem');
    assert.equal(info.config.ack_policy, 'explicit');
    assert.equal(info.config.max_deliver, 3);
    assert.equal(info.config.ack_wait, 5_000_000_000);
    assert.equal(info.config.filter_subject, subject);
    await source.stop();

    const changed = track(new NatsEventSource('create', { ...config, jetStream: { ...config.jetStream!, ackWait: '2s', maxDeliver: 7 } }));
    await changed.start(sink);
    const updated = await jsm!.consumers.info(stream, 'tandem');
    assert.equal(updated.config.max_deliver, 7);
    assert.equal(updated.config.ack_wait, 2_000_000_000);
  });
});
