// Failures injected around the commit point of a JetStream delivery, in a control plane running as
// a child process (serve-child.ts). Ten messages (n = 0..9) each start one `noop` run; message
// n = 3 is the one that fails:
//   before persist   the sink rejects its first delivery before the pipeline sees it → nak,
//                    redelivery, and the second delivery records the event and starts the one run;
//   after the run    the process SIGKILLs itself the moment the run row is committed, before the
//                    event is marked dispatched and long before the ack → after a restart the
//                    redelivered message is recorded as a duplicate of the undispatched event, the
//                    sensor fires again, and the trigger claim hands back the run id already used;
//   after receive    the process SIGKILLs itself once the pipeline resolved (event dispatched, run
//                    stored) but before the ack → the redelivery is answered from the store.
// Each case: exactly ten runs, one per n, and n = 3's run is the first delivery's.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { publishEvents } from '../../src/events/sources/nats/publish.js';
import { openStore } from '../../src/store/sqlite/open.js';
import type { Store } from '../../src/store/store.js';
import { deleteStreams, natsConnection, natsUrl, requireNats, uniquePrefix } from '../helpers/services.js';
import { logLines, sourceHealth, startServeChild, StoreCounts, until, writeNatsProject, type ServeChild } from './helpers.js';

const COUNT = 10;
const VICTIM = 3;
const ACK_WAIT_S = 2;

interface Result {
  eventId: string;
  duplicate: boolean;
  runIds: string[];
}

describe('failure injection around the JetStream commit point', () => {
  const dirs: string[] = [];
  const streams: string[] = [];
  const children: ServeChild[] = [];
  let nc: NatsConnection | undefined;
  after(async () => {
    for (const child of children) await child.kill().catch(() => undefined);
    if (nc) {
      await deleteStreams(nc, ...streams);
      await nc.close();
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh project (own stream, own home); `publish()` sends the ten messages. */
  async function setUp(label: string) {
    const dir = mkdtempSync(join(tmpdir(), `tandem-${label}-`));
    dirs.push(dir);
    const prefix = uniquePrefix(label);
    const stream = prefix.toUpperCase();
    streams.push(stream);
    const subject = `${prefix}.jobs`;
    const file = writeNatsProject(dir, { natsUrl: natsUrl(), subject, stream, ackWaitSeconds: ACK_WAIT_S });
    nc ??= await natsConnection();
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [subject] });
    const connection = nc;
    const publish = async () => {
      const published = await publishEvents({ url: natsUrl(), connection, subject, format: 'msgpack', jetStream: true, count: COUNT, payload: (i: number) => ({ n: i }) });
      assert.equal(published.published, COUNT);
    };
    const home = join(dir, 'home');
    return { file, home, stream, jsm, publish, logFile: join(dir, 'sink.log'), counts: new StoreCounts(home) };
  }

  async function start(file: string, env: Record<string, string>): Promise<ServeChild> {
    const child = await startServeChild(file, env);
    children.push(child);
    return child;
  }

  /** Until every message is dispatched, every run finished and the consumer holds nothing back. */
  async function settled(counts: StoreCounts, jsm: JetStreamManager, stream: string): Promise<void> {
    await until(() => counts.dispatchedEvents() >= COUNT && counts.finishedRuns() >= counts.runs(), () => `${counts.dispatchedEvents()} events dispatched, ${counts.finishedRuns()} of ${counts.runs()} runs finished`);
    await until(
      async () => {
        const info = await jsm.consumers.info(stream, 'tandem');
        return info.num_pending === 0 && info.num_ack_pending === 0 && info.num_redelivered === 0;
      },
      async () => `the consumer still holds messages: ${JSON.stringify(await jsm.consumers.info(stream, 'tandem'))}`,
    );
  }

  /** One run per n, all succeeded; returns the victim's run id. */
  async function assertOneRunEach(store: Store): Promise<string> {
    const runs = await store.listRuns({ workflow: 'noop' });
    assert.deepEqual(runs.map((run) => run.params.n as number).sort((a, b) => a - b), Array.from({ length: COUNT }, (_, n) => n));
    assert.deepEqual(runs.filter((run) => run.status !== 'Succeeded').map((run) => `${run.id} ${run.status}`), []);
    const events = await store.listEvents({ source: 'queue' });
    assert.equal(events.length, COUNT, 'one event per message');
    assert.deepEqual(events.filter((event) => event.status !== 'dispatched').map((event) => event.eventId), []);
    assert.deepEqual(await store.listDeadLetters(), []);
    return runs.find((run) => run.params.n === VICTIM)!.id;
  }

  const results = (logFile: string): Result[] =>
    logLines(logFile)
      .filter((line) => line.startsWith(`result ${VICTIM} `))
      .map((line) => JSON.parse(line.slice(`result ${VICTIM} `.length)) as Result);
  const receives = (logFile: string): number => logLines(logFile).filter((line) => line === `receive ${VICTIM}`).length;

  it('a failure before the event is persisted: nak, redelivery, one run', async (t: TestContext) => {
    if (!(await requireNats(t))) return;
    const { file, home, stream, jsm, publish, logFile, counts } = await setUp('fail-before');
    await publish(); // while no consumer exists yet
    const child = await start(file, { TANDEM_IT_LOG: logFile, TANDEM_IT_FAIL_ONCE: String(VICTIM) });
    try {
      await settled(counts, jsm, stream);
      const health = await sourceHealth(child.url, 'queue');
      assert.equal(health.detail?.counters?.naked, 1, 'the rejected delivery was given back');
      assert.equal(health.detail?.counters?.redelivered, 1);
      assert.equal(health.detail?.counters?.acked, COUNT);
    } finally {
      counts.close();
      await child.stop();
    }
    assert.equal(logLines(logFile).filter((line) => line === `reject ${VICTIM}`).length, 1);
    assert.equal(receives(logFile), 2, 'rejected once, then delivered again');
    const [only, ...more] = results(logFile);
    assert.deepEqual(more, []);
    assert.equal(only?.duplicate, false, 'the first delivery left nothing in the store');
    const store = await openStore({ home });
    try {
      const runId = await assertOneRunEach(store);
      assert.deepEqual(only.runIds, [runId]);
      assert.deepEqual(await store.listRunsForEvent(only.eventId), [runId]);
    } finally {
      await store.close();
    }
  });

  it('SIGKILL right after the run row is committed: redelivery after restart, the claim returns the same run', async (t: TestContext) => {
    if (!(await requireNats(t))) return;
    const { file, home, stream, jsm, publish, logFile, counts } = await setUp('kill-after-run');
    const first = await start(file, { TANDEM_IT_LOG: logFile, TANDEM_IT_KILL_AFTER_RUN: String(VICTIM) });
    await publish(); // once it is ready: the kill must not come before it printed its URL
    assert.equal(await first.exited, 'SIGKILL', 'the child killed itself at the injection point');
    const killLine = logLines(logFile).find((line) => line.startsWith(`kill ${VICTIM} `));
    assert.ok(killLine, 'the run was committed before the kill');
    const committedRunId = killLine.split(' ')[2]!;
    assert.deepEqual(results(logFile), [], 'the pipeline never resolved for the victim');

    // What the crash left: the run row, and its event recorded but not dispatched.
    let store = await openStore({ home });
    try {
      assert.equal((await store.getRun(committedRunId))?.params.n, VICTIM);
      const [event] = (await store.listEvents({ source: 'queue' })).filter((e) => (e.data as { n: number }).n === VICTIM);
      assert.equal(event?.status, 'received');
      assert.deepEqual(await store.listRunsForEvent(event.eventId), [committedRunId]);
    } finally {
      await store.close();
    }

    const second = await start(file, { TANDEM_IT_LOG: logFile });
    try {
      await settled(counts, jsm, stream);
    } finally {
      counts.close();
      await second.stop();
    }
    // The killed delivery; at start-up, the dispatch of the event it left `received`; then the
    // JetStream redelivery, answered from the store.
    assert.equal(receives(logFile), 3);
    const [redispatched, redelivered, ...more] = results(logFile);
    assert.deepEqual(more, []);
    for (const outcome of [redispatched, redelivered]) {
      assert.equal(outcome?.duplicate, true, 'each found the event recorded by the killed process');
      assert.deepEqual(outcome.runIds, [committedRunId], 'the trigger claim handed back the run id already used');
    }
    assert.equal(redispatched!.eventId, redelivered!.eventId);
    store = await openStore({ home });
    try {
      assert.equal(await assertOneRunEach(store), committedRunId);
      assert.deepEqual(await store.listRunsForEvent(redelivered!.eventId), [committedRunId]);
    } finally {
      await store.close();
    }
  });

  it('SIGKILL after the pipeline resolved but before the ack: redelivery is answered from the store', async (t: TestContext) => {
    if (!(await requireNats(t))) return;
    const { file, home, stream, jsm, publish, logFile, counts } = await setUp('kill-before-ack');
    const first = await start(file, { TANDEM_IT_LOG: logFile, TANDEM_IT_KILL_AFTER_RECEIVE: String(VICTIM) });
    await publish();
    assert.equal(await first.exited, 'SIGKILL', 'the child killed itself at the injection point');
    const [before] = results(logFile);
    assert.equal(before?.duplicate, false);
    assert.equal(before.runIds.length, 1);

    const second = await start(file, { TANDEM_IT_LOG: logFile });
    try {
      await settled(counts, jsm, stream);
    } finally {
      counts.close();
      await second.stop();
    }
    assert.equal(receives(logFile), 2);
    const [, redelivered, ...more] = results(logFile);
    assert.deepEqual(more, []);
    assert.equal(redelivered?.duplicate, true);
    assert.deepEqual(redelivered.runIds, before.runIds);
    assert.equal(redelivered.eventId, before.eventId);
    const store = await openStore({ home });
    try {
      assert.equal(await assertOneRunEach(store), before.runIds[0]);
    } finally {
      await store.close();
    }
  });
});
