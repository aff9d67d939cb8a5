// events: how fast an event becomes a persisted run. In one run, on the real NATS server:
// 1. the baseline: raw JetStream publish -> durable pull consumer -> ack round trips, no tandem;
// 2. tandem: publish -> NATS event source -> event persisted -> sensor -> trigger claim -> run
//    created in the store (the time the trigger reports the run), same message sizes, sequential,
//    so p50/p99 compare directly with the baseline's;
// 3. sustained throughput: events published as fast as JetStream takes them for DURATION seconds,
//    counted as persisted runs, and checked for loss (every message's `n` has exactly one run).
// Runs execute on the embedded engine with a no-op runner registered by this benchmark only, so
// the figures are the event path's and not the cost of spawning processes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager, AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { encode } from '@msgpack/msgpack';
import { openBenchEngines } from './lib/engines.js';
import { EventPipeline } from '../src/events/pipeline.js';
import type { SensorSpec } from '../src/events/sensors/schema.js';
import { NatsEventSource } from '../src/events/sources/nats/source.js';
import { WorkflowCatalog } from '../src/project/catalog.js';
import { openStore } from '../src/store/sqlite/open.js';
import { Report } from './lib/harness.js';

const NATS_URL = process.env.NATS_URL || 'nats://127.0.0.1:4222';
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 1000);
const DURATION_S = Number(process.env.BENCH_EVENTS_SECONDS ?? 60);
const tag = `bench_${process.pid}`;

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

async function rawRoundTrips(nc: NatsConnection): Promise<number[]> {
  const stream = `${tag}_RAW`.toUpperCase();
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [`${tag}.raw`] });
  await jsm.consumers.add(stream, { durable_name: 'raw', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
  const js = jetstream(nc);
  const consumer = await js.consumers.get(stream, 'raw');
  const messages = await consumer.consume({ max_messages: 64 });
  const latencies: number[] = [];
  let waiting: ((t: number) => void) | undefined;
  void (async () => {
    for await (const message of messages) {
      message.ack();
      waiting?.(nowMs());
    }
  })();
  for (let n = 0; n < ROUND_TRIPS; n++) {
    const sent = nowMs();
    const received = new Promise<number>((resolve) => (waiting = resolve));
    await js.publish(`${tag}.raw`, encode({ n, title: 'document' }));
    latencies.push((await received) - sent);
  }
  await messages.close();
  await jsm.streams.delete(stream);
  return latencies;
}

async function main(): Promise<void> {
  const report = new Report('events');
  // The load generator shares this process: no per-request stack capture, as the source does.
  const nc = await connect({ servers: NATS_URL, timeout: 3000, noAsyncTraces: true });
  const home = mkdtempSync(join(tmpdir(), 'tandem-bench-events-'));
  try {
    console.log(`events: JetStream at ${NATS_URL}; ${ROUND_TRIPS} sequential round trips, then ${DURATION_S}s of sustained load\n`);
    const raw = await rawRoundTrips(nc);

    const store = await openStore({ home });
    const engine = await openBenchEngines({ store, home, concurrency: 8, runners: { process: { run: async () => ({ exitCode: 0 }) } } });
    const catalog = new WorkflowCatalog([
      {
        spec: { name: 'noted', params: { n: { type: 'integer' } }, tasks: [{ name: 'noop', process: { command: '/bin/true' } }] },
        namespace: 'default',
        baseDir: home,
      },
    ]);
    const sensors: SensorSpec[] = [
      { name: 'bench', dependencies: [{ name: 'msg', eventSource: 'queue' }], triggers: [{ name: 'run', workflow: 'noted', params: [{ name: 'n', src: { dependencyName: 'msg', dataKey: 'n' } }] }] },
    ];
    const created = new Map<number, number>(); // n -> time the run was created
    const pipeline = new EventPipeline({
      store,
      engine,
      catalog,
      sensors,
      onEvent: (event, result) => {
        if (result.runIds.length > 0 && !result.duplicate) created.set((event.data as { n: number }).n, nowMs());
      },
    });
    const stream = `${tag}_TANDEM`.toUpperCase();
    const source = new NatsEventSource('queue', {
      url: NATS_URL,
      subject: `${tag}.events`,
      payload: 'msgpack',
      jetStream: { stream, consumer: 'tandem', createStream: true, ackWait: '30s' },
      maxInFlight: 512,
    });
    await source.start(pipeline);
    const js = jetstream(nc);

    // 2. Sequential latency through tandem.
    const sentAt = new Map<number, number>();
    const tandem: number[] = [];
    for (let n = 0; n < ROUND_TRIPS; n++) {
      sentAt.set(n, nowMs());
      await js.publish(`${tag}.events`, encode({ n, title: 'document' }));
      while (!created.has(n)) await new Promise((resolve) => setImmediate(resolve));
      tandem.push(created.get(n)! - sentAt.get(n)!);
    }

    // 3. Sustained throughput.
    const start = ROUND_TRIPS;
    let next = start;
    const loadStart = nowMs();
    const deadline = loadStart + DURATION_S * 1000;
    const publishers = Array.from({ length: 4 }, async () => {
      while (nowMs() < deadline) {
        const batch = Array.from({ length: 64 }, () => js.publish(`${tag}.events`, encode({ n: next++, title: 'document' })));
        await Promise.all(batch);
        // Keep the backlog bounded: publish no further ahead than what tandem has turned into runs.
        while (next - start - (created.size - ROUND_TRIPS) > 4000 && nowMs() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    });
    await Promise.all(publishers);
    const published = next - start;
    const drainDeadline = nowMs() + 60_000;
    while (created.size - ROUND_TRIPS < published && nowMs() < drainDeadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const loadMs = nowMs() - loadStart;
    const sustained = created.size - ROUND_TRIPS;
    await source.stop();
    const runs = await store.listRuns({ workflow: 'noted', limit: 10_000_000 });
    const distinct = new Set(runs.map((r) => r.params.n));
    const lost = published + ROUND_TRIPS - distinct.size;
    const duplicates = runs.length - distinct.size;
    await engine.close();
    await store.close();

    const rawP50 = percentile(raw, 50);
    const rawP99 = percentile(raw, 99);
    const p50 = percentile(tandem, 50);
    const p99 = percentile(tandem, 99);
    console.log(`raw JetStream round trip p50 ${rawP50.toFixed(2)} ms, p99 ${rawP99.toFixed(2)} ms`);
    console.log(`event -> run created     p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`);
    console.log(`sustained: ${published} published, ${sustained} runs in ${(loadMs / 1000).toFixed(1)} s; lost ${lost}, duplicates ${duplicates}\n`);
    report.add('event -> run created, p50, vs raw JetStream round trip', p50, 'ms', rawP50, '-');
    report.add('event -> run created, p99, vs raw JetStream round trip', p99, 'ms', rawP99, '<= raw p99 + 10 ms', { maxValue: rawP99 + 10 });
    report.add('p99 above the raw round trip', p99 - rawP99, 'ms', null, '<=10 ms', { maxValue: 10 });
    report.add(`sustained events/s into persisted runs (${DURATION_S}s)`, (sustained * 1000) / loadMs, 'events/s', null, '>=2000 events/s', { minValue: 2000 });
    report.add('events lost in the sustained run', lost, 'events', null, '0', { maxValue: 0 });
    report.add('duplicate runs in the sustained run', duplicates, 'runs', null, '0', { maxValue: 0 });
    report.finish();
  } finally {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(`${tag}_TANDEM`.toUpperCase()).catch(() => false);
    await nc.close();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
