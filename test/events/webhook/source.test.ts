import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from '@msgpack/msgpack';
import { createServer } from '../../../src/server/app.js';
import { TokenAuth } from '../../../src/server/auth.js';
import { WebhookEventSource } from '../../../src/events/sources/webhook/source.js';
import { computeSignature } from '../../../src/events/sources/webhook/verify.js';
import { PayloadError } from '../../../src/events/payload.js';
import { StoreError } from '../../../src/errors.js';
import type { WebhookSourceConfig } from '../../../src/events/sources/webhook/schema.js';
import { postChunked, postHeadersOnly, RecordingSink, startHarness, type Harness } from './helpers.js';

const HMAC: WebhookSourceConfig = { hmac: { secret: { env: 'HOOK_SECRET' }, prefix: 'sha256=' }, idHeader: 'X-GitHub-Delivery', eventTypeHeader: 'X-GitHub-Event' };

async function withHarness(config: WebhookSourceConfig, fn: (h: Harness) => Promise<void>, options: Parameters<typeof startHarness>[1] = {}): Promise<void> {
  const harness = await startHarness(config, options);
  try {
    await fn(harness);
  } finally {
    await harness.close();
  }
}

function signed(body: string, secret = 'it-is-a-secret', timestamp?: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-signature-256': `sha256=${computeSignature(secret, Buffer.from(body), timestamp)}` };
}

void describe('webhook source: HMAC', () => {
  void it('accepts a good signature: 202 with the sink result, once the sink resolved', async () => {
    await withHarness(HMAC, async ({ url, sink }) => {
      const body = JSON.stringify({ ref: 'refs/heads/main' });
      const response = await fetch(url, { method: 'POST', body, headers: { ...signed(body), 'x-github-delivery': 'd-1', 'x-github-event': 'push' } });
      assert.equal(response.status, 202);
      assert.deepEqual(await response.json(), { eventId: 'evt-1', duplicate: false, runIds: ['run-1'] });
      assert.equal(sink.events.length, 1);
      const event = sink.events[0];
      assert.equal(event?.id, 'd-1');
      assert.equal(event?.type, 'push');
      assert.equal(event?.source, '/events/github');
      assert.equal(event?.sourceName, 'github');
      assert.equal(event?.datacontenttype, 'application/json');
      assert.deepEqual(event?.data, { ref: 'refs/heads/main' });
      assert.deepEqual(event?.extensions, { webhookevent: 'push' });
    });
  });

  void it('answers 401 with the same body for a bad or missing signature, and the sink sees nothing', async () => {
    await withHarness(HMAC, async ({ url, sink, source }) => {
      const body = '{"a":1}';
      const cases: Array<Record<string, string>> = [
        signed(body, 'wrong-secret'),
        { 'content-type': 'application/json' },
        { 'content-type': 'application/json', 'x-signature-256': computeSignature('it-is-a-secret', Buffer.from(body)) }, // no prefix
        { 'content-type': 'application/json', 'x-signature-256': 'sha256=abcd' }, // short
        signed('{"a":2}'), // signature of another body
      ];
      const bodies = new Set<string>();
      for (const headers of cases) {
        const response = await fetch(url, { method: 'POST', body, headers });
        assert.equal(response.status, 401);
        bodies.add(await response.text());
      }
      assert.deepEqual([...bodies], ['{"error":"unauthorized"}']);
      assert.equal(sink.events.length, 0);
      const refused = source.health().detail?.refused as Record<string, number>;
      assert.equal(refused['bad-signature'], 4);
      assert.equal(refused['missing-signature'], 1);
    });
  });

  void it('accepts base64 signatures', async () => {
    await withHarness({ hmac: { secret: { env: 'HOOK_SECRET' }, header: 'X-Hub-Signature' } }, async ({ url, sink }) => {
      const body = '{"b":true}';
      const hex = computeSignature('it-is-a-secret', Buffer.from(body));
      const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hub-signature': Buffer.from(hex, 'hex').toString('base64') } });
      assert.equal(response.status, 202);
      assert.equal(sink.events.length, 1);
    });
  });

  void it('signs `${timestamp}.${body}` and refuses stale, future and missing timestamps', async () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    const config: WebhookSourceConfig = { hmac: { secret: { env: 'HOOK_SECRET' }, prefix: 'sha256=', timestampHeader: 'X-Timestamp', tolerance: '5m' } };
    await withHarness(
      config,
      async ({ url, sink, source }) => {
        const body = '{"t":1}';
        const at = (offsetSeconds: number): string => String(now / 1000 + offsetSeconds);
        const send = async (timestamp: string | undefined, signedTimestamp = timestamp): Promise<number> => {
          const headers: Record<string, string> = signed(body, 'it-is-a-secret', signedTimestamp);
          if (timestamp !== undefined) headers['x-timestamp'] = timestamp;
          return (await fetch(url, { method: 'POST', body, headers })).status;
        };
        assert.equal(await send(at(-60)), 202);
        assert.equal(await send(at(-301)), 401, 'stale');
        assert.equal(await send(at(301)), 401, 'far future');
        assert.equal(await send(undefined, at(0)), 401, 'missing timestamp');
        assert.equal(await send(at(0), at(-1)), 401, 'timestamp not the signed one');
        assert.equal(sink.events.length, 1);
        const refused = source.health().detail?.refused as Record<string, number>;
        assert.equal(refused['stale-timestamp'], 2);
        assert.equal(refused['missing-timestamp'], 1);
        assert.equal(refused['bad-signature'], 1);
      },
      { now: () => now },
    );
  });
});

void describe('webhook source: bearer', () => {
  void it('accepts the token and refuses a bad or missing one before reading the body', async () => {
    await withHarness({ bearer: { token: { env: 'HOOK_TOKEN' } } }, async ({ url, sink, port, source }) => {
      const ok = await fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', authorization: 'Bearer a-bearer-token' } });
      assert.equal(ok.status, 202);
      const bad = await fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', authorization: 'Bearer a-bearer-tokeN' } });
      assert.equal(bad.status, 401);
      assert.equal(bad.headers.get('www-authenticate'), 'Bearer');
      assert.equal(await bad.text(), '{"error":"unauthorized"}');
      const missing = await fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      assert.equal(missing.status, 401);
      // Without a token, a 50 MB announcement is refused on the headers alone (401, not 413).
      const early = await postHeadersOnly(port, source.path, 50_000_000);
      assert.equal(early.status, 401);
      assert.equal(early.headers.connection, 'close');
      assert.equal(sink.events.length, 1);
    });
  });
});

void describe('webhook source: body limits', () => {
  void it('answers 413 on a Content-Length over the limit without reading the body', async () => {
    await withHarness({ maxBodyBytes: 1024 }, async ({ port, source, sink }) => {
      // The headers announce 100 MB and no byte of body follows: an answer proves nothing was awaited.
      const response = await postHeadersOnly(port, source.path, 100_000_000);
      assert.equal(response.status, 413);
      assert.equal(response.headers.connection, 'close');
      assert.equal(sink.events.length, 0);
    });
  });

  void it('answers 413 to a 200 MB chunked body with bounded memory', async () => {
    await withHarness({}, async ({ port, source, sink }) => {
      const before = process.memoryUsage().rss;
      let peak = before;
      const response = await postChunked(port, source.path, 200 * 1024 * 1024, () => {
        peak = Math.max(peak, process.memoryUsage().rss);
      });
      peak = Math.max(peak, process.memoryUsage().rss);
      assert.equal(response.status, 413);
      assert.ok(response.written < 200 * 1024 * 1024, `the upload was cut short (wrote ${response.written} bytes)`);
      const growth = peak - before;
      assert.ok(growth < 50 * 1024 * 1024, `rss grew ${(growth / 1048576).toFixed(1)} MiB`);
      assert.equal(sink.events.length, 0);
      assert.equal((source.health().detail?.refused as Record<string, number>)['too-large'], 1);
    });
  });

  void it('accepts a body at the limit', async () => {
    await withHarness({ maxBodyBytes: 1000, payload: 'raw' }, async ({ url, sink }) => {
      const response = await fetch(url, { method: 'POST', body: Buffer.alloc(1000, 1), headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(response.status, 202);
      assert.equal(Buffer.from(sink.events[0]?.data as string, 'base64').length, 1000);
    });
  });
});

void describe('webhook source: identity and payloads', () => {
  void it('gives the same delivery sent 10 times the same event id (digest, delivery header, ce-id)', async () => {
    await withHarness({}, async ({ url, sink }) => {
      const body = JSON.stringify({ order: 42 });
      for (let i = 0; i < 10; i += 1) {
        const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
        assert.equal(response.status, 202);
      }
      const ids = new Set(sink.events.map((e) => e.id));
      assert.equal(sink.events.length, 10);
      assert.equal(ids.size, 1);
      assert.match([...ids][0] ?? '', /^sha256:[0-9a-f]{64}$/);

      sink.events.length = 0;
      for (let i = 0; i < 10; i += 1) {
        // Same ce-id, different bodies (a retried delivery with a new timestamp inside): one event.
        await fetch(url, { method: 'POST', body: JSON.stringify({ attempt: i }), headers: { 'content-type': 'application/json', 'ce-id': 'ce-7', 'ce-type': 'com.example.order', 'ce-source': '/shop', 'ce-traceparent': 'tp' } });
      }
      assert.deepEqual(new Set(sink.events.map((e) => e.id)), new Set(['ce-7']));
      assert.equal(sink.events[0]?.type, 'com.example.order');
      assert.equal(sink.events[0]?.source, '/shop');
      assert.deepEqual(sink.events[0]?.extensions, { traceparent: 'tp' });
    });
  });

  void it('takes the configured delivery header over the body digest', async () => {
    await withHarness(HMAC, async ({ url, sink }) => {
      for (const attempt of [1, 2, 3]) {
        const body = JSON.stringify({ attempt });
        await fetch(url, { method: 'POST', body, headers: { ...signed(body), 'x-github-delivery': 'gh-1' } });
      }
      assert.deepEqual(sink.events.map((e) => e.id), ['gh-1', 'gh-1', 'gh-1']);
    });
  });

  void it('unwraps structured CloudEvents', async () => {
    await withHarness({}, async ({ url, sink }) => {
      const envelope = { specversion: '1.0', id: 'x-1', type: 'com.example.t', source: '/s', subject: 'sub', time: '2025-01-01T00:00:00Z', data: { k: 1 }, tenant: 'acme' };
      const response = await fetch(url, { method: 'POST', body: JSON.stringify(envelope), headers: { 'content-type': 'application/cloudevents+json' } });
      assert.equal(response.status, 202);
      const event = sink.events[0];
      assert.deepEqual(
        { id: event?.id, type: event?.type, source: event?.source, subject: event?.subject, time: event?.time, data: event?.data, extensions: event?.extensions },
        { id: 'x-1', type: 'com.example.t', source: '/s', subject: 'sub', time: '2025-01-01T00:00:00.000Z', data: { k: 1 }, extensions: { tenant: 'acme' } },
      );
    });
  });

  void it('decodes msgpack, keeps raw bytes as base64, and answers 400 to a body that is not what it claims', async () => {
    await withHarness({}, async ({ url, sink }) => {
      const packed = await fetch(url, { method: 'POST', body: encode({ n: 1, s: 'x' }), headers: { 'content-type': 'application/msgpack' } });
      assert.equal(packed.status, 202);
      assert.deepEqual(sink.events[0]?.data, { n: 1, s: 'x' });
      const raw = await fetch(url, { method: 'POST', body: Buffer.from([0, 1, 2, 255]), headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(raw.status, 202);
      assert.equal(sink.events[1]?.data, Buffer.from([0, 1, 2, 255]).toString('base64'));
      const broken = await fetch(url, { method: 'POST', body: '{"not json', headers: { 'content-type': 'application/json' } });
      assert.equal(broken.status, 400);
      assert.equal(sink.events.length, 2);
    });
  });

  void it('leaves other routes of the same instance their own JSON parser', async () => {
    await withHarness({}, async ({ url }) => {
      const other = await fetch(new URL('/other', url), { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
      assert.deepEqual(await other.json(), { parsed: { a: 1 } });
    });
  });
});

void describe('webhook source: the sink', () => {
  void it('answers 503 with Retry-After when the sink rejects, and when not started', async () => {
    await withHarness({}, async ({ url, sink, source }) => {
      sink.fail = new Error('database is locked');
      const response = await fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), '5');
      assert.doesNotMatch(await response.text(), /locked/);
      assert.equal(source.health().lastError, 'database is locked');
    });
    await withHarness(
      {},
      async ({ url, source }) => {
        const response = await fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
        assert.equal(response.status, 503);
        assert.equal(source.health().state, 'starting');
      },
      { start: false },
    );
  });

  void it('answers 422, not a 5xx, when the sink refuses the event for good, so the sender does not retry it forever', async () => {
    await withHarness({}, async ({ url, sink }) => {
      sink.fail = new PayloadError('hooks', 'an event the sensors can read', 'a value they cannot');
      const response = await fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      assert.equal(response.status, 422);
      assert.equal(response.headers.get('retry-after'), null);
      const answer = (await response.json()) as { error: string; message: string };
      assert.equal(answer.error, 'unprocessable entity');
      assert.match(answer.message, /a value they cannot/);
      // A store that fails is tandem unavailable: that stays a 503 the sender retries.
      sink.fail = new StoreError('database is locked');
      assert.equal((await fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status, 503);
    });
  });

  void it('refuses a payload nested deeper than the limit with a 400 naming where', async () => {
    await withHarness({}, async ({ url, sink }) => {
      for (const [body, type] of [
        [`${'['.repeat(5000)}${']'.repeat(5000)}`, 'application/json'],
        [Buffer.concat([Buffer.alloc(5000, 0x91), Buffer.from([0xc0])]), 'application/msgpack'],
      ] as const) {
        const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': type } });
        assert.equal(response.status, 400);
        assert.match(((await response.json()) as { message: string }).message, /nested deeper than 100 levels of objects and arrays, at \/0\/0\/0\/0\/0\/0\/…/);
      }
      assert.equal(sink.events.length, 0, 'nothing reached the sink');
      const limit = `${'['.repeat(100)}${']'.repeat(100)}`;
      assert.equal((await fetch(url, { method: 'POST', body: limit, headers: { 'content-type': 'application/json' } })).status, 202, '100 levels are accepted');
    });
  });

  void it('answers only after sink.receive resolves', async () => {
    await withHarness({}, async ({ url, sink }) => {
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const original = sink.receive.bind(sink);
      sink.receive = async (event) => {
        await gate;
        return original(event);
      };
      let answered = false;
      const pending = fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }).then((r) => {
        answered = true;
        return r;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(answered, false);
      release();
      assert.equal((await pending).status, 202);
    });
  });

  void it('takes 1,000 concurrent distinct deliveries: 1,000 distinct ids, all 202', async () => {
    await withHarness({}, async ({ url, sink }) => {
      const responses = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => fetch(url, { method: 'POST', body: JSON.stringify({ i }), headers: { 'content-type': 'application/json' } })),
      );
      assert.deepEqual(new Set(responses.map((r) => r.status)), new Set([202]));
      await Promise.all(responses.map((r) => r.arrayBuffer()));
      assert.equal(sink.events.length, 1000);
      assert.equal(new Set(sink.events.map((e) => e.id)).size, 1000);
    });
  });
});

void describe('webhook source: on the tandem server', () => {
  void it('is served without an API token, and shows in the route list as such', async () => {
    const server = createServer({ auth: new TokenAuth([{ name: 'ci', token: 'api-token', namespaces: ['*'] }]) });
    const source = new WebhookEventSource('shop', { idHeader: 'X-Delivery' });
    source.mountRoutes(server.app);
    const sink = new RecordingSink();
    await source.start(sink);
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const address = server.app.server.address();
      assert.ok(address !== null && typeof address === 'object');
      const response = await fetch(`http://127.0.0.1:${address.port}/events/shop`, { method: 'POST', body: '{"x":1}', headers: { 'content-type': 'application/json', 'x-delivery': 'd9' } });
      assert.equal(response.status, 202);
      assert.equal(sink.events[0]?.id, 'd9');
      assert.deepEqual(server.routes.filter((r) => r.url === '/events/shop').map((r) => [r.method, r.auth]), [['POST', false]]);
    } finally {
      await source.stop();
      await server.app.close();
    }
  });
});
