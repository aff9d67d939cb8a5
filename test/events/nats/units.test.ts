// Pieces of the nats source that need no server: redelivery delays, the in-flight bound, and the
// message → event mapping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { PayloadError } from '../../../src/events/payload.js';
import { DEFAULT_EVENT_TYPE, toIncomingEvent } from '../../../src/events/sources/nats/event.js';
import { InFlight } from '../../../src/events/sources/nats/inflight.js';
import { nakDelayMs } from '../../../src/events/sources/nats/jetstream.js';
import { sleep } from './helpers.js';

const text = (s: string) => new TextEncoder().encode(s);

void describe('nakDelayMs', () => {
  void it('doubles per delivery from 1s and caps at 1m by default', () => {
    const js = { stream: 'S', consumer: 'c' };
    assert.deepEqual([1, 2, 3, 4].map((n) => nakDelayMs(n, js)), [1000, 2000, 4000, 8000]);
    assert.equal(nakDelayMs(50, js), 60_000);
    assert.deepEqual([1, 2, 3].map((n) => nakDelayMs(n, { ...js, backoff: { initial: '100ms', max: '250ms' } })), [100, 200, 250]);
  });
});

void describe('InFlight', () => {
  void it('holds acquire() at the limit and releases as work settles, rejected or not', async () => {
    const inflight = new InFlight(2);
    let peak = 0;
    let started = 0;
    for (let i = 0; i < 10; i++) {
      await inflight.acquire();
      started++;
      inflight.track(
        (async () => {
          await sleep(5);
          if (i % 3 === 0) throw new Error('boom');
        })(),
      );
      peak = Math.max(peak, inflight.size);
    }
    assert.equal(started, 10);
    assert.ok(await inflight.idle(30_000)); // resolves once idle; the deadline only bounds a failure
    assert.equal(peak, 2);
    assert.equal(inflight.size, 0);
  });

  void it('idle() gives up at its deadline; close() frees waiting callers', async () => {
    const inflight = new InFlight(1);
    inflight.track(new Promise<void>(() => undefined));
    assert.equal(await inflight.idle(30), false);
    const waiting = inflight.acquire();
    inflight.close();
    await waiting;
  });
});

void describe('toIncomingEvent', () => {
  const context = { sourceName: 'src', source: 'nats://S/a.b', mode: 'auto' as const };

  void it('maps CloudEvents binary-mode headers and keeps the rest as extensions', () => {
    const h = natsHeaders();
    h.set('ce-id', 'ce-1');
    h.set('ce-type', 'com.acme.x');
    h.set('ce-specversion', '1.0');
    h.set('ce-source', '/acme');
    h.set('Content-Type', 'application/json');
    h.set('X-Tenant', 't1');
    const event = toIncomingEvent({ subject: 'a.b', data: text('{"k":1}'), headers: h }, context);
    assert.equal(event.id, 'ce-1');
    assert.equal(event.type, 'com.acme.x');
    assert.deepEqual(event.data, { k: 1 });
    assert.deepEqual(event.extensions, { 'ce-source': '/acme', 'x-tenant': 't1' });
  });

  void it('prefers a transport id and time, generates an id otherwise, and keeps a malformed ce-time', () => {
    const h = natsHeaders();
    h.set('Nats-Msg-Id', 'm-1');
    h.set('ce-time', 'yesterday');
    const fixed = toIncomingEvent({ subject: 'a.b', data: text('1'), headers: h }, { ...context, id: 'S:9', time: new Date(0), extensions: { 'nats-sequence': '9' } });
    assert.equal(fixed.id, 'S:9');
    assert.equal(fixed.time, '1970-01-01T00:00:00.000Z');
    assert.equal(fixed.type, DEFAULT_EVENT_TYPE);
    assert.deepEqual(fixed.extensions, { 'nats-msg-id': 'm-1', 'ce-time': 'yesterday', 'nats-sequence': '9' });
    const a = toIncomingEvent({ subject: 'a.b', data: text('1') }, context);
    const b = toIncomingEvent({ subject: 'a.b', data: text('1') }, context);
    assert.notEqual(a.id, b.id);
    assert.equal(a.extensions, undefined);
  });

  void it('uses the Content-Type header to decode, and throws PayloadError when it lies', () => {
    const h = natsHeaders();
    h.set('Content-Type', 'application/msgpack');
    assert.throws(() => toIncomingEvent({ subject: 'a.b', data: Uint8Array.of(0xc1), headers: h }, context), PayloadError);
  });
});
