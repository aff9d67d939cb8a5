// Retries (policies and backoff), timeouts (the whole process group), and errors that are not
// the task's fault, on the embedded engine.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeHarness, pidAlive, runToEnd, sh, workflow, type Harness } from '../harness.js';

describe('embedded engine: retries and timeouts', () => {
  let h: Harness;
  before(async () => (h = await makeHarness()));
  after(async () => h.close());

  it('retries a failing task with exponential backoff until it succeeds', async () => {
    const result = await runToEnd(
      h,
      workflow({
        tasks: [{ name: 'flaky', ...sh('[ "$TANDEM_ATTEMPT" -ge 3 ]'), retry: { limit: 4, backoff: { duration: '100ms', factor: 2 } } }],
      }),
    );
    assert.equal(result.run.status, 'Succeeded');
    const runs = result.executions('flaky');
    assert.deepEqual(
      runs.map((r) => r.status),
      ['Failed', 'Failed', 'Succeeded'],
    );
    const gap1 = runs[1]!.startedAt! - runs[0]!.finishedAt!;
    const gap2 = runs[2]!.startedAt! - runs[1]!.finishedAt!;
    assert.ok(gap1 >= 95, `first backoff ~100ms, was ${gap1}`);
    assert.ok(gap2 >= 195, `second backoff ~200ms, was ${gap2}`);
  });

  it('gives up after the limit, and caps the backoff', async () => {
    const result = await runToEnd(
      h,
      workflow({ tasks: [{ name: 'never', ...sh('exit 2'), retry: { limit: 2, backoff: { duration: '50ms', factor: 10, maxDuration: '60ms' } } }] }),
    );
    assert.equal(result.run.status, 'Failed');
    const runs = result.executions('never');
    assert.equal(runs.length, 3);
    assert.ok(runs[2]!.startedAt! - runs[1]!.finishedAt! < 400, 'capped at maxDuration');
  });

  it('on-error retries only attempts that could not run; on-failure only failures', async () => {
    const result = await runToEnd(
      h,
      workflow({
        failFast: false,
        tasks: [
          { name: 'missing_on_error', process: { command: '/no/such/command' }, retry: { limit: 2, policy: 'on-error' } },
          { name: 'missing_on_failure', process: { command: '/no/such/command' }, retry: { limit: 2, policy: 'on-failure' } },
          { name: 'failing_on_error', ...sh('exit 1'), retry: { limit: 2, policy: 'on-error' } },
          { name: 'failing_always', ...sh('exit 1'), retry: { limit: 1, policy: 'always' } },
        ],
      }),
    );
    assert.equal(result.executions('missing_on_error').length, 3);
    assert.equal(result.executions('missing_on_error')[0]?.status, 'Error');
    assert.match(result.executions('missing_on_error')[0]?.message ?? '', /ENOENT/);
    assert.equal(result.executions('missing_on_failure').length, 1);
    assert.equal(result.executions('failing_on_error').length, 1);
    assert.equal(result.executions('failing_always').length, 2);
  });

  it('a timeout stops the task and every process it started', async () => {
    const started = Date.now();
    const result = await runToEnd(
      h,
      workflow({
        tasks: [{ name: 'hang', ...sh('sleep 30 & echo $! > "$TANDEM_OUTPUTS/child"; sleep 30'), timeout: '500ms' }],
      }),
    );
    assert.equal(result.run.status, 'Failed');
    const attempt = result.executions('hang')[0]!;
    assert.equal(attempt.status, 'Failed');
    assert.match(attempt.message ?? '', /timed out after 500ms/);
    assert.ok(Date.now() - started < 15_000, 'stopped by its timeout, not after its 30 s sleep');
    const child = Number(readFileSync(join(attempt.logDir!, 'child'), 'utf8'));
    assert.ok(child > 0);
    // SIGKILL is sent when the attempt ends; give the kernel a moment to reap the child.
    const deadline = Date.now() + 60_000;
    while (pidAlive(child) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(pidAlive(child), false, 'the background child was killed with its group');
  });

  it('escalates to SIGKILL when a task ignores SIGTERM', async () => {
    const result = await runToEnd(h, workflow({ tasks: [{ name: 'stubborn', ...sh('trap "" TERM; sleep 30'), timeout: '300ms' }] }));
    const attempt = result.executions('stubborn')[0]!;
    assert.equal(attempt.status, 'Failed');
    assert.equal(attempt.signal, 'SIGKILL');
  });

  it('uses the workflow defaults for retry and timeout', async () => {
    const result = await runToEnd(
      h,
      workflow({ defaults: { retry: { limit: 1 }, timeout: '300ms' }, tasks: [{ name: 'slow', ...sh('sleep 5') }] }),
    );
    assert.deepEqual(
      result.executions('slow').map((r) => r.status),
      ['Failed', 'Failed'],
    );
  });
});
