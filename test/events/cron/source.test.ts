import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CronEventSource, type CronSourceOptions } from '../../../src/events/sources/cron/source.js';
import type { CronSourceConfig } from '../../../src/events/sources/cron/schema.js';
import { FakeClock, MemoryTickStore, RecordingSink } from './fakes.js';

const at = (iso: string): number => Date.parse(iso);
const EVERY_MINUTE = '* * * * *';

function setup(config: CronSourceConfig, now: number, store = new MemoryTickStore(), options: CronSourceOptions = {}) {
  const clock = new FakeClock(now);
  const sink = new RecordingSink();
  const source = new CronEventSource('nightly', config, store, { clock, ...options });
  const advanceTo = (iso: string) => clock.advanceTo(at(iso), () => source.idle());
  return { clock, sink, source, store, advanceTo };
}

void describe('cron source: catch-up after downtime', () => {
  // The last tick fired at 12:00; the server came back at 12:03:30, so 12:01, 12:02 and 12:03 were missed.
  const lastFired = at('2025-01-01T12:00:00Z');
  const restartAt = at('2025-01-01T12:03:30Z');
  const seeded = (): MemoryTickStore => {
    const store = new MemoryTickStore();
    store.ticks.set(`nightly\u0000${EVERY_MINUTE}`, lastFired);
    return store;
  };

  const cases: Array<{ policy: 'none' | 'last' | 'all'; limit?: number; expected: string[] }> = [
    { policy: 'none', expected: [] },
    { policy: 'last', expected: ['2025-01-01T12:03:00.000Z'] },
    { policy: 'all', expected: ['2025-01-01T12:01:00.000Z', '2025-01-01T12:02:00.000Z', '2025-01-01T12:03:00.000Z'] },
    { policy: 'all', limit: 2, expected: ['2025-01-01T12:02:00.000Z', '2025-01-01T12:03:00.000Z'] },
  ];
  for (const { policy, limit, expected } of cases) {
    void it(`${policy}${limit ? ` (limit ${limit})` : ''} fires ${expected.length} catch-up tick(s), oldest first, once across restarts`, async () => {
      const store = seeded();
      const config: CronSourceConfig = { schedules: [EVERY_MINUTE], catchUp: { policy, ...(limit ? { limit } : {}) } };
      const first = setup(config, restartAt, store);
      await first.source.start(first.sink);
      await first.source.start(first.sink); // a second start of the same source does nothing
      assert.deepEqual(first.sink.scheduled, expected);
      assert.ok(first.sink.events.every((e) => (e.data as { catchUp: boolean }).catchUp));
      assert.deepEqual(first.sink.events.map((e) => e.id), expected.map((iso) => `nightly/0/${iso}`));
      await first.source.stop();

      // Restart (a new process, same store), still at 12:03:30: nothing fires again.
      const second = setup(config, restartAt, store);
      await second.source.start(second.sink);
      assert.deepEqual(second.sink.scheduled, []);

      // The next regular tick fires on time and is not a catch-up.
      await second.advanceTo('2025-01-01T12:04:10Z');
      assert.deepEqual(second.sink.scheduled, ['2025-01-01T12:04:00.000Z']);
      assert.equal((second.sink.events[0]?.data as { catchUp: boolean }).catchUp, false);
      assert.equal(await store.getCronTick('nightly', EVERY_MINUTE), at('2025-01-01T12:04:00Z'));
      await second.source.stop();
    });
  }

  void it('fires nothing to catch up on a first start', async () => {
    const { source, sink } = setup({ schedules: [EVERY_MINUTE], catchUp: { policy: 'all' } }, restartAt);
    await source.start(sink);
    assert.equal(sink.events.length, 0);
    assert.equal(source.health().detail?.schedules instanceof Array, true);
    await source.stop();
  });

  void it('finds the latest ticks of a long outage without walking all of them', async () => {
    const store = new MemoryTickStore();
    store.ticks.set('nightly\u0000* * * * * *', at('2024-01-01T00:00:00Z'));
    const { source, sink } = setup({ schedules: ['* * * * * *'], catchUp: { policy: 'all', limit: 5 } }, at('2025-01-01T00:00:00.500Z'), store);
    // A year of per-second ticks is ~31.5 million steps if walked; looking back in windows is a few hundred.
    await source.start(sink);
    assert.deepEqual(sink.scheduled, ['2024-12-31T23:59:56.000Z', '2024-12-31T23:59:57.000Z', '2024-12-31T23:59:58.000Z', '2024-12-31T23:59:59.000Z', '2025-01-01T00:00:00.000Z']);
    await source.stop();
  });
});

void describe('cron source: regular ticks', () => {
  void it('fires each tick on time with a stable id and the documented data', async () => {
    const { source, sink, advanceTo, store } = setup({ schedules: [EVERY_MINUTE, '*/2 * * * *'], concurrencyPolicy: 'Forbid' }, at('2025-01-01T12:00:30Z'));
    await source.start(sink);
    await advanceTo('2025-01-01T12:04:00Z');
    // Two schedules due at the same instant fire in either order.
    assert.deepEqual(
      sink.events.map((e) => e.id).sort(),
      [
        'nightly/0/2025-01-01T12:01:00.000Z',
        'nightly/0/2025-01-01T12:02:00.000Z',
        'nightly/1/2025-01-01T12:02:00.000Z',
        'nightly/0/2025-01-01T12:03:00.000Z',
        'nightly/0/2025-01-01T12:04:00.000Z',
        'nightly/1/2025-01-01T12:04:00.000Z',
      ].sort(),
    );
    const event = sink.events[0];
    assert.equal(event?.type, 'dev.tandem.cron.tick');
    assert.equal(event?.source, 'cron/nightly');
    assert.equal(event?.time, '2025-01-01T12:01:00.000Z');
    assert.deepEqual(event?.data, { schedule: EVERY_MINUTE, scheduledTime: '2025-01-01T12:01:00.000Z', firedTime: '2025-01-01T12:01:00.000Z', catchUp: false });
    assert.deepEqual(event?.extensions, { concurrencypolicy: 'Forbid', scheduleindex: '0' });
    assert.equal(await store.getCronTick('nightly', '*/2 * * * *'), at('2025-01-01T12:04:00Z'));
    assert.equal(source.health().received, 6);
    await source.stop();
  });

  void it('delays firing by the jitter, keeping the tick identity', async () => {
    const { source, sink, advanceTo } = setup({ schedules: [EVERY_MINUTE], jitter: '10s' }, at('2025-01-01T12:00:30Z'), undefined, { random: () => 0.5 });
    await source.start(sink);
    await advanceTo('2025-01-01T12:01:04.999Z');
    assert.equal(sink.events.length, 0);
    await advanceTo('2025-01-01T12:01:05Z');
    assert.equal(sink.events[0]?.id, 'nightly/0/2025-01-01T12:01:00.000Z');
    assert.equal((sink.events[0]?.data as { firedTime: string }).firedTime, '2025-01-01T12:01:05.000Z');
    await source.stop();
  });

  void it('persists a tick only after the sink took it, and retries a refused tick with the same id', async () => {
    const { source, sink, advanceTo, store } = setup({ schedules: [EVERY_MINUTE] }, at('2025-01-01T12:00:30Z'), undefined, { retry: { initialMs: 1000, maxMs: 4000 } });
    await source.start(sink);
    sink.failures = 3;
    // Attempts at 12:01:00 and :01 (1 s later) fail; the third is due at :03 (2 s), the fourth at :07 (4 s).
    await advanceTo('2025-01-01T12:01:02.500Z');
    assert.equal(sink.attempts, 2);
    assert.equal(await store.getCronTick('nightly', EVERY_MINUTE), undefined);
    assert.equal(source.health().state, 'reconnecting');
    assert.equal(source.health().lastError, 'store unavailable');
    await advanceTo('2025-01-01T12:01:10Z');
    assert.equal(sink.attempts, 4);
    assert.deepEqual(sink.events.map((e) => e.id), ['nightly/0/2025-01-01T12:01:00.000Z']);
    assert.equal((sink.events[0]?.data as { catchUp: boolean }).catchUp, false, 'the tick stays the regular one');
    assert.equal(await store.getCronTick('nightly', EVERY_MINUTE), at('2025-01-01T12:01:00Z'));
    assert.equal(source.health().state, 'connected');
    await source.stop();
  });

  void it('redelivers, with the same id, a tick whose record was lost in a crash', async () => {
    const store = new MemoryTickStore();
    store.ticks.set(`nightly\u0000${EVERY_MINUTE}`, at('2025-01-01T12:00:00Z'));
    const failing = Object.assign(Object.create(store) as MemoryTickStore, {
      setCronTick: async () => {
        throw new Error('crash before the write');
      },
    });
    const first = setup({ schedules: [EVERY_MINUTE] }, at('2025-01-01T12:00:30Z'), failing);
    await first.source.start(first.sink);
    await first.advanceTo('2025-01-01T12:01:00Z');
    await first.source.stop();
    const second = setup({ schedules: [EVERY_MINUTE], catchUp: { policy: 'last' } }, at('2025-01-01T12:01:20Z'), store);
    await second.source.start(second.sink);
    assert.deepEqual(first.sink.events.map((e) => e.id), ['nightly/0/2025-01-01T12:01:00.000Z']);
    assert.deepEqual(second.sink.events.map((e) => e.id), ['nightly/0/2025-01-01T12:01:00.000Z']);
    await second.source.stop();
  });

  void it('stops arming timers once stopped', async () => {
    const { source, sink, clock, advanceTo } = setup({ schedules: [EVERY_MINUTE] }, at('2025-01-01T12:00:30Z'));
    await source.start(sink);
    assert.equal(clock.pending, 1);
    await source.stop();
    assert.equal(clock.pending, 0);
    await advanceTo('2025-01-01T13:00:00Z');
    assert.equal(sink.events.length, 0);
    assert.equal(source.health().state, 'stopped');
  });
});

void describe('cron source: time zones', () => {
  void it('fires 0 2 * * * in Europe/Paris at the right instants across both DST changes', async () => {
    const spring = setup({ schedules: ['0 2 * * *'], timezone: 'Europe/Paris' }, at('2024-03-29T00:00:00Z'));
    await spring.source.start(spring.sink);
    await spring.advanceTo('2024-04-01T12:00:00Z');
    // 02:00 CET = 01:00Z; on 31 March 02:00 does not exist and the tick fires at 03:00 CEST (01:00Z);
    // from 1 April 02:00 CEST = 00:00Z.
    assert.deepEqual(spring.sink.scheduled, ['2024-03-29T01:00:00.000Z', '2024-03-30T01:00:00.000Z', '2024-03-31T01:00:00.000Z', '2024-04-01T00:00:00.000Z']);
    await spring.source.stop();

    const autumn = setup({ schedules: ['0 2 * * *'], timezone: 'Europe/Paris' }, at('2024-10-25T12:00:00Z'));
    await autumn.source.start(autumn.sink);
    await autumn.advanceTo('2024-10-28T12:00:00Z');
    // On 27 October 02:00 happens twice (00:00Z CEST, 01:00Z CET): one tick, not two.
    assert.deepEqual(autumn.sink.scheduled, ['2024-10-26T00:00:00.000Z', '2024-10-27T01:00:00.000Z', '2024-10-28T01:00:00.000Z']);
    assert.equal(autumn.sink.events[0]?.extensions?.timezone, 'Europe/Paris');
    await autumn.source.stop();
  });
});
