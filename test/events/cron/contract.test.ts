// The EventSource contract (test/events/source-contract.ts) against the cron source, driven by a
// fake clock (src/events/sources/cron/clock.ts is injectable). The transport is the clock and the
// tick store: a delivery is the clock moved to the next tick, its acknowledgement the tick recorded
// as fired, a redelivery the retry the source arms (with backoff) after the sink refused a tick.
// Run with both catch-up policies that decide what a tick passing while stopped becomes.
import assert from 'node:assert/strict';
import { CronEventSource } from '../../../src/events/sources/cron/source.js';
import type { CronSourceConfig } from '../../../src/events/sources/cron/schema.js';
import { Schedule, tickId } from '../../../src/events/sources/cron/ticks.js';
import type { EventSink } from '../../../src/events/source.js';
import { sourceContract, type Delivery, type SourceUnderTest } from '../source-contract.js';
import { FakeClock, MemoryTickStore } from './fakes.js';

const EVERY_MINUTE = '* * * * *';
const RETRY_MS = 1000;

/** A tick store that can hold its reads (a slow store at start) and fail its reads or writes. */
class ControlledTickStore extends MemoryTickStore {
  failReads = false;
  failWrites = false;
  constructor(private readonly holdReads?: Promise<void>) {
    super();
  }
  override async getCronTick(source: string, schedule: string): Promise<number | undefined> {
    await this.holdReads;
    if (this.failReads) throw new Error('tick store unavailable');
    return super.getCronTick(source, schedule);
  }
  override async setCronTick(source: string, schedule: string, tick: number): Promise<void> {
    if (this.failWrites) throw new Error('tick store unavailable');
    return super.setCronTick(source, schedule, tick);
  }
}

/** Time does not move by itself: firing a due timer must not wait for the sink (which may be held). */
const noSettle = async (): Promise<void> => undefined;

function cronSource(catchUp: 'none' | 'all', holdReads?: Promise<void>) {
  const name = `cron-${catchUp}`;
  const config: CronSourceConfig = { schedules: [EVERY_MINUTE], timezone: 'UTC', catchUp: { policy: catchUp } };
  // Half past a minute: the next tick is half a minute away.
  const clock = new FakeClock(Date.parse('2025-01-01T12:00:30Z'));
  const store = new ControlledTickStore(holdReads);
  const source = new CronEventSource(name, config, store, { clock, retry: { initialMs: RETRY_MS, maxMs: RETRY_MS } });
  const schedule = new Schedule(EVERY_MINUTE, 'UTC');
  const ticks = new Map<string, number>();

  const under: SourceUnderTest = {
    source,
    async deliver(): Promise<Delivery> {
      // The previous tick's recording done (the sink is not holding one), so the timer is armed.
      await source.idle();
      const tick = schedule.next(clock.now());
      assert.ok(tick !== undefined);
      const id = tickId(name, 0, tick);
      ticks.set(id, tick);
      await clock.advanceTo(tick, noSettle);
      return { id };
    },
    async isAcknowledged(delivery: Delivery): Promise<boolean> {
      const recorded = await store.getCronTick(name, EVERY_MINUTE);
      return recorded !== undefined && recorded >= (ticks.get(delivery.id) ?? Number.POSITIVE_INFINITY);
    },
    async redeliver(): Promise<void> {
      await source.idle();
      assert.ok(clock.pending >= 1, 'a retry is armed after the refused tick');
      assert.match(source.health().lastError ?? '', /rejecting/);
      await clock.advanceTo(clock.now() + RETRY_MS, noSettle);
    },
    async settleWhileStopped(): Promise<void> {
      assert.equal(clock.pending, 0, 'a stopped cron source keeps no timer');
    },
    close: () => source.stop(),
  };
  return { under, source, store, clock };
}

for (const catchUp of ['none', 'all'] as const) {
  sourceContract({
    name: `cron (catchUp: ${catchUp}, fake clock)`,
    rejected: { redelivers: true },
    // With catchUp all, a tick that passed while stopped is fired on the next start; with none it is skipped.
    keepsWhileStopped: catchUp === 'all',
    canHoldStart: true,
    async create(options) {
      return cronSource(catchUp, options?.holdStart).under;
    },
    async unreachable() {
      const { under, store } = cronSource(catchUp);
      store.failReads = true;
      return under.source;
    },
    async interruptible(sink: EventSink) {
      const { under, source, store, clock } = cronSource(catchUp);
      await source.start(sink);
      return {
        under,
        // The tick store fails while a tick is handed over: the tick is retried, the source says so.
        async interrupt() {
          store.failWrites = true;
          await under.deliver();
          await source.idle();
        },
        async restore() {
          store.failWrites = false;
          await clock.advanceTo(clock.now() + RETRY_MS, noSettle);
        },
      };
    },
  });
}
