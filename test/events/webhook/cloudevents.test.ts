// The CloudEvents HTTP binding on a real webhook route: binary and structured mode as a
// CloudEvents SDK sends them (the `cloudevents` package's own serializers), the mapping onto
// tandem's event, HMAC over the raw bytes in both modes, and a 400 naming the fault for every
// malformed CloudEvent — never a 500, never a sink call.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from '@msgpack/msgpack';
import { CloudEvent, HTTP } from 'cloudevents';
import { computeSignature } from '../../../src/events/sources/webhook/verify.js';
import type { WebhookSourceConfig } from '../../../src/events/sources/webhook/schema.js';
import { startHarness, SECRET, type Harness } from './helpers.js';

async function withHarness(config: WebhookSourceConfig, fn: (h: Harness) => Promise<void>): Promise<void> {
  const harness = await startHarness(config);
  try {
    await fn(harness);
  } finally {
    await harness.close();
  }
}

/** Headers as fetch takes them, from what the SDK's serializer produced. */
function headersOf(message: { headers: Record<string, unknown> }): Record<string, string> {
  return Object.fromEntries(Object.entries(message.headers).map(([name, value]) => [name, String(value)]));
}

function bodyOf(message: { body: unknown }): string {
  return typeof message.body === 'string' ? message.body : JSON.stringify(message.body);
}

const ORDER = new CloudEvent({
  specversion: '1.0',
  id: 'order-42',
  source: 'https://shop.example/orders',
  type: 'com.example.order.created',
  subject: 'orders/42',
  time: '2025-03-04T05:06:07.000Z',
  datacontenttype: 'application/json',
  dataschema: 'https://shop.example/schemas/order.json',
  data: { order: 42, total: 9.5 },
  tenant: 'acme',
  priority: 3,
});

const EXPECTED = {
  sourceName: 'github',
  id: 'order-42',
  source: 'https://shop.example/orders',
  type: 'com.example.order.created',
  subject: 'orders/42',
  time: '2025-03-04T05:06:07.000Z',
  datacontenttype: 'application/json',
  data: { order: 42, total: 9.5 },
  extensions: { tenant: 'acme', priority: '3', dataschema: 'https://shop.example/schemas/order.json' },
};

void describe('webhook source: CloudEvents HTTP binding', () => {
  void it('maps a binary-mode event (ce-* headers, data in the body) onto the event', async () => {
    await withHarness({}, async ({ url, sink }) => {
      const message = HTTP.binary(ORDER);
      assert.equal(headersOf(message)['ce-specversion'], '1.0');
      const response = await fetch(url, { method: 'POST', headers: headersOf(message), body: bodyOf(message) });
      assert.equal(response.status, 202);
      assert.deepEqual(sink.events, [EXPECTED]);
    });
  });

  void it('maps a structured-mode event (application/cloudevents+json) onto the same event', async () => {
    await withHarness({}, async ({ url, sink }) => {
      const message = HTTP.structured(ORDER);
      assert.match(headersOf(message)['content-type'] ?? '', /^application\/cloudevents\+json/);
      const response = await fetch(url, { method: 'POST', headers: headersOf(message), body: bodyOf(message) });
      assert.equal(response.status, 202);
      assert.deepEqual(sink.events, [EXPECTED]);
    });
  });

  void it('decodes binary data by its content type, data_base64 by datacontenttype, and gives no data as null', async () => {
    await withHarness({}, async ({ url, sink }) => {
      const base = { 'ce-specversion': '1.0', 'ce-source': '/sensors', 'ce-type': 'com.example.reading' };
      const packed = await fetch(url, { method: 'POST', headers: { ...base, 'ce-id': 'm-1', 'content-type': 'application/msgpack' }, body: encode({ t: 21 }) });
      assert.equal(packed.status, 202);
      const empty = await fetch(url, { method: 'POST', headers: { ...base, 'ce-id': 'm-2' } });
      assert.equal(empty.status, 202);
      const envelope = { specversion: '1.0', id: 'm-3', source: '/sensors', type: 'com.example.reading', datacontenttype: 'application/json', data_base64: Buffer.from('{"t":22}').toString('base64') };
      const structured = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(envelope) });
      assert.equal(structured.status, 202);
      const opaque = { ...envelope, id: 'm-4', datacontenttype: undefined, data_base64: 'AAEC' };
      assert.equal((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(opaque) })).status, 202);
      assert.deepEqual(
        sink.events.map((e) => [e.id, e.datacontenttype, e.data]),
        [
          ['m-1', 'application/msgpack', { t: 21 }],
          ['m-2', 'application/json', null],
          ['m-3', 'application/json', { t: 22 }],
          ['m-4', 'application/octet-stream', 'AAEC'],
        ],
      );
      // No ce-time: the receive time, not a time the SDK would have made up.
      assert.ok(sink.events.every((e) => !Number.isNaN(Date.parse(e.time))));
    });
  });

  void it('checks the HMAC over the raw bytes in both modes, and the configured id header still wins', async () => {
    const config: WebhookSourceConfig = { hmac: { secret: { env: 'HOOK_SECRET' }, prefix: 'sha256=' }, idHeader: 'X-Delivery' };
    await withHarness(config, async ({ url, sink }) => {
      for (const message of [HTTP.binary(ORDER), HTTP.structured(ORDER)]) {
        const body = bodyOf(message);
        const signature = `sha256=${computeSignature(SECRET, Buffer.from(body))}`;
        const forged = await fetch(url, { method: 'POST', headers: { ...headersOf(message), 'x-signature-256': signature }, body: `${body} ` });
        assert.equal(forged.status, 401);
        const good = await fetch(url, { method: 'POST', headers: { ...headersOf(message), 'x-signature-256': signature, 'x-delivery': 'd-9' }, body });
        assert.equal(good.status, 202);
      }
      assert.deepEqual(sink.events.map((e) => [e.id, e.type]), [['d-9', ORDER.type], ['d-9', ORDER.type]]);
    });
  });

  void it('refuses a malformed CloudEvent with a 400 naming what is wrong, and hands nothing to the sink', async () => {
    const binary = { 'ce-specversion': '1.0', 'ce-id': 'x', 'ce-source': '/s', 'ce-type': 't', 'content-type': 'application/json' };
    const structured = { specversion: '1.0', id: 'x', source: '/s', type: 't' };
    const ce = { 'content-type': 'application/cloudevents+json' };
    const cases: Array<{ headers: Record<string, string>; body: string; problem: RegExp }> = [
      { headers: { ...binary, 'ce-source': '' }, body: '{}', problem: /binary mode\): ce-source is missing/ },
      { headers: { ...binary, 'ce-specversion': '0.3' }, body: '{}', problem: /ce-specversion is "0\.3"; only 1\.0 is accepted/ },
      { headers: { ...binary, 'ce-time': 'yesterday' }, body: '{}', problem: /ce-time is not an RFC 3339 timestamp/ },
      { headers: { ...binary, 'ce-trace-id': 'a' }, body: '{}', problem: /header ce-trace-id: attribute names are lower-case letters and digits/ },
      { headers: { ...binary, 'ce-dataschema': 'not a uri' }, body: '{}', problem: /ce-dataschema must match format "uri"/ },
      { headers: binary, body: '{"broken', problem: /payload is not JSON/ },
      { headers: ce, body: JSON.stringify({ ...structured, id: undefined }), problem: /structured mode\): "id" is missing/ },
      { headers: ce, body: JSON.stringify({ ...structured, type: 7 }), problem: /"type" is not a string/ },
      { headers: ce, body: JSON.stringify({ ...structured, source: 'not a uri reference' }), problem: /"source" must match format "uri-reference"/ },
      { headers: ce, body: JSON.stringify({ ...structured, Tenant: 'a' }), problem: /"Tenant": attribute names are lower-case/ },
      { headers: ce, body: JSON.stringify({ ...structured, tags: ['a'] }), problem: /"tags" is not a string, an integer or a boolean/ },
      { headers: ce, body: JSON.stringify({ ...structured, data: 1, data_base64: 'AA==' }), problem: /"data" and "data_base64" are both present/ },
      { headers: ce, body: JSON.stringify({ ...structured, data_base64: '%%%' }), problem: /"data_base64" is not base64 text/ },
      { headers: ce, body: '[1, 2]', problem: /the body is not a JSON object/ },
      { headers: ce, body: '{"specversion": "1.0", ', problem: /payload is not JSON/ },
      { headers: { 'content-type': 'application/cloudevents-batch+json' }, body: JSON.stringify([structured]), problem: /batched mode .* is not accepted; send one event per request/ },
      { headers: { 'content-type': 'application/cloudevents+xml' }, body: '<event/>', problem: /event format application\/cloudevents\+xml is not supported/ },
    ];
    await withHarness({}, async ({ url, sink, source }) => {
      for (const { headers, body, problem } of cases) {
        const response = await fetch(url, { method: 'POST', headers, body });
        const answer = (await response.json()) as { error: string; message: string };
        assert.equal(response.status, 400, `${JSON.stringify(headers)} ${body}: ${JSON.stringify(answer)}`);
        assert.equal(answer.error, 'bad request');
        assert.match(answer.message, problem);
      }
      assert.equal(sink.events.length, 0);
      assert.equal((source.health().detail?.refused as Record<string, number>)['bad-payload'], cases.length);
    });
  });

  void it('leaves a plain delivery with ce-* hints but no ce-specversion as it always was', async () => {
    await withHarness({}, async ({ url, sink }) => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'ce-id': 'hint-1', 'ce-trace-id': 'kept' }, body: '{"a":1}' });
      assert.equal(response.status, 202);
      assert.deepEqual([sink.events[0]?.id, sink.events[0]?.type, sink.events[0]?.extensions], ['hint-1', 'dev.tandem.webhook', { traceid: 'kept' }]);
    });
  });
});
