// PulledMessages: every message the client received is kept alive until it is settled, whether it
// still waits for the intake loop or is with the pipeline; the queue hands messages out in order.
import { strict as assert } from 'node:assert';
import { describe, it, mock } from 'node:test';
import type { JsMsg } from '@nats-io/jetstream';
import { PulledMessages } from '../../../src/events/sources/nats/pulled.js';

function fakeMessage(seq: number): JsMsg & { workingCalls: number } {
  const message = { seq, workingCalls: 0, working() { message.workingCalls++; } };
  return message as unknown as JsMsg & { workingCalls: number };
}

describe('PulledMessages', () => {
  it('keeps queued and taken messages alive until each is settled, then stops', async () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const pulled = new PulledMessages(100);
      const taken = fakeMessage(1);
      const queued = fakeMessage(2);
      pulled.arrived(taken);
      pulled.arrived(queued);
      assert.equal(await pulled.next(), taken);
      mock.timers.tick(100);
      assert.deepEqual([taken.workingCalls, queued.workingCalls], [1, 1], 'a message waiting in the queue is kept alive too');
      pulled.settled(taken);
      mock.timers.tick(100);
      assert.deepEqual([taken.workingCalls, queued.workingCalls], [1, 2], 'a settled message is left alone');
      assert.equal(pulled.size, 1);
      pulled.end();
      assert.equal(await pulled.next(), queued, 'what was queued before end() is still handed out');
      assert.equal(await pulled.next(), undefined);
      mock.timers.tick(100);
      assert.equal(queued.workingCalls, 3, 'held after end() until settled');
      pulled.settled(queued);
      mock.timers.tick(1000);
      assert.equal(queued.workingCalls, 3);
    } finally {
      mock.timers.reset();
    }
  });

  it('wakes a waiting next() when a message arrives or the intake ends', async () => {
    const pulled = new PulledMessages(1000);
    const waiting = pulled.next();
    const message = fakeMessage(7);
    pulled.arrived(message);
    assert.equal(await waiting, message);
    const last = pulled.next();
    pulled.end();
    assert.equal(await last, undefined);
    pulled.settled(message);
  });

  it('hands out a long burst in arrival order', async () => {
    const pulled = new PulledMessages(1000);
    const messages = Array.from({ length: 5000 }, (_, i) => fakeMessage(i));
    for (const m of messages.slice(0, 3000)) pulled.arrived(m);
    const seen: number[] = [];
    for (let i = 0; i < 2000; i++) seen.push((await pulled.next())!.seq);
    for (const m of messages.slice(3000)) pulled.arrived(m);
    pulled.end();
    for (let m = await pulled.next(); m; m = await pulled.next()) seen.push(m.seq);
    assert.deepEqual(seen, messages.map((m) => m.seq));
    for (const m of messages) pulled.settled(m);
    assert.equal(pulled.size, 0);
  });
});
