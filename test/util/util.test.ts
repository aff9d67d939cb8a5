// The small shared helpers: backoff, jitter, error text, the record guard.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { backoffDelay, withJitter } from '../../src/util/backoff.js';
import { errorMessage } from '../../src/util/error-message.js';
import { isRecord } from '../../src/util/is-record.js';

void describe('backoffDelay', () => {
  void it('grows by the factor from the initial delay and stops at the cap', () => {
    const policy = { initialMs: 100, maxMs: 1000 };
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((step) => backoffDelay(policy, step)), [100, 200, 400, 800, 1000, 1000]);
    assert.deepEqual([0, 1, 2].map((step) => backoffDelay({ initialMs: 10, factor: 3 }, step)), [10, 30, 90]);
  });

  void it('treats negative and fractional steps as whole steps from 0, and never overflows to NaN', () => {
    assert.equal(backoffDelay({ initialMs: 100 }, -3), 100);
    assert.equal(backoffDelay({ initialMs: 100 }, 1.9), 200);
    assert.equal(backoffDelay({ initialMs: 100, maxMs: 5000 }, 10_000), 5000);
    assert.equal(backoffDelay({ initialMs: 100 }, 10_000), Number.POSITIVE_INFINITY);
  });
});

void describe('withJitter', () => {
  void it('spreads a delay over [delay * (1 - below), delay * (1 + above)]', () => {
    assert.equal(withJitter(1000, { below: 0.2, above: 0.2 }, () => 0), 1200);
    assert.equal(withJitter(1000, { below: 0.2, above: 0.2 }, () => 1), 800);
    assert.equal(withJitter(1000, { below: 0.5 }, () => 0.5), 750);
  });
});

void describe('errorMessage', () => {
  void it('gives the message of an Error and the text of anything else thrown', () => {
    assert.equal(errorMessage(new TypeError('bad')), 'bad');
    assert.equal(errorMessage('plain'), 'plain');
    assert.equal(errorMessage(42), '42');
    assert.equal(errorMessage(undefined), 'undefined');
  });
});

void describe('isRecord', () => {
  void it('accepts plain objects only', () => {
    assert.equal(isRecord({ a: 1 }), true);
    assert.equal(isRecord([]), false);
    assert.equal(isRecord(null), false);
    assert.equal(isRecord('x'), false);
  });
});
