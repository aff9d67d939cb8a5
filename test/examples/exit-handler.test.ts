// examples/exit-handler: the finally task runs after the main tasks, whatever happened, and sees
// the run's status and failures.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exampleEnv, runExample, type ExampleEnv } from './helpers.js';

describe('example: exit-handler', () => {
  let env: ExampleEnv;
  before(async () => (env = await exampleEnv()));
  after(async () => env.close());

  it('runs notify after load fails, and notify sees Failed and the failures', async () => {
    const result = await runExample(env, 'exit-handler/workflow.yaml');
    assert.equal(result.run.status, 'Failed');
    assert.match(result.run.message ?? '', /load failed: exit code 3/);
    assert.equal(result.status('extract'), 'Succeeded');
    assert.equal(result.status('load'), 'Failed');
    assert.equal(result.executions('load')[0]?.exitCode, 3);
    assert.equal(result.status('refresh'), 'Omitted');
    assert.equal(result.executions('refresh').length, 0, 'refresh never started');

    const notify = result.executions('notify');
    assert.deepEqual(notify.map((a) => a.status), ['Succeeded'], 'the exit handler ran, once');
    assert.ok(notify[0]!.startedAt! >= result.executions('load')[0]!.finishedAt!, 'after the main tasks settled');
    assert.equal(result.output('notify', 'status'), 'Failed');
    assert.deepEqual(result.output('notify', 'failed'), ['load', 'refresh']);
    const message = result.output('notify', 'message') as string;
    assert.match(message, new RegExp(`^run ${result.run.id} Failed\n`));
    assert.match(message, /load: Failed \(exit code 3\)/);
    assert.match(message, /refresh: Omitted \(upstream load failed\)/);
    assert.equal(readFileSync(join(notify[0]!.logDir!, 'notification.txt'), 'utf8'), `${message}\n`);
  });

  it('runs notify after a successful run too, with no failures', async () => {
    const result = await runExample(env, 'exit-handler/workflow.yaml', { fail: false });
    assert.equal(result.run.status, 'Succeeded', result.run.message);
    assert.deepEqual(['extract', 'load', 'refresh', 'notify'].map(result.status), ['Succeeded', 'Succeeded', 'Succeeded', 'Succeeded']);
    assert.equal(result.output('notify', 'status'), 'Succeeded');
    assert.deepEqual(result.output('notify', 'failed'), []);
  });
});
