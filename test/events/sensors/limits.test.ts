import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryDelayMs, shouldRetry } from '../../../src/events/sensors/backoff.js';
import { dedupKey, ttlMs } from '../../../src/events/sensors/dedup.js';
import { RateLimiter } from '../../../src/events/sensors/rate-limit.js';
import { nextReset } from '../../../src/events/sensors/reset.js';
import { event } from './helpers.js';

describe('dedup keys', () => {
  const a = event({ sourceName: 'webhook', id: '42', data: { order: 'o-1' } });
  const b = event({ sourceName: 'nats', id: '7' });

  it('defaults to the sorted sourceName/id of the events', () => {
    assert.equal(dedupKey({}, { x: a, y: b }), 'nats/7,webhook/42');
    assert.equal(dedupKey({}, { y: b, x: a }), 'nats/7,webhook/42');
  });

  it('evaluates a CEL key over events and stringifies it', () => {
    assert.equal(dedupKey({ dedupKey: 'events.x.data.order' }, { x: a }), 'o-1');
    assert.equal(dedupKey({ dedupKey: '[events.x.id, events.y.id]' }, { x: a, y: b }), '["42","7"]');
    assert.throws(() => dedupKey({ dedupKey: 'events.z.id' }, { x: a }), /No such key/);
  });

  it('keeps keys 24h unless told otherwise', () => {
    assert.equal(ttlMs({}), 86_400_000);
    assert.equal(ttlMs({ dedupTtl: '90m' }), 5_400_000);
    assert.equal(ttlMs({ dedupTtl: 30 }), 30_000);
  });
});

describe('RateLimiter', () => {
  it('lets a burst of requestsPerUnit through, then refills evenly', () => {
    const limiter = new RateLimiter({ requestsPerUnit: 2, unit: 'Second' });
    assert.equal(limiter.tryTake(0), true);
    assert.equal(limiter.tryTake(0), true);
    assert.equal(limiter.tryTake(0), false);
    assert.equal(limiter.nextAvailable(0), 500);
    assert.equal(limiter.tryTake(499), false);
    assert.equal(limiter.tryTake(500), true);
    assert.equal(limiter.nextAvailable(10_000), 10_000);
    assert.equal(limiter.available(10_000), 2, 'never more than the capacity');
  });

  it('uses the injected clock and survives a clock that steps back', () => {
    let now = 1_000;
    const limiter = new RateLimiter({ requestsPerUnit: 1, unit: 'Minute' }, () => now);
    assert.equal(limiter.tryTake(), true);
    now = 500;
    assert.equal(limiter.tryTake(), false);
    now = 61_000;
    assert.equal(limiter.tryTake(), true);
    const restored = RateLimiter.fromJSON({ requestsPerUnit: 1, unit: 'Minute' }, limiter.toJSON(), () => now);
    assert.equal(restored.tryTake(), false);
    assert.equal(restored.nextAvailable(), 121_000);
  });
});

describe('retry backoff', () => {
  it('grows by factor and stops at maxDuration', () => {
    const retry = { steps: 5, duration: '1s', factor: 2, maxDuration: '5s' };
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => retryDelayMs(retry, n)), [1000, 2000, 4000, 5000, 5000]);
    assert.equal(retryDelayMs({ steps: 3, duration: 2 }, 3), 2000, 'factor defaults to 1');
    assert.equal(shouldRetry(retry, 5), true);
    assert.equal(shouldRetry(retry, 6), false);
    assert.equal(shouldRetry(undefined, 1), false);
  });
});

describe('conditionsReset schedule', () => {
  it('gives the earliest next reset in its time zone', () => {
    const after = new Date('2024-05-01T12:00:00Z');
    const next = nextReset([{ byTime: { cron: '59 23 * * *', timezone: 'America/Los_Angeles' } }, { byTime: { cron: '0 0 * * 0' } }], after);
    assert.equal(next?.toISOString(), '2024-05-02T06:59:00.000Z');
    assert.equal(nextReset(undefined, after), undefined);
  });
});
