import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { computeSignature, decodeDigest, verifyBearer, verifyHmac } from '../../../src/events/sources/webhook/verify.js';
import { parseWebhookConfig } from '../../../src/events/sources/webhook/parse.js';
import { SpecValidationError } from '../../../src/errors.js';

const secret = 's3cret';
const body = Buffer.from('{"hello":"world"}');

void describe('verifyHmac', () => {
  void it('accepts hex, base64 and URL-safe base64 signatures, with or without a prefix', () => {
    const digest = createHmac('sha256', secret).update(body).digest();
    for (const signature of [digest.toString('hex'), digest.toString('hex').toUpperCase(), digest.toString('base64'), digest.toString('base64url')]) {
      assert.deepEqual(verifyHmac({ secret, body, signature }), { ok: true });
      assert.deepEqual(verifyHmac({ secret, body, signature: `sha256=${signature}`, prefix: 'sha256=' }), { ok: true });
    }
  });

  void it('names the reason for each failure', () => {
    const good = computeSignature(secret, body);
    assert.deepEqual(verifyHmac({ secret, body, signature: undefined }), { ok: false, reason: 'missing-signature' });
    assert.deepEqual(verifyHmac({ secret, body, signature: '  ' }), { ok: false, reason: 'missing-signature' });
    assert.deepEqual(verifyHmac({ secret, body, signature: good, prefix: 'sha256=' }), { ok: false, reason: 'bad-signature' });
    assert.deepEqual(verifyHmac({ secret, body, signature: good.slice(2) }), { ok: false, reason: 'bad-signature' });
    assert.deepEqual(verifyHmac({ secret, body, signature: `${good}00` }), { ok: false, reason: 'bad-signature' });
    assert.deepEqual(verifyHmac({ secret: 'other', body, signature: good }), { ok: false, reason: 'bad-signature' });
    assert.deepEqual(verifyHmac({ secret, body, signature: 'not a signature at all' }), { ok: false, reason: 'bad-signature' });
  });

  void it('signs `${timestamp}.${body}` and bounds the timestamp both ways', () => {
    const nowMs = 1_700_000_000_000;
    const check = (ts: string | undefined, signedTs: string | undefined = ts) =>
      verifyHmac({ secret, body, signature: computeSignature(secret, body, signedTs), timestamp: { value: ts, toleranceMs: 300_000, nowMs } });
    assert.deepEqual(check('1700000000'), { ok: true });
    assert.deepEqual(check('1699999700'), { ok: true }, 'exactly at the tolerance');
    assert.deepEqual(check('1699999699'), { ok: false, reason: 'stale-timestamp' });
    assert.deepEqual(check('1700000301'), { ok: false, reason: 'stale-timestamp' });
    assert.deepEqual(check('yesterday'), { ok: false, reason: 'stale-timestamp' });
    assert.deepEqual(check(undefined, '1700000000'), { ok: false, reason: 'missing-timestamp' });
    assert.deepEqual(check('1700000000', '1700000001'), { ok: false, reason: 'bad-signature' });
    // The body signature alone does not pass when a timestamp is required.
    assert.deepEqual(
      verifyHmac({ secret, body, signature: computeSignature(secret, body), timestamp: { value: '1700000000', toleranceMs: 300_000, nowMs } }),
      { ok: false, reason: 'bad-signature' },
    );
  });

  void it('property: a signature verifies its body and no other', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), fc.uint8Array({ maxLength: 256 }), fc.string({ minLength: 1 }), (a, b, key) => {
        const signature = computeSignature(key, a);
        assert.deepEqual(verifyHmac({ secret: key, body: a, signature }), { ok: true });
        const same = Buffer.from(a).equals(Buffer.from(b));
        assert.equal(verifyHmac({ secret: key, body: b, signature }).ok, same);
      }),
    );
  });

  void it('decodes only 32-byte digests', () => {
    assert.equal(decodeDigest('ab'), undefined);
    assert.equal(decodeDigest(Buffer.alloc(31).toString('base64')), undefined);
    assert.equal(decodeDigest(Buffer.alloc(32, 7).toString('base64'))?.length, 32);
  });
});

void describe('verifyBearer', () => {
  void it('accepts the token and tells missing from bad', () => {
    assert.deepEqual(verifyBearer('Bearer tok', 'tok'), { ok: true });
    assert.deepEqual(verifyBearer('bearer   tok ', 'tok'), { ok: true });
    assert.deepEqual(verifyBearer(undefined, 'tok'), { ok: false, reason: 'missing-token' });
    assert.deepEqual(verifyBearer('Basic dG9rOg==', 'tok'), { ok: false, reason: 'missing-token' });
    assert.deepEqual(verifyBearer('Bearer tok2', 'tok'), { ok: false, reason: 'bad-token' });
    assert.deepEqual(verifyBearer('Bearer to', 'tok'), { ok: false, reason: 'bad-token' });
  });
});

void describe('parseWebhookConfig', () => {
  void it('accepts a full configuration and lists every problem with its path', () => {
    const config = parseWebhookConfig({
      path: '/hooks/gh',
      hmac: { secret: { env: 'GH_SECRET' }, header: 'X-Hub-Signature-256', prefix: 'sha256=', timestampHeader: 'X-Ts', tolerance: '5m' },
      bearer: { token: { file: '/run/secrets/token' } },
      maxBodyBytes: 2048,
      idHeader: 'X-GitHub-Delivery',
      eventTypeHeader: 'X-GitHub-Event',
      payload: 'json',
    });
    assert.equal(config.path, '/hooks/gh');
    assert.throws(
      () => parseWebhookConfig({ path: 'no-slash', hmac: { secret: 'inline' }, payload: 'xml' }),
      (error: unknown) => error instanceof SpecValidationError && ['/path', '/hmac/secret', '/payload'].every((p) => error.issues.some((i) => i.path === p)),
    );
  });
});
