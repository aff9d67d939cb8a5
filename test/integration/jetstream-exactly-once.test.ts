// Exactly once through JetStream, across restarts: 10,000 MessagePack messages, each with a unique
// `n`, make exactly 10,000 runs (one per `n`, none lost, none twice) although the control plane —
// a child process running serve-child.ts — is restarted five times while they flow, once by
// kill -9, and one handler (n = 4242) takes 1.5 × ackWait before it even reaches the pipeline.
//
// Publishing, in six batches around the restarts (the stream is created up front, so the first
// batch waits for a consumer that does not exist yet):
//   A    0–1999  before the first start (no consumer yet)
//   life 1: B 2000–3999 published while it runs; SIGTERM once ≥ 3000 events are dispatched
//   C 4000–5999  while stopped
//   life 2: slow n = 4242 (6 s, ackWait 4 s); after it ended, D 6000–7999 published while it
//           runs; kill -9 once ≥ 6300 events are dispatched and n = 7000 is held: its event and
//           run are stored but the sink never returns, so it is certainly unacknowledged at the kill
//           (most deliveries go from pull to ack in one uninterrupted stretch of synchronous
//           SQLite work, so a kill rarely lands between the two by itself)
//   life 3: SIGTERM once ≥ 7500 events are dispatched (the killed deliveries come back after ackWait)
//   E 8000–8999  while stopped
//   life 4: F 9000–9999 published while it runs; SIGTERM once ≥ 9300 events are dispatched
//   life 5: SIGTERM at once after start
//   life 6: runs until all 10,000 events are dispatched, every run finished and the consumer has
//           nothing pending or unacknowledged; then SIGTERM.
// Then the store (opened here, after the last child stopped) is counted by distinct params.n.
// The slow message must have reached the sink once and been kept in progress with working(): the
// source's `expired` counter (a message sent again because its ack timer ran out while it was
// still held here) stays 0. Its `duplicates` may not: nats-server 2.9 now and then sends one
// message twice as the same delivery, which the source settles with the first.
// Every run really executes (/bin/true, engine concurrency 8) and must finish Succeeded. On a
// quiet 2-core machine the whole test takes about 25–30 s (events dispatch at ~900/s, runs finish at
// ~500/s). ackWait is 4 s: keep-alives go out every third of it, so an event loop held up for
// more than ~2.6 s by a loaded machine would be needed to let one lapse. Under a load average of
// 25 on 2 cores it took 243 s, hence its own 10-minute limit (the runner's default is 2 minutes).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { publishEvents } from '../../src/events/sources/nats/publish.js';
import { openStore } from '../../src/store/sqlite/open.js';
import { deleteStreams, natsConnection, natsUrl, requireNats, uniquePrefix } from '../helpers/services.js';
import { logLines, sourceHealth, startServeChild, StoreCounts, until, writeNatsProject, type ServeChild } from './helpers.js';

const TOTAL = 10_000;
const SLOW_N = 4242;
const ACK_WAIT_S = 4;
const SLOW_MS = 1.5 * ACK_WAIT_S * 1000;
const HELD_N = 7000;

describe('JetStream → runs, exactly once across restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-exactly-once-'));
  const prefix = uniquePrefix('once');
  const stream = prefix.toUpperCase();
  const subject = `${prefix}.jobs`;
  let nc: NatsConnection | undefined;
  let child: ServeChild | undefined;
  after(async () => {
    if (child) await child.kill().catch(() => undefined);
    if (nc) {
      await deleteStreams(nc, stream);
      await nc.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('10,000 messages, 5 restarts (one kill -9), one handler slower than ackWait → 10,000 runs, 0 duplicates, 0 lost, 0 keep-alives lapsed', { timeout: 600_000 }, async (t) => {
    if (!(await requireNats(t))) return;
    const began = Date.now();
    const elapsed = () => `${((Date.now() - began) / 1000).toFixed(1)}s`;
    const file = writeNatsProject(dir, { natsUrl: natsUrl(), subject, stream, ackWaitSeconds: ACK_WAIT_S });
    const home = join(dir, 'home');
    const logFile = join(dir, 'sink.log');
    const counts = new StoreCounts(home);
    nc = await natsConnection();
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [subject] });
    const connection = nc;
    const publish = async (from: number, to: number) => {
      const result = await publishEvents({ url: natsUrl(), connection, subject, format: 'msgpack', jetStream: true, count: to - from, payload: (i: number) => ({ n: from + i }) });
      assert.equal(result.published, to - from);
    };
    const dispatched = (at: number) =>
      until(() => counts.dispatchedEvents() >= at, () => `${counts.dispatchedEvents()} of ${at} events dispatched (${elapsed()})`, 60_000, 10);
    const start = async (env: Record<string, string> = {}) => {
      child = await startServeChild(file, { TANDEM_IT_LOG: logFile, ...env });
      return child;
    };
    const phases: string[] = [];
    const mark = (what: string) => phases.push(`${elapsed()} ${what} (dispatched ${counts.dispatchedEvents()}, runs ${counts.runs()}, finished ${counts.finishedRuns()})`);

    try {
      await publish(0, 2000);
      mark('A published, no consumer yet');

      let life = await start();
      await publish(2000, 4000);
      await dispatched(3000);
      await life.stop();
      mark('life 1 stopped (SIGTERM) — restart 1');

      await publish(4000, 6000);
      life = await start({ TANDEM_IT_SLOW: `${SLOW_N}:${SLOW_MS}`, TANDEM_IT_HOLD: String(HELD_N) });
      await until(() => logLines(logFile).includes(`slow-end ${SLOW_N}`), () => `the slow handler of ${SLOW_N} to end (${elapsed()})`, 60_000);
      // Let the slow delivery's ack go out before reading the counters.
      await until(() => counts.dispatchedEvents() >= 6000, () => `${counts.dispatchedEvents()} of 6000 events dispatched`, 60_000, 20);
      const afterSlow = await sourceHealth(life.url, 'queue');
      assert.equal(afterSlow.detail?.counters?.expired, 0, `a message was redelivered while still held here (its keep-alive lapsed): ${JSON.stringify(afterSlow.detail)}; last problem: ${afterSlow.lastError}`);
      await publish(6000, 8000);
      await dispatched(6300);
      await until(() => logLines(logFile).includes(`hold ${HELD_N}`), () => `n = ${HELD_N} to be held (${elapsed()})`, 60_000, 20);
      const inFlightAtKill = (await sourceHealth(life.url, 'queue')).detail?.inFlight ?? 0;
      await life.kill();
      mark(`life 2 killed (SIGKILL) with ${inFlightAtKill} deliveries in the pipeline — restart 2`);

      life = await start();
      await dispatched(7500);
      await life.stop();
      mark('life 3 stopped (SIGTERM) — restart 3');

      await publish(8000, 9000);
      life = await start();
      await publish(9000, 10_000);
      await dispatched(9300);
      await life.stop();
      mark('life 4 stopped (SIGTERM) — restart 4');

      life = await start();
      await life.stop();
      mark('life 5 stopped (SIGTERM) at once — restart 5');

      life = await start();
      await dispatched(TOTAL);
      await until(() => counts.finishedRuns() >= TOTAL, () => `${counts.finishedRuns()} of ${counts.runs()} runs finished (${elapsed()})`, 90_000, 200);
      await until(
        async () => {
          const info = await jsm.consumers.info(stream, 'tandem');
          return info.num_pending === 0 && info.num_ack_pending === 0;
        },
        async () => `the consumer still has work: ${JSON.stringify(await jsm.consumers.info(stream, 'tandem').then((i) => ({ pending: i.num_pending, ackPending: i.num_ack_pending })))}`,
        30_000,
      );
      await life.stop();
      child = undefined;
      mark('life 6 stopped: everything dispatched, finished and acknowledged');
    } finally {
      counts.close();
    }

    const store = await openStore({ home });
    try {
      const runs = await store.listRuns({ workflow: 'noop' });
      const byN = new Map<number, number>();
      for (const run of runs) byN.set(run.params.n as number, (byN.get(run.params.n as number) ?? 0) + 1);
      const duplicated = [...byN].filter(([, count]) => count > 1).map(([n]) => n);
      const lost: number[] = [];
      for (let n = 0; n < TOTAL; n++) if (!byN.has(n)) lost.push(n);
      const strays = [...byN.keys()].filter((n) => !(Number.isInteger(n) && n >= 0 && n < TOTAL));
      assert.deepEqual({ duplicated: duplicated.slice(0, 20), lost: lost.slice(0, 20), strays }, { duplicated: [], lost: [], strays: [] });
      assert.equal(runs.length, TOTAL, 'exactly one run per message');
      assert.equal(byN.size, TOTAL);
      const notSucceeded = runs.filter((run) => run.status !== 'Succeeded');
      assert.deepEqual(notSucceeded.slice(0, 5).map((run) => `${run.id} n=${String(run.params.n)} ${run.status} ${run.message ?? ''}`), []);

      const events = await store.listEvents({ source: 'queue' });
      assert.equal(events.length, TOTAL, 'one event per message, whatever the redeliveries');
      assert.equal(events.filter((event) => event.status !== 'dispatched').length, 0);
      assert.deepEqual(await store.listDeadLetters(), []);
    } finally {
      await store.close();
    }

    const lines = logLines(logFile);
    assert.equal(lines.filter((line) => line === `receive ${SLOW_N}`).length, 1, 'the slow message reached the sink once');
    assert.equal(lines.filter((line) => line === `slow-end ${SLOW_N}`).length, 1);
    // The held message came back after the kill and found the run its first delivery started.
    assert.equal(lines.filter((line) => line === `receive ${HELD_N}`).length, 2, 'the held message was redelivered after the kill');
    const held = lines.filter((line) => line.startsWith(`result ${HELD_N} `)).map((line) => JSON.parse(line.slice(`result ${HELD_N} `.length)) as { duplicate: boolean; runIds: string[] });
    assert.equal(held.length, 2);
    assert.equal(held[0]!.duplicate, false);
    assert.equal(held[1]!.duplicate, true);
    assert.equal(held[0]!.runIds.length, 1);
    assert.deepEqual(held[1]!.runIds, held[0]!.runIds);
    const sinkCalls = lines.filter((line) => line.startsWith('receive ')).length;
    t.diagnostic(`sink calls: ${sinkCalls} for ${TOTAL} messages (${sinkCalls - TOTAL} redeliveries)`);
    for (const phase of phases) t.diagnostic(phase);
    t.diagnostic(`total ${elapsed()}`);
  });
});
