// The EventSource contract (src/events/source.ts), one suite for every adapter. An adapter's test
// file calls sourceContract(fixture) with a fixture that knows its transport: how to start a
// source on a transport of its own, how to make the transport deliver one event, how to tell
// whether the transport was acknowledged, and what it does with a delivery the sink rejected. A
// future source runs the same suite by writing a fixture.
//
// What it pins: start and stop are idempotent (start twice, stop twice, stop before start, start
// again after stop) and taken in call order (a stop during start, a start during stop); health
// goes starting → connected → stopped, and a source that cannot reach its transport says `failed`
// and why, and `stopped` after stop() (and, where the fixture can take the transport away while
// running, `reconnecting` and back); each transport delivery is handed to the sink exactly once
// and acknowledged only after the sink resolved; a delivery the sink rejected comes again under
// the same source id (or, where the transport cannot redeliver, is reported as documented); stop()
// lets a delivery in the sink finish, and nothing reaches the sink while stopped.
//
// No timing assertions: every wait is for a condition, with a generous deadline, so the suite
// passes on a loaded machine. (The one short timer, in the stop test, can only make a broken
// stop() pass, never a correct one fail.)
//
// Run from test/events/{nats,webhook,cron}/contract.test.ts (the runner picks up *.test.ts only).
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { IncomingEvent } from '../../src/events/model.js';
import type { DispatchResult, EventSink, EventSource, SourceState } from '../../src/events/source.js';

/** One event the transport was made to deliver: the source id the event will carry. */
export interface Delivery {
  readonly id: string;
}

/** A source on a transport of its own, and the levers the suite pulls on that transport. */
export interface SourceUnderTest {
  readonly source: EventSource;
  /**
   * Makes the transport deliver one new event (a publish, a POST, the clock moved to the next
   * tick) and resolves once it is on its way, not once the sink has it. Never called while the
   * sink is holding a delivery of this source.
   */
  deliver(): Promise<Delivery>;
  /**
   * Whether the transport has been told the delivery is done: a JetStream ack, a 2xx answer, a
   * tick recorded as fired. Absent for a transport with nothing to acknowledge (core NATS).
   */
  isAcknowledged?(delivery: Delivery): Promise<boolean>;
  /**
   * After the sink rejected `delivery`: checks the transport was told to try again (a 503 with
   * Retry-After...) and does what the transport or its sender does next (nothing for JetStream,
   * which redelivers by itself; the sender's retry for a webhook; the clock moved past the retry
   * backoff for cron). Present only when the fixture's transport redelivers.
   */
  redeliver?(delivery: Delivery): Promise<void>;
  /**
   * Called on a stopped source after deliver(): resolves once the transport has dealt with that
   * delivery (published and stored, refused with a 503, the clock moved), checking what it can.
   */
  settleWhileStopped(delivery: Delivery): Promise<void>;
  /** Stops the source and releases the transport (streams, servers, listeners). */
  close(): Promise<void>;
}

export interface SourceFixture {
  /** Names the describe block, e.g. "nats (JetStream)". */
  readonly name: string;
  /** What the transport does with a delivery the sink rejected, as the adapter's docs say. */
  readonly rejected: { redelivers: true } | { redelivers: false; reported: RegExp };
  /** True when a delivery made while stopped is kept by the transport and handed over after the next start. */
  readonly keepsWhileStopped: boolean;
  /** Whether the test can run here; false skips it (the fixture says why, loudly). */
  available?(t: TestContext): Promise<boolean>;
  /**
   * A new source, not started. With `holdStart`, start() must not resolve before that promise
   * does (the fixture holds the connect or the store read), so `starting` can be observed.
   */
  create(options?: { holdStart?: Promise<void> }): Promise<SourceUnderTest>;
  /** Whether create() honours holdStart (a source whose start has nothing to wait for cannot). */
  readonly canHoldStart: boolean;
  /** A source whose transport cannot be reached: NATS at a closed port, a secret that is not there, a store that fails. */
  unreachable(): Promise<EventSource>;
  /**
   * A started source whose transport the fixture can take away (`interrupt`, which returns once
   * the source has had a chance to notice: a server killed, a tick whose recording fails) and
   * bring back (`restore`). Optional: not every transport can fail while the source runs.
   */
  interruptible?(sink: EventSink): Promise<{ under: SourceUnderTest; interrupt(): Promise<void>; restore(): Promise<void> }>;
  /**
   * Whether interruptible() can run here (it may need a tool of its own, e.g. a nats-server binary);
   * false skips the test, through test/helpers/skip.ts, which fails it under CI=true instead.
   */
  interruptibleHere?(t: TestContext): boolean;
}

const DEADLINE_MS = 60_000;

async function waitUntil(what: string, done: () => boolean | Promise<boolean>, describeState: () => string = () => ''): Promise<void> {
  const until = Date.now() + DEADLINE_MS;
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${describeState() ? `: ${describeState()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A sink that records every call and can hold or reject the next one. "Next" rather than "for this
 * id": the id is known only once the transport has delivered (a JetStream sequence), and by then
 * the sink may have been called.
 */
class ContractSink implements EventSink {
  readonly calls: IncomingEvent[] = [];
  private next: { hold?: Promise<void>; reject?: boolean } | undefined;

  /** The next call waits until the returned function is called. */
  holdNext(): () => void {
    let release: () => void = () => undefined;
    this.next = { hold: new Promise<void>((resolve) => (release = resolve)) };
    return () => release();
  }

  /** The next call rejects, as a failing store would. */
  rejectNext(): void {
    this.next = { reject: true };
  }

  count(id: string): number {
    return this.calls.filter((event) => event.id === id).length;
  }

  async receive(event: IncomingEvent): Promise<DispatchResult> {
    this.calls.push(event);
    const behaviour = this.next;
    this.next = undefined;
    await behaviour?.hold;
    if (behaviour?.reject) throw new Error(`contract sink: rejecting ${event.id}`);
    return { eventId: `ev-${this.calls.length}`, duplicate: this.count(event.id) > 1, runIds: [] };
  }
}

function state(source: EventSource): SourceState {
  return source.health().state;
}

/** Waits until the sink has seen `delivery` `times` times. */
function arrived(sink: ContractSink, delivery: Delivery, times = 1): Promise<void> {
  return waitUntil(`${times} call(s) for ${delivery.id}`, () => sink.count(delivery.id) >= times, () => `calls: ${sink.calls.map((e) => e.id).join(', ')}`);
}

function acknowledged(under: SourceUnderTest, delivery: Delivery): Promise<void> {
  const check = under.isAcknowledged;
  if (check === undefined) return Promise.resolve();
  return waitUntil(`the transport to be acknowledged for ${delivery.id}`, () => check.call(under, delivery));
}

/**
 * Delivers a sentinel and waits for it: transports deliver in order, so once the sink has the
 * sentinel, every copy of what was delivered before it has arrived too.
 */
async function drain(under: SourceUnderTest, sink: ContractSink): Promise<void> {
  const sentinel = await under.deliver();
  await arrived(sink, sentinel);
  await acknowledged(under, sentinel);
}

export function sourceContract(fixture: SourceFixture): void {
  /** Runs a test body against a fresh source, skipping when the fixture's transport is not here. */
  async function withSource(t: TestContext, body: (under: SourceUnderTest, sink: ContractSink) => Promise<void>, options?: { holdStart?: Promise<void> }): Promise<void> {
    if (fixture.available && !(await fixture.available(t))) return;
    const under = await fixture.create(options);
    try {
      await body(under, new ContractSink());
    } finally {
      await under.close();
    }
  }

  void describe(`EventSource contract: ${fixture.name}`, () => {
    void it('starts and stops idempotently: stop before start, start twice, stop twice, start again', async (t) => {
      await withSource(t, async (under, sink) => {
        const { source } = under;
        assert.notEqual(state(source), 'connected', 'connected before start()');
        await source.stop();
        assert.equal(state(source), 'stopped', 'stop() before start()');

        await Promise.all([source.start(sink), source.start(sink)]);
        await source.start(sink);
        assert.equal(state(source), 'connected');
        const first = await under.deliver();
        await arrived(sink, first);
        await acknowledged(under, first);
        await drain(under, sink);
        assert.equal(sink.count(first.id), 1, 'three start() calls, one intake');

        await source.stop();
        await source.stop();
        assert.equal(state(source), 'stopped');

        await source.start(sink);
        assert.equal(state(source), 'connected', 'started again after stop()');
        const again = await under.deliver();
        await arrived(sink, again);
        await acknowledged(under, again);
      });
    });

    void it('takes start() and stop() in the order they are called, each waiting for the other', async (t) => {
      let release: () => void = () => undefined;
      const holdStart = fixture.canHoldStart ? new Promise<void>((resolve) => (release = resolve)) : undefined;
      await withSource(
        t,
        async (under, sink) => {
          const { source } = under;
          // A stop made while start() is under way: the connection being opened does not outlive it.
          const started = source.start(sink);
          const stopped = source.stop();
          release();
          await Promise.all([started, stopped]);
          assert.equal(state(source), 'stopped', 'start() then stop(): stopped');
          const lost = await under.deliver();
          await under.settleWhileStopped(lost);
          assert.equal(sink.count(lost.id), 0, 'a stopped source handed an event to the sink');

          // A start made while stop() is under way begins after it, on a transport of its own.
          await source.start(sink);
          const stopping = source.stop();
          const restarted = source.start(sink);
          await Promise.all([stopping, restarted]);
          assert.equal(state(source), 'connected', 'stop() then start(): connected');
          const delivery = await under.deliver();
          await arrived(sink, delivery);
          await acknowledged(under, delivery);
        },
        holdStart !== undefined ? { holdStart } : undefined,
      );
    });

    void it('reports starting while start() is under way, then connected, then stopped, counting what it received', async (t) => {
      if (!fixture.canHoldStart) {
        t.diagnostic(`${fixture.name}: start() has nothing to wait for; starting is only seen before it`);
      }
      let release: () => void = () => undefined;
      const holdStart = fixture.canHoldStart ? new Promise<void>((resolve) => (release = resolve)) : undefined;
      await withSource(
        t,
        async (under, sink) => {
          const { source } = under;
          const started = source.start(sink);
          if (holdStart !== undefined) {
            assert.equal(state(source), 'starting');
            release();
          }
          await started;
          assert.equal(state(source), 'connected');
          assert.equal(source.health().received, 0);
          const delivery = await under.deliver();
          await arrived(sink, delivery);
          await acknowledged(under, delivery);
          await waitUntil('received to count the event', () => source.health().received >= 1);
          const health = source.health();
          assert.equal(health.name, source.name);
          assert.equal(health.kind, source.kind);
          await source.stop();
          assert.equal(state(source), 'stopped');
        },
        holdStart !== undefined ? { holdStart } : undefined,
      );
    });

    void it('says failed, and why, when its transport cannot be reached; start() can be tried again', async (t) => {
      if (fixture.available && !(await fixture.available(t))) return;
      const source = await fixture.unreachable();
      const sink = new ContractSink();
      try {
        await assert.rejects(source.start(sink));
        assert.equal(state(source), 'failed');
        assert.ok(source.health().lastError, 'lastError says why');
        // Not remembered as started: the control plane retries start() with backoff.
        await assert.rejects(source.start(sink));
        assert.equal(state(source), 'failed');
      } finally {
        await source.stop();
      }
      assert.equal(state(source), 'stopped', 'stop() after a failed start');
      assert.ok(source.health().lastError, 'stop() keeps why it failed');
      assert.equal(sink.calls.length, 0);
    });

    // Only for a transport that can fail while the source runs (not a webhook's): the test is not
    // registered at all for the others, rather than skipped, since nothing is missing.
    const interruptible = fixture.interruptible?.bind(fixture);
    if (interruptible) void it('reports a transport lost while running, and is connected again once it is back', async (t) => {
      if (fixture.available && !(await fixture.available(t))) return;
      if (fixture.interruptibleHere && !fixture.interruptibleHere(t)) return;
      const sink = new ContractSink();
      const { under, interrupt, restore } = await interruptible(sink);
      try {
        assert.equal(state(under.source), 'connected');
        await interrupt();
        await waitUntil('the source to report the lost transport', () => state(under.source) === 'reconnecting', () => state(under.source));
        assert.ok(under.source.health().lastError, 'lastError says what happened');
        await restore();
        await waitUntil('the source to be connected again', () => state(under.source) === 'connected', () => state(under.source));
        const delivery = await under.deliver();
        await arrived(sink, delivery);
        await acknowledged(under, delivery);
      } finally {
        await under.close();
      }
    });

    void it('hands each delivery to the sink once, and acknowledges it only after the sink resolved', async (t) => {
      await withSource(t, async (under, sink) => {
        await under.source.start(sink);
        const release = sink.holdNext();
        const held = await under.deliver();
        await arrived(sink, held);
        if (under.isAcknowledged) assert.equal(await under.isAcknowledged(held), false, 'acknowledged while the sink had not resolved');
        release();
        await acknowledged(under, held);
        await drain(under, sink);
        assert.equal(sink.count(held.id), 1, `${held.id} handed to the sink once`);
      });
    });

    void it(
      fixture.rejected.redelivers
        ? 'gets a delivery the sink rejected again, under the same source id, and acknowledges it then'
        : 'reports a delivery the sink rejected, which its transport cannot redeliver, and goes on',
      async (t) => {
        await withSource(t, async (under, sink) => {
          await under.source.start(sink);
          sink.rejectNext();
          const delivery = await under.deliver();
          await arrived(sink, delivery);
          if (fixture.rejected.redelivers) {
            assert.ok(under.redeliver, 'a fixture whose transport redelivers says how');
            await under.redeliver(delivery);
            await arrived(sink, delivery, 2);
            await acknowledged(under, delivery);
            const [first, second] = sink.calls.filter((event) => event.id === delivery.id);
            // The same event: what the pipeline keys it by and what sensors match on. Not its time or
            // data, which may say when it was received or fired (a plain webhook's, a cron tick's).
            const attributes = (event: IncomingEvent | undefined) => event && { sourceName: event.sourceName, id: event.id, source: event.source, type: event.type, subject: event.subject };
            assert.deepEqual(attributes(second), attributes(first), 'the same event came again');
            // A source may say it is struggling while its sink refuses (cron does); not once it is taken.
            await waitUntil('the source to be connected', () => state(under.source) === 'connected', () => state(under.source));
          } else {
            const reported = fixture.rejected.reported;
            await waitUntil('the rejection to be reported', () => reported.test(under.source.health().lastError ?? ''), () => under.source.health().lastError ?? '');
            await drain(under, sink);
            assert.equal(sink.count(delivery.id), 1, 'not redelivered');
            assert.equal(state(under.source), 'connected');
          }
        });
      },
    );

    void it('lets a delivery in the sink finish on stop(), and takes nothing while stopped', async (t) => {
      await withSource(t, async (under, sink) => {
        await under.source.start(sink);
        const release = sink.holdNext();
        const held = await under.deliver();
        await arrived(sink, held);
        const stopping = under.source.stop();
        const early = await Promise.race([stopping.then(() => 'stopped'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 50))]);
        assert.equal(early, 'waiting', 'stop() resolved while the sink still held a delivery');
        release();
        await stopping;
        assert.equal(state(under.source), 'stopped');
        await acknowledged(under, held);

        const whileStopped = await under.deliver();
        await under.settleWhileStopped(whileStopped);
        assert.equal(sink.count(whileStopped.id), 0, 'a stopped source handed an event to the sink');

        await under.source.start(sink);
        if (fixture.keepsWhileStopped) await arrived(sink, whileStopped);
        const after = await under.deliver();
        await arrived(sink, after);
        await acknowledged(under, after);
        assert.equal(sink.count(held.id), 1);
      });
    });
  });
}
