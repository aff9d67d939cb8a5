// examples/retry: attempts 1 and 2 fail, attempt 3 succeeds, with the backoff between them.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { exampleEnv, runExample, type ExampleEnv } from './helpers.js';

describe('example: retry', () => {
  let env: ExampleEnv;
  before(async () => (env = await exampleEnv()));
  after(async () => env.close());

  it('records three attempts: Failed, Failed, Succeeded, with growing backoff', async () => {
    const result = await runExample(env, 'retry/workflow.yaml');
    assert.equal(result.run.status, 'Succeeded', result.run.message);
    const attempts = result.executions('flaky');
    assert.deepEqual(
      attempts.map((a) => [a.attempt, a.status, a.exitCode]),
      [
        [1, 'Failed', 1],
        [2, 'Failed', 1],
        [3, 'Succeeded', 0],
      ],
    );
    assert.equal(result.status('flaky'), 'Succeeded');
    assert.deepEqual(result.run.outputs, { succeededOnAttempt: 3 });
    // backoff: 100ms before attempt 2, 200ms before attempt 3
    const gap = (i: number) => attempts[i]!.startedAt! - attempts[i - 1]!.finishedAt!;
    assert.ok(gap(1) >= 100, `waited ${gap(1)}ms before attempt 2`);
    assert.ok(gap(2) >= 200, `waited ${gap(2)}ms before attempt 3`);

    const logs: string[] = [];
    for await (const chunk of env.engine.logs(result.run.id, 'flaky')) logs.push(`${chunk.attempt} ${chunk.stream}: ${chunk.text.trim()}`);
    assert.ok(logs.includes('1 stderr: upstream service unavailable'), logs.join('\n'));
    assert.ok(logs.includes('2 stderr: upstream service unavailable'), logs.join('\n'));
    assert.ok(logs.some((line) => line.startsWith('3 stdout: attempt 3')), logs.join('\n'));
  });

  it('fails the run once the retries are used up', async () => {
    const result = await runExample(env, 'retry/workflow.yaml', { succeedOn: 5 });
    assert.equal(result.run.status, 'Failed');
    assert.deepEqual(
      result.executions('flaky').map((a) => a.status),
      ['Failed', 'Failed', 'Failed', 'Failed'],
      'limit 3: the first attempt and three retries',
    );
    assert.match(result.run.message ?? '', /flaky failed: exit code 1/);
    assert.equal(result.run.outputs, undefined);
  });
});
