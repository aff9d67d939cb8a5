// Connection loss: a server of the test's own is killed and brought back on the same port; the
// source reports `reconnecting`, then `connected` with one reconnect counted, and events flow again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { publishEvents } from '../../../src/events/sources/nats/publish.js';
import { NatsEventSource } from '../../../src/events/sources/nats/source.js';
import { RecordingSink, waitUntil } from './helpers.js';
import { requireNatsServerBinary, spawnNatsServer } from './server.js';

void describe('nats source, reconnect', () => {
  void it('reports reconnecting while the server is gone and resumes when it is back', async (t) => {
    if (!requireNatsServerBinary(t)) return;
    let server = await spawnNatsServer();
    const source = new NatsEventSource('flappy', { url: server.url, subject: 'flap.events', reconnect: { waitMs: 50, maxWaitMs: 200 } });
    const sink = new RecordingSink();
    try {
      await source.start(sink);
      await publishEvents({ url: server.url, subject: 'flap.events', format: 'json', count: 10, payload: { phase: 1 } });
      await sink.waitFor(10);

      await server.stop(true);
      await waitUntil(() => source.health().state === 'reconnecting', 30_000, () => source.health().state);
      assert.match(source.health().lastError ?? '', /disconnected/);

      server = await spawnNatsServer([], server.port);
      await waitUntil(() => source.health().state === 'connected', 30_000, () => source.health().state);
      assert.equal(source.counters().reconnects, 1);
      await publishEvents({ url: server.url, subject: 'flap.events', format: 'json', count: 10, payload: { phase: 2 } });
      await sink.waitFor(20);
    } finally {
      await source.stop();
      await server.stop();
    }
    assert.equal(source.health().state, 'stopped');
  });
});
