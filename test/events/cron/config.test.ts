// The cron source's configuration check and its system clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemClock } from '../../../src/events/sources/cron/clock.js';
import { parseCronConfig } from '../../../src/events/sources/cron/parse.js';
import { SpecValidationError } from '../../../src/errors.js';

void describe('parseCronConfig', () => {
  void it('accepts good configurations and lists every problem with its path', () => {
    const config = parseCronConfig({ schedules: ['0 2 * * *', '*/10 * * * * *', '@hourly'], timezone: 'Europe/Paris', concurrencyPolicy: 'Forbid', catchUp: { policy: 'all', limit: 3 }, jitter: '30s' });
    assert.equal(config.schedules.length, 3);
    assert.throws(
      () => parseCronConfig({ schedules: ['* * *', '61 * * * *', '0 2 * * *', '0 2 * * *'], timezone: 'Mars/Olympus' }),
      (error: unknown) =>
        error instanceof SpecValidationError &&
        ['/timezone', '/schedules/0', '/schedules/1', '/schedules/3'].every((p) => error.issues.some((i) => i.path === p)) &&
        !error.issues.some((i) => i.path === '/schedules/2'),
    );
    assert.throws(() => parseCronConfig({ schedules: [], catchUp: { policy: 'some' } }), SpecValidationError);
  });
});

void describe('systemClock', () => {
  void it('fires a timer once and cancels one that has not fired', async () => {
    let fired = 0;
    let cancelledFired = 0;
    systemClock.setTimer(() => (fired += 1), 5);
    const cancel = systemClock.setTimer(() => (cancelledFired += 1), 5);
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(fired, 1);
    assert.equal(cancelledFired, 0);
    assert.ok(Math.abs(systemClock.now() - Date.now()) < 5);
  });
});
