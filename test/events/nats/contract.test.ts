// The EventSource contract (test/events/source-contract.ts) against the nats source on a real
// server, in both modes, each test on a subject prefix (and, for JetStream, a stream) of its own:
//   core       a delivery is a publish with a Nats-Msg-Id; nothing to acknowledge; a rejected event
//              cannot come again and is reported as lastError (docs/nats.md).
//   JetStream  a delivery is a stored message; its acknowledgement the consumer's ack floor; a
//              rejected one is nak'ed with backoff and redelivered by the server; one published
//              while the source is stopped waits in the stream for the next start.
// In both, a source at a port nothing listens on fails to start, and a lost connection is shown on
// a throwaway nats-server the fixture kills and brings back on the same port. Skipped loudly when
// NATS is unreachable (failed under CI=true), as every NATS test is.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect as natsConnect, headers as natsHeaders, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { NatsSourceConfig } from '../../../src/events/sources/nats/schema.js';
import { NatsEventSource } from '../../../src/events/sources/nats/source.js';
import type { EventSink } from '../../../src/events/source.js';
import { deleteStreams, natsConnection, natsUrl, requireNats, uniquePrefix } from '../../helpers/services.js';
import { sourceContract, type Delivery, type SourceFixture, type SourceUnderTest } from '../source-contract.js';
import { waitUntil } from './helpers.js';
import { freePort, requireNatsServerBinary, spawnNatsServer, type TestServer } from './server.js';

const CONSUMER = 'tandem';
const RECONNECT = { waitMs: 50, maxWaitMs: 500 };
const WAIT_MS = 60_000;

/** The source's own connections, through its connect seam: a test may need a round trip on one. */
function recordingConnect(connections: NatsConnection[], holdStart?: Promise<void>) {
  return async (options: NodeConnectionOptions): Promise<NatsConnection> => {
    await holdStart;
    const nc = await natsConnect(options);
    connections.push(nc);
    return nc;
  };
}

/** A source whose server is not there: a port nothing listens on. */
async function unreachable(): Promise<NatsEventSource> {
  const url = `nats://127.0.0.1:${await freePort()}`;
  return new NatsEventSource('contract-unreachable', { url, subject: 'contract.unreachable', connectTimeout: '5s', reconnect: RECONNECT });
}

function coreSource(url: string, publisher: () => NatsConnection, holdStart?: Promise<void>) {
  const prefix = uniquePrefix('contract');
  const subject = `${prefix}.events`;
  const connections: NatsConnection[] = [];
  const source = new NatsEventSource(prefix, { url, subject, reconnect: RECONNECT }, { connect: recordingConnect(connections, holdStart) });
  let sent = 0;
  const under: SourceUnderTest = {
    source,
    async deliver(): Promise<Delivery> {
      const id = `${prefix}-${++sent}`;
      const headers = natsHeaders();
      headers.set('Nats-Msg-Id', id);
      const nc = publisher();
      nc.publish(subject, JSON.stringify({ n: sent }), { headers });
      // Flushed: the server has routed it (to the source, if it is subscribed) before this returns.
      await nc.flush();
      return { id };
    },
    async settleWhileStopped() {
      // Core NATS keeps nothing: with no subscriber the server dropped the flushed message.
    },
    async close() {
      await source.stop();
    },
  };
  return { under, source, connections };
}

function jetStreamSource(url: string, publisher: () => NatsConnection, holdStart?: Promise<void>) {
  const prefix = uniquePrefix('contract');
  const subject = `${prefix}.events`;
  const config: NatsSourceConfig = {
    url,
    subject,
    reconnect: RECONNECT,
    // A short backoff keeps the redelivery test quick; ackWait well above a loaded machine's pauses
    // (the source tells the server it is still working every third of it).
    jetStream: { stream: prefix, consumer: CONSUMER, createStream: true, ackWait: '10s', backoff: { initial: '100ms', max: '1s' } },
  };
  const connections: NatsConnection[] = [];
  const source = new NatsEventSource(prefix, config, { connect: recordingConnect(connections, holdStart) });
  const sequences = new Map<string, number>();
  const consumerInfo = async () => (await jetstreamManager(publisher())).consumers.info(prefix, CONSUMER);
  let sent = 0;
  const under: SourceUnderTest = {
    source,
    async deliver(): Promise<Delivery> {
      // The stream exists once the source has started; a delivery made before that has nowhere to go.
      const ack = await jetstream(publisher()).publish(subject, JSON.stringify({ n: ++sent }));
      const id = `${prefix}:${ack.seq}`;
      sequences.set(id, ack.seq);
      return { id };
    },
    async isAcknowledged(delivery: Delivery): Promise<boolean> {
      const seq = sequences.get(delivery.id) ?? Number.POSITIVE_INFINITY;
      return (await consumerInfo()).ack_floor.stream_seq >= seq;
    },
    async redeliver(delivery: Delivery): Promise<void> {
      // Told to try again: a nak (with backoff); the server redelivers by itself.
      await waitUntil(() => source.counters().naked >= 1, WAIT_MS, () => `no nak for ${delivery.id}: ${JSON.stringify(source.counters())}`);
      assert.match(source.health().lastError ?? '', new RegExp(`rejected event ${delivery.id} \\(delivery 1\\); redelivery in \\d+ms`));
    },
    async settleWhileStopped(delivery: Delivery): Promise<void> {
      // Stored (the publish was acknowledged) and waiting for the consumer.
      const info = await consumerInfo();
      assert.ok(info.num_pending >= 1, `${delivery.id} waits in the stream`);
    },
    async close() {
      await source.stop();
      await deleteStreams(publisher(), prefix);
    },
  };
  return { under, source, connections };
}

/**
 * A started source on a nats-server of its own, which the test kills and brings back on the same
 * port (the shared server must stay up). JetStream keeps its store in a directory of the test's,
 * so the stream and the consumer outlive the restart.
 */
function interruptible(mode: 'core' | 'jetstream'): Pick<SourceFixture, 'interruptible' | 'interruptibleHere'> {
  return {
    interruptibleHere: requireNatsServerBinary,
    async interruptible(sink: EventSink) {
      const storeDir = mode === 'jetstream' ? await mkdtemp(join(tmpdir(), 'tandem-contract-')) : undefined;
      const args = storeDir !== undefined ? ['-js', '-sd', storeDir] : [];
      let server: TestServer = await spawnNatsServer(args);
      // The test's publisher is opened again once the server is back, rather than left to reconnect.
      let own = await natsConnect({ servers: server.url, reconnect: false });
      const made = mode === 'core' ? coreSource(server.url, () => own) : jetStreamSource(server.url, () => own);
      const { under, source, connections } = made;
      await source.start(sink);
      return {
        under: {
          ...under,
          async close() {
            await under.close();
            await own.close();
            await server.stop();
            if (storeDir !== undefined) await rm(storeDir, { recursive: true, force: true });
          },
        },
        async interrupt() {
          await server.stop(true);
          await own.close().catch(() => undefined);
        },
        async restore() {
          server = await spawnNatsServer(args, server.port);
          await waitUntil(() => source.health().state === 'connected', WAIT_MS, () => source.health().state);
          // The source sent its subscription on reconnecting; a round trip on its connection makes
          // sure the server has it before the test publishes from another one.
          await connections.at(-1)?.flush();
          own = await natsConnect({ servers: server.url, reconnect: false });
        },
      };
    },
  };
}

/** One publisher connection per test file, opened on first use. */
let shared: Promise<NatsConnection> | undefined;
const publisher = (): Promise<NatsConnection> => (shared ??= natsConnection());
after(async () => {
  await (await shared)?.close();
});

sourceContract({
  name: 'nats (core, real server)',
  rejected: { redelivers: false, reported: /the pipeline rejected event .* \(core NATS cannot redeliver it\)/ },
  keepsWhileStopped: false,
  canHoldStart: true,
  available: requireNats,
  async create(options) {
    const nc = await publisher();
    return coreSource(natsUrl(), () => nc, options?.holdStart).under;
  },
  unreachable,
  ...interruptible('core'),
});

sourceContract({
  name: 'nats (JetStream, real server)',
  rejected: { redelivers: true },
  // The durable consumer keeps its place: what was stored while stopped comes after the next start.
  keepsWhileStopped: true,
  canHoldStart: true,
  available: requireNats,
  async create(options) {
    const nc = await publisher();
    return jetStreamSource(natsUrl(), () => nc, options?.holdStart).under;
  },
  unreachable,
  ...interruptible('jetstream'),
});
