// examples/timeout: a task over its timeout is stopped with its whole process group, SIGTERM
// first and SIGKILL after the grace period, long before its 30-second sleep would end.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { exampleEnv, runExample, type ExampleEnv } from './helpers.js';

const GRACE_MS = 300;
// The tasks sleep 30 s: a bound of half that tells "stopped by its timeout" from "ran to the end"
// however slow a loaded machine is, without asserting how fast a stop is.
const SLEPT_TO_THE_END_MS = 15_000;

/** True once the process is gone (a zombie waiting to be reaped counts as gone). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const stat = `/proc/${pid}/stat`;
  return existsSync(stat) && / Z /.test(readFileSync(stat, 'utf8'));
}

async function waitGone(pid: number, ms = 60_000): Promise<boolean> {
  for (const start = Date.now(); Date.now() - start < ms; await sleep(20)) if (gone(pid)) return true;
  return gone(pid);
}

describe('example: timeout', () => {
  let env: ExampleEnv;
  before(async () => (env = await exampleEnv({ killGracePeriodMs: GRACE_MS })));
  after(async () => env.close());

  it('stops each task and its child after 1s, with SIGTERM or, when ignored, SIGKILL', async () => {
    const started = Date.now();
    const result = await runExample(env, 'timeout/workflow.yaml');
    const elapsed = Date.now() - started;
    assert.equal(result.run.status, 'Failed');
    assert.match(result.run.message ?? '', /timed out after 1(\.0+)?s/);
    assert.ok(elapsed < SLEPT_TO_THE_END_MS, `the run ended after ${elapsed}ms, not after the 30s sleep`);

    for (const [task, signal] of [['slow', 'SIGTERM'], ['stubborn', 'SIGKILL']] as const) {
      const attempts = result.executions(task);
      assert.equal(attempts.length, 1, `${task}: one attempt (no retry)`);
      const attempt = attempts[0]!;
      assert.equal(attempt.status, 'Failed');
      assert.match(attempt.message ?? '', /^timed out after 1(\.0+)?s$/);
      assert.equal(attempt.signal, signal, `${task} ended by ${signal}`);
      const ran = attempt.finishedAt! - attempt.startedAt!;
      assert.ok(ran >= 1000 && ran < SLEPT_TO_THE_END_MS, `${task} ran ${ran}ms`);
      if (signal === 'SIGKILL') assert.ok(ran >= 1000 + GRACE_MS, `${task} got the grace period: ${ran}ms`);

      const child = Number(readFileSync(join(attempt.logDir!, 'child'), 'utf8'));
      assert.ok(child > 0, `${task} wrote its child's pid`);
      assert.ok(await waitGone(child), `${task}'s child ${child} was killed with its process group`);
      if (attempt.pid !== undefined) assert.ok(await waitGone(attempt.pid), `${task}'s shell ${attempt.pid} is gone`);
    }
  });
});
