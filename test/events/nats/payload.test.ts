import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encode } from '@msgpack/msgpack';
import { decodePayload, encodePayload, PayloadError, type PayloadMode } from '../../../src/events/payload.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const src = 'orders';

void describe('decodePayload', () => {
  void it('decodes by declared mode whatever the content type says', () => {
    assert.deepEqual(decodePayload(bytes('{"a":1}'), { source: src, mode: 'json', contentType: 'text/plain' }), {
      datacontenttype: 'application/json',
      data: { a: 1 },
    });
    assert.deepEqual(decodePayload(encode({ a: [1, 'x'] }), { source: src, mode: 'msgpack' }), {
      datacontenttype: 'application/msgpack',
      data: { a: [1, 'x'] },
    });
    assert.deepEqual(decodePayload(bytes('{"a":1}'), { source: src, mode: 'raw' }), {
      datacontenttype: 'application/octet-stream',
      data: Buffer.from('{"a":1}').toString('base64'),
    });
  });

  void it('in auto mode follows the content type, with parameters and case ignored', () => {
    assert.deepEqual(decodePayload(bytes('[1,2]'), { source: src, contentType: 'Application/JSON; charset=utf-8' }).data, [1, 2]);
    assert.deepEqual(decodePayload(bytes('{"x":true}'), { source: src, contentType: 'application/vnd.acme+json' }).data, { x: true });
    for (const type of ['application/msgpack', 'application/x-msgpack']) {
      const decoded = decodePayload(encode({ n: 3 }), { source: src, contentType: type });
      assert.deepEqual(decoded, { datacontenttype: 'application/msgpack', data: { n: 3 } });
    }
    assert.deepEqual(decodePayload(bytes('hello'), { source: src, contentType: 'text/plain' }), { datacontenttype: 'text/plain', data: 'hello' });
    assert.deepEqual(decodePayload(Uint8Array.of(1, 2, 3), { source: src, contentType: 'image/png' }), { datacontenttype: 'image/png', data: 'AQID' });
  });

  void it('in auto mode without a content type takes JSON when it parses, raw bytes otherwise', () => {
    assert.deepEqual(decodePayload(bytes('{"a":"b"}'), { source: src }), { datacontenttype: 'application/json', data: { a: 'b' } });
    assert.deepEqual(decodePayload(bytes('not json'), { source: src }), {
      datacontenttype: 'application/octet-stream',
      data: Buffer.from('not json').toString('base64'),
    });
    assert.deepEqual(decodePayload(new Uint8Array(), { source: src }), { datacontenttype: 'application/octet-stream', data: '' });
  });

  void it('turns MessagePack bin and timestamps into JSON forms', () => {
    const when = new Date('2024-05-01T10:00:00.000Z');
    const decoded = decodePayload(encode({ blob: Uint8Array.of(255, 0), when }), { source: src, mode: 'msgpack' });
    assert.deepEqual(decoded.data, { blob: '/wA=', when: '2024-05-01T10:00:00.000Z' });
  });

  void it('throws a PayloadError naming the source and what was expected', () => {
    const cases: Array<[Uint8Array, PayloadMode, string | undefined, RegExp]> = [
      [bytes('{oops'), 'json', undefined, /"orders": payload is not JSON/],
      [new Uint8Array(), 'json', undefined, /not JSON \(an empty payload\)/],
      [Uint8Array.of(0xff, 0xfe), 'json', undefined, /not JSON \(bytes that are not UTF-8\)/],
      [Uint8Array.of(0xc1), 'msgpack', undefined, /not MessagePack/],
      [Uint8Array.of(0x01, 0x02), 'msgpack', undefined, /not MessagePack .*Extra/],
      [bytes('{oops'), 'auto', 'application/json', /not JSON/],
      [Uint8Array.of(0xff), 'auto', 'text/plain', /not text \(text\/plain\)/],
    ];
    for (const [payload, mode, contentType, message] of cases) {
      assert.throws(
        () => decodePayload(payload, { source: src, mode, contentType }),
        (error: unknown) => error instanceof PayloadError && error.source === src && message.test(error.message) && !error.retryable,
        `${mode} ${contentType ?? ''}`,
      );
    }
  });
});

void describe('encodePayload', () => {
  void it('encodes JSON, MessagePack and raw bytes with their content types', () => {
    assert.deepEqual(encodePayload({ a: 1 }, 'json'), { bytes: bytes('{"a":1}'), contentType: 'application/json' });
    assert.equal(encodePayload({ a: 1 }, 'msgpack').contentType, 'application/msgpack');
    assert.deepEqual(encodePayload('abc', 'raw'), { bytes: bytes('abc'), contentType: 'application/octet-stream' });
    assert.throws(() => encodePayload(undefined, 'json'), TypeError);
    assert.throws(() => encodePayload(42, 'raw'), TypeError);
  });
});

// MessagePack refuses a "__proto__" key (a prototype-pollution guard), which JSON.parse accepts as
// an own property; such a payload is a PayloadError, tested apart.
const jsonValue = fc.jsonValue().filter((value) => !JSON.stringify(value).includes('"__proto__"'));

void describe('payload properties', () => {
  void it('JSON and MessagePack round-trip any JSON value', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        for (const format of ['json', 'msgpack'] as const) {
          const { bytes: encoded, contentType } = encodePayload(value, format);
          const decoded = decodePayload(encoded, { source: src, contentType });
          assert.deepStrictEqual(decoded.data, JSON.parse(JSON.stringify(value)));
          assert.deepStrictEqual(decodePayload(encoded, { source: src, mode: format }).data, decoded.data);
        }
      }),
      { numRuns: 500 },
    );
  });

  void it('random bytes decode or throw PayloadError, nothing else, in every mode', () => {
    const modes: PayloadMode[] = ['auto', 'json', 'msgpack', 'raw'];
    const contentTypes = [undefined, 'application/json', 'application/msgpack', 'text/plain', 'application/octet-stream', 'x/unknown'];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(...modes), fc.constantFrom(...contentTypes), (payload, mode, contentType) => {
        try {
          const decoded = decodePayload(payload, { source: src, mode, contentType });
          assert.equal(typeof decoded.datacontenttype, 'string');
          JSON.stringify(decoded.data); // whatever decodes is JSON-safe
        } catch (error) {
          if (!(error instanceof PayloadError)) throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });

  void it('refuses a payload nested deeper than 100 levels, in every mode that decodes, naming where', () => {
    const deepJson = (depth: number) => bytes(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    const deepMsgpack = (depth: number) => Uint8Array.from([...new Array<number>(depth).fill(0x91), 0xc0]);
    for (const depth of [101, 5_000, 100_000]) {
      for (const [payload, options] of [
        [deepJson(depth), { mode: 'json' }],
        [deepJson(depth), { contentType: 'application/json' }],
        [deepJson(depth), {}],
        [deepMsgpack(depth), { mode: 'msgpack' }],
      ] as const) {
        assert.throws(
          () => decodePayload(payload, { source: src, ...options }),
          (error: unknown) => error instanceof PayloadError && /nested deeper than 100 levels of objects and arrays, at \/0\/0/.test(error.message),
          `${depth} ${JSON.stringify(options)}`,
        );
      }
    }
    assert.equal(decodePayload(deepJson(100), { source: src, mode: 'json' }).datacontenttype, 'application/json');
    assert.equal(decodePayload(deepMsgpack(99), { source: src, mode: 'msgpack' }).datacontenttype, 'application/msgpack');
  });

  void it('a MessagePack map with a __proto__ key is a PayloadError', () => {
    const withProto = Uint8Array.of(0x81, 0xa9, ...bytes('__proto__'), 0x01);
    assert.throws(() => decodePayload(withProto, { source: src, mode: 'msgpack' }), PayloadError);
  });
});
